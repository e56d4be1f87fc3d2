import { idf } from "@node-rs/jieba/dict.js";
import { describe, expect, it } from "vitest";
import { wordWeight } from "../../src/search/segmenter.ts";
import { WordWeights } from "../../src/search/word-weights.ts";

const table = Buffer.from("墨荷 9.42\n荷 7.5\n照相机 8.73\n的 0.88\n墨荷 1.0\n绘画 7.07");

describe("word weights read from jieba's IDF table", () => {
  it("gives a listed word its own line's weight, first and last lines included", () => {
    const weights = new WordWeights(table);
    expect(weights.get("墨荷")).toBe(9.42);
    expect(weights.get("照相机")).toBe(8.73);
    expect(weights.get("绘画")).toBe(7.07);
  });

  it("matches whole words only: a word inside or at the start of another is not that word", () => {
    const weights = new WordWeights(table);
    expect(weights.get("墨")).toBeUndefined();
    expect(weights.get("相机")).toBeUndefined();
    expect(weights.get("荷")).toBe(7.5);
    expect(weights.get("9.42")).toBeUndefined();
    expect(weights.get("墨荷 9.42")).toBeUndefined();
    expect(weights.get("")).toBeUndefined();
  });

  it("answers the same once the table is hashed for a long-running process as while it is scanned", () => {
    const words = ["墨荷", "荷", "照相机", "的", "绘画", "墨", "相机", "猫弟"];
    const scanned = new WordWeights(table, Number.POSITIVE_INFINITY);
    const hashed = new WordWeights(table, 1);
    hashed.get("warm-up");
    for (const w of words) expect(hashed.get(w), w).toBe(scanned.get(w));
    // A word listed twice keeps its first line's weight either way.
    expect(hashed.get("墨荷")).toBe(9.42);
  });

  it("agrees between scanning and hashing over jieba's real table", () => {
    const words = ["的", "世界", "面罩", "人工智能", "照相机", "劳动防护", "猫弟", "萝卜快跑", "knowyourself"];
    const scanned = new WordWeights(idf, Number.POSITIVE_INFINITY);
    const hashed = new WordWeights(idf, 1);
    for (const w of words) expect(hashed.get(w), w).toBe(scanned.get(w));
  });

  it("weighs rare words above common ones, and words the table lacks as rare", () => {
    expect(wordWeight("的")).toBeLessThan(1);
    expect(wordWeight("世界")).toBeCloseTo(4.37, 2);
    expect(wordWeight("面罩")).toBeGreaterThan(wordWeight("世界"));
    expect(wordWeight("猫弟")).toBe(11.7);
  });
});
