import { describe, expect, it } from "vitest";
import { inSteps } from "../../src/util/progress.ts";

/** Report every count from 0 to `total` through `inSteps(parts)`; what is passed on. */
function passedOn(parts: number, total: number, from = 0): Array<[number, number]> {
  const seen: Array<[number, number]> = [];
  const progress = inSteps(parts, (done, of) => seen.push([done, of]));
  for (let done = from; done <= total; done++) progress(done, total);
  return seen;
}

describe("progress in steps", () => {
  it("passes on the start, the first count of each share, and the total", () => {
    expect(passedOn(4, 10)).toEqual([
      [0, 10],
      [3, 10],
      [5, 10],
      [8, 10],
      [10, 10],
    ]);
  });

  it("passes on at most parts + 1 reports however many items the job has", () => {
    expect(passedOn(10, 100_000)).toHaveLength(11);
    expect(passedOn(100, 10_754).at(-1)).toEqual([10_754, 10_754]);
  });

  it("passes on every item of a job smaller than its parts", () => {
    expect(passedOn(10, 3)).toEqual([
      [0, 3],
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
  });

  it("passes on reports that skip counts (every 100 items) as they cross a share", () => {
    const seen: number[] = [];
    const progress = inSteps(4, (done) => seen.push(done));
    for (const done of [100, 200, 300, 400, 500, 550]) progress(done, 550);
    expect(seen).toEqual([100, 200, 300, 500, 550]);
  });

  it("starts over when the count goes back (the job runs again)", () => {
    const seen: number[] = [];
    const progress = inSteps(2, (done) => seen.push(done));
    for (const done of [0, 1, 2, 0, 1, 2]) progress(done, 2);
    expect(seen).toEqual([0, 1, 2, 0, 1, 2]);
  });
});
