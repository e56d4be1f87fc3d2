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

  it("uses a query that is nothing but filler as typed rather than searching for nothing", () => {
    expect(parseQuery("文章").phrases).toEqual(["文章"]);
  });

  it("produces no tokens for punctuation-only input", () => {
    expect(parseQuery("？！。").tokens).toEqual([]);
  });
});
