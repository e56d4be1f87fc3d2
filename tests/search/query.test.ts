import { describe, expect, it } from "vitest";
import { parseQuery } from "../../src/search/query.ts";

describe("parseQuery", () => {
  it("keeps the content words of a long question and drops the filler around them", () => {
    expect(parseQuery("那篇讲照相机和绘画的").phrases).toEqual(["照相机", "绘画"]);
  });

  it("leaves a plain keyword as typed", () => {
    expect(parseQuery("墨荷").phrases).toEqual(["墨荷"]);
    expect(parseQuery("AI视频").phrases).toEqual(["ai", "视频"]);
  });

  it("does not drop the author's name inside a longer phrase, only as filler", () => {
    expect(parseQuery("和菜头写过的关于呼吸机的文章").phrases).toEqual(["呼吸机"]);
  });

  it("finds nothing to look for in a query of filler only", () => {
    expect(parseQuery("那篇文章").phrases).toEqual([]);
    expect(parseQuery("的").tokens).toEqual([]);
  });

  it("reads Traditional Chinese as Simplified", () => {
    expect(parseQuery("獨一無二").phrases).toEqual(["独一无二"]);
  });

  it("produces no tokens for punctuation-only input", () => {
    expect(parseQuery("？！。").tokens).toEqual([]);
  });
});

describe("query word weights", () => {
  it("weighs rare words above common ones", () => {
    const q = parseQuery("飞机上碰到一个大妈");
    const weightOf = (text: string) => {
      const w = q.words.find((x) => q.phrases[x.phrase]!.slice(x.start, x.start + x.length) === text);
      return w?.weight ?? Number.NaN;
    };
    expect(weightOf("大妈")).toBeGreaterThan(weightOf("一个"));
  });

  it("treats a run of unknown single characters as one word (a name)", () => {
    const q = parseQuery("张国荣");
    expect(q.words).toHaveLength(1);
  });

  it("joins single characters into a name only where the archive writes them together, and never a grammatical one", () => {
    const words = (q: ReturnType<typeof parseQuery>) =>
      q.words.map((w) => [...q.phrases[w.phrase]!].slice(w.start, w.start + w.length).join(""));
    const archive = new Set(["猫弟", "张国", "国荣"]);
    expect(words(parseQuery("张国荣", (pair) => archive.has(pair)))).toEqual(["张国荣"]);
    // 瞎练要 is a reader's phrasing, not a name: no article writes 瞎练, and 要 is grammar.
    expect(words(parseQuery("冥想别自己瞎练要找人教", (pair) => archive.has(pair)))).toEqual([
      "冥想",
      "别",
      "自己",
      "瞎",
      "练",
      "要",
      "人",
      "教",
    ]);
    expect(words(parseQuery("猫弟走了", (pair) => archive.has(pair)))).toContain("猫弟");
  });
});
