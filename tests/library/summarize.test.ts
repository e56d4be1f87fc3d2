import { describe, expect, it } from "vitest";
import { summarize } from "../../src/library/summarize.ts";

const s = (n: number, end = "。") => "字".repeat(n - 1) + end;

describe("summarize", () => {
  it("keeps a short body whole, without markdown", () => {
    expect(summarize("**墨荷**是一张图。![](https://x/y.jpg)")).toBe("墨荷是一张图。");
  });

  it("takes whole sentences until at least 80 characters, never past 120", () => {
    const out = summarize(s(50) + s(40) + s(60));
    expect([...out].length).toBe(90);
    expect(out.endsWith("。")).toBe(true);
  });

  it("joins paragraphs without inserting spaces between Chinese characters", () => {
    expect(summarize("第一段。\n\n第二段。")).toBe("第一段。第二段。");
    expect(summarize("James\nGerde 的视频。")).toBe("James Gerde 的视频。");
  });

  it("takes a long next sentence whole when the summary stays under 180 characters", () => {
    const body = s(40) + s(100) + s(30);
    expect(summarize(body)).toBe(s(40) + s(100));
  });

  it("otherwise continues into the next sentence up to a comma and marks the cut", () => {
    const body = s(40) + "甲".repeat(50) + "，" + "乙".repeat(160) + "。";
    expect(summarize(body)).toBe(s(40) + "甲".repeat(50) + "…");
  });

  it("cuts a single overlong sentence at a comma", () => {
    const out = summarize("甲".repeat(70) + "，" + "乙".repeat(120) + "。");
    expect(out).toBe("甲".repeat(70) + "…");
  });
});
