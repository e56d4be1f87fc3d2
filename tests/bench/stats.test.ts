import { describe, expect, it } from "vitest";
import { latency, median, percentile } from "../../bench/stats.ts";

describe("latency statistics", () => {
  const samples = Array.from({ length: 100 }, (_, i) => 100 - i);

  it("use the nearest rank, whatever the order of the samples", () => {
    expect(percentile(samples, 0.5)).toBe(50);
    expect(percentile(samples, 0.99)).toBe(99);
    expect(percentile(samples, 1)).toBe(100);
    expect(median([3, 1, 2])).toBe(2);
  });

  it("summarise timings as count, p50, p99 and max", () => {
    expect(latency(samples)).toEqual({ samples: 100, p50: 50, p99: 99, max: 100 });
    expect(latency([7])).toEqual({ samples: 1, p50: 7, p99: 7, max: 7 });
  });

  it("have no percentile of nothing", () => {
    expect(percentile([], 0.5)).toBeNaN();
  });
});
