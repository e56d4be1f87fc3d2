import { describe, expect, it } from "vitest";
import { indexingLine, terminalProgress } from "../../src/cli/progress.ts";

/** A stream standing in for stderr: a terminal or not. */
function output(isTTY: boolean) {
  const written: string[] = [];
  return { isTTY, written, write: (text: string) => written.push(text) };
}

describe("progress on the terminal", () => {
  it("says how many articles of how many are indexed, with thousands marked", () => {
    expect(indexingLine(3_200, 10_754)).toBe("正在建立索引 3,200/10,754…");
    expect(indexingLine(10_754, 10_754)).toBe("索引已建立：10,754 篇");
  });

  it("on a terminal, redraws one line in place and erases it at the end", () => {
    const out = output(true);
    const progress = terminalProgress(out, indexingLine);
    for (const done of [0, 5_000, 10_754]) progress(done, 10_754);
    expect(out.written).toEqual(["\r正在建立索引 0/10,754…\x1b[K", "\r正在建立索引 5,000/10,754…\x1b[K", "\r\x1b[K"]);
  });

  it("elsewhere (a pipe, a log file), writes plain lines: at the start, each quarter and the end", () => {
    const out = output(false);
    const progress = terminalProgress(out, indexingLine);
    for (let done = 0; done <= 100; done++) progress(done, 100);
    expect(out.written).toEqual([
      "正在建立索引 0/100…\n",
      "正在建立索引 25/100…\n",
      "正在建立索引 50/100…\n",
      "正在建立索引 75/100…\n",
      "索引已建立：100 篇\n",
    ]);
  });
});
