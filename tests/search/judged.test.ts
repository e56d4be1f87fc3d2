import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { defaultMiniSearch } from "../../bench/baselines.ts";
import { loadLibrary } from "../../src/library/load.ts";
import { snapshotOf } from "../../src/library/live.ts";
import { evaluate, type JudgedQuery, type Quality } from "../../src/search/evaluate.ts";
import { BUNDLED_LIBRARY } from "../helpers/bot.ts";

const judged = JSON.parse(readFileSync(new URL("../fixtures/search/judged-queries.json", import.meta.url), "utf8")) as JudgedQuery[];
const loaded = await loadLibrary(BUNDLED_LIBRARY);
const { index } = snapshotOf(loaded);

const ours = evaluate(judged, (q) => {
  const r = index.search(q, { limit: 3 });
  return { titles: r.hits.map((h) => h.article.title), lowConfidence: r.lowConfidence };
});
const baseline = evaluate(judged, defaultMiniSearch(loaded.articles));
const row = (rows: Quality[], kind: string) => rows.find((r) => r.kind === kind)!;

describe("search on the judged query set over the bundled library", () => {
  it("every judged answer exists in the library", () => {
    const titles = new Set(loaded.articles.map((a) => a.title));
    for (const j of judged) for (const t of j.relevant) expect(titles, j.query).toContain(t);
  });

  it.each(["keyword", "long", "title-slip", "traditional", "mixed", "no-answer"])("puts the right article in the top 3 for %s queries", (kind) => {
    expect(row(ours, kind).recallAt3, `misses: ${row(ours, kind).misses.join(" | ")}`).toBeGreaterThanOrEqual(0.85);
  });

  it("beats minisearch's default tokenizer by a wide margin", () => {
    expect(row(ours, "all").recallAt3).toBeGreaterThanOrEqual(row(baseline, "all").recallAt3 + 0.25);
    expect(row(ours, "all").mrr).toBeGreaterThan(row(baseline, "all").mrr);
  });
});
