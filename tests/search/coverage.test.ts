import { describe, expect, it } from "vitest";
import { coverage } from "../../src/search/coverage.ts";
import { parseQuery } from "../../src/search/query.ts";

describe("coverage", () => {
  it("is 1 when every word of the query matched", () => {
    expect(coverage(parseQuery("照相机和绘画"), ["照相机", "绘画"])).toBe(1);
  });

  it("does not let part of a word answer the whole word (世界 is not 世界杯)", () => {
    expect(coverage(parseQuery("世界杯"), ["世界"])).toBeLessThan(0.5);
  });

  it("counts a rare word for more than a common one", () => {
    const q = parseQuery("大妈 别人");
    expect(coverage(q, ["大妈"])).toBeGreaterThan(coverage(q, ["别人"]));
  });

  it("is 0 for a query with no words", () => {
    expect(coverage(parseQuery("？"), [])).toBe(0);
  });
});
