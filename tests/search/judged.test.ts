import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { defaultMiniSearch } from "../../bench/baselines.ts";
import { loadLibrary } from "../../src/library/load.ts";
import { snapshotOf } from "../../src/catalog/live.ts";
import { evaluate, type JudgedQuery, type Quality } from "../../src/search/evaluate.ts";
import { nothingFound } from "../../src/search/index.ts";
import { BUNDLED_LIBRARY } from "../helpers/bot.ts";

const readJudged = (name: string) =>
  JSON.parse(readFileSync(new URL(`../fixtures/search/${name}`, import.meta.url), "utf8")) as JudgedQuery[];
/** Written while building the search. */
const judged = readJudged("judged-queries.json");
/** Written by someone who never saw the search code, from the articles alone. */
const blind = readJudged("judged-blind.json");
const loaded = await loadLibrary(BUNDLED_LIBRARY);
const { index } = snapshotOf(loaded);

const engine = (q: string) => {
  const r = index.search(q, { limit: 3 });
  return { titles: r.hits.map((h) => h.article.title), lowConfidence: nothingFound(r) };
};
const ours = evaluate(judged, engine);
const oursBlind = evaluate(blind, engine);
const baseline = evaluate(judged, defaultMiniSearch(loaded.articles));
const baselineBlind = evaluate(blind, defaultMiniSearch(loaded.articles));
const row = (rows: Quality[], kind: string) => rows.find((r) => r.kind === kind)!;

describe("search on the judged query set over the bundled library", () => {
  it("every judged answer exists in the library", () => {
    const titles = new Set(loaded.articles.map((a) => a.title));
    for (const j of [...judged, ...blind]) for (const t of j.relevant) expect(titles, j.query).toContain(t);
  });

  it.each(["keyword", "long", "title-slip", "traditional", "mixed", "no-answer"])(
    "puts the right article in the top 3 for %s queries",
    (kind) => {
      expect(row(ours, kind).recallAt3, `misses: ${row(ours, kind).misses.join(" | ")}`).toBeGreaterThanOrEqual(0.85);
    },
  );

  it("beats minisearch's default tokenizer by a wide margin", () => {
    expect(row(ours, "all").recallAt3).toBeGreaterThanOrEqual(row(baseline, "all").recallAt3 + 0.25);
    expect(row(ours, "all").mrr).toBeGreaterThan(row(baseline, "all").mrr);
  });

  it("holds up on the blind set: most answers in the top 3, and 没有找到 when there is no answer", () => {
    const all = row(oursBlind, "all");
    expect(all.recallAt3, `misses: ${all.misses.join(" | ")}`).toBeGreaterThanOrEqual(0.8);
    expect(row(oursBlind, "no-answer").recallAt3).toBeGreaterThanOrEqual(0.9);
    for (const kind of ["keyword", "title-slip", "traditional", "mixed"])
      expect(row(oursBlind, kind).recallAt3, kind).toBeGreaterThanOrEqual(0.75);
    expect(all.recallAt3).toBeGreaterThanOrEqual(row(baselineBlind, "all").recallAt3 + 0.25);
  });
});

describe("weak candidates (「没有完全对得上的…」) over the bundled library", () => {
  it("shows a long description's candidates rather than nothing when the best one is doubtful", () => {
    for (const [query, title] of [
      ["那篇叫人别老说坚持，拿母猫叼小猫来打比方的是哪篇", "在和菜头的激励下"],
      ["飞机上大妈换座位", "头等舱演唱会"],
    ]) {
      const r = index.search(query!);
      expect(r, query).toMatchObject({ lowConfidence: true, tentative: true });
      expect(nothingFound(r), query).toBe(false);
      expect(r.hits[0]!.article.title, query).toBe(title);
    }
  });

  it("never shows candidates for a query with no answer", () => {
    const shown = [...judged, ...blind].filter((j) => j.relevant.length === 0 && !nothingFound(index.search(j.query)));
    expect(shown.map((j) => j.query)).toEqual([]);
  });

  it("says 没有找到 to short queries that merely share a common word with some article", () => {
    for (const query of ["周杰伦演唱会", "足球世界杯", "世界杯", "量子计算机"]) {
      expect(nothingFound(index.search(query)), query).toBe(true);
    }
  });

  it("never hides an answer ranked first behind 没有找到", () => {
    const hidden = [...judged, ...blind].filter((j) => {
      const r = index.search(j.query, { limit: 1 });
      return r.hits.length > 0 && j.relevant.includes(r.hits[0]!.article.title) && nothingFound(r);
    });
    expect(hidden.map((j) => j.query)).toEqual([]);
  });
});
