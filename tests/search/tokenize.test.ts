import { describe, expect, it } from "vitest";
import { bigrams, isLatinToken, normalize, splitRuns, tokenize } from "../../src/search/tokenize.ts";

describe("tokenize", () => {
  it("turns a Chinese run into overlapping bigrams, so any two-character word matches", () => {
    expect(tokenize("照相机")).toEqual(["照相", "相机"]);
  });

  it("adds jieba words longer than two characters when asked", () => {
    expect(tokenize("照相机和绘画", { words: true })).toEqual(
      expect.arrayContaining(["照相", "相机", "机和", "和绘", "绘画", "照相机"]),
    );
  });

  it("adds single characters for short fields", () => {
    expect(tokenize("墨荷", { unigrams: true })).toEqual(["墨", "荷", "墨荷"]);
  });

  it("keeps a lone Chinese character as its own token", () => {
    expect(tokenize("荷")).toEqual(["荷"]);
  });

  it("lower-cases Latin words and keeps numbers, across script boundaries", () => {
    expect(tokenize("用Midjourney V6画AI视频")).toEqual(["用", "midjourney", "v6", "画", "ai", "视频"]);
  });

  it("folds full-width letters and digits", () => {
    expect(normalize("ＡＩ视频２０２４")).toBe("ai视频2024");
  });

  it("turns Traditional Chinese into Simplified, with Taiwan's own words and Hong Kong's variant characters", () => {
    expect(normalize("獨一無二 禪定時刻")).toBe("独一无二 禅定时刻");
    expect(normalize("無人駕駛計程車")).toBe("无人驾驶出租车");
    expect(normalize("軟體 網路 滑鼠")).toBe("软件 网络 鼠标");
    expect(normalize("睡眠呼吸中止症")).toBe("睡眠呼吸暂停综合征");
    expect(normalize("衞生 綫上")).toBe("卫生 线上");
    expect(normalize("大家都喜欢看视频")).toBe("大家都喜欢看视频");
  });

  it("drops punctuation, emoji and markup characters", () => {
    expect(tokenize("<b>墨荷</b>!!! 😀😀 ***")).toEqual(["b", "墨荷", "b"]);
  });

  it("returns nothing for empty or symbol-only text", () => {
    expect(tokenize("")).toEqual([]);
    expect(tokenize("？？！…… 🎉")).toEqual([]);
  });

  it("splits mixed text into Han runs and Latin words", () => {
    expect(splitRuns("vision pro很贵")).toEqual([
      { kind: "latin", text: "vision" },
      { kind: "latin", text: "pro" },
      { kind: "cjk", text: "很贵" },
    ]);
    expect(bigrams("独一无二")).toEqual(["独一", "一无", "无二"]);
  });

  it("tells Latin tokens (which may match fuzzily) from Chinese ones", () => {
    expect(isLatinToken("midjourney")).toBe(true);
    expect(isLatinToken("墨荷")).toBe(false);
  });
});
