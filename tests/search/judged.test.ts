import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { defaultMiniSearch } from "../../bench/baselines.ts";
import { loadLibrary } from "../../src/library/load.ts";
import { snapshotOf } from "../../src/library/live.ts";
import { evaluate, type JudgedQuery, type Quality } from "../../src/search/evaluate.ts";
import { BUNDLED_LIBRARY } from "../helpers/bot.ts";

const readJudged = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/search/${name}`, import.meta.url), "utf8")) as JudgedQuery[];
/** Written while building the search. */
const judged = readJudged("judged-queries.json");
/** Written by someone who never saw the search code, from the articles alone. */
const blind = readJudged("judged-blind.json");
const loaded = await loadLibrary(BUNDLED_LIBRARY);
const { index } = snapshotOf(loaded);

const engine = (q: string) => {
  const r = index.search(q, { limit: 3 });
  return { titles: r.hits.map((h) => h.article.title), lowConfidence: r.lowConfidence };
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

  it.each(["keyword", "long", "title-slip", "traditional", "mixed", "no-answer"])("puts the right article in the top 3 for %s queries", (kind) => {
    expect(row(ours, kind).recallAt3, `misses: ${row(ours, kind).misses.join(" | ")}`).toBeGreaterThanOrEqual(0.85);
  });

  it("beats minisearch's default tokenizer by a wide margin", () => {
    expect(row(ours, "all").recallAt3).toBeGreaterThanOrEqual(row(baseline, "all").recallAt3 + 0.25);
    expect(row(ours, "all").mrr).toBeGreaterThan(row(baseline, "all").mrr);
  });

  it("holds up on the blind set: most answers in the top 3, and 没有找到 when there is no answer", () => {
    const all = row(oursBlind, "all");
    expect(all.recallAt3, `misses: ${all.misses.join(" | ")}`).toBeGreaterThanOrEqual(0.8);
    expect(row(oursBlind, "no-answer").recallAt3).toBeGreaterThanOrEqual(0.9);
    for (const kind of ["keyword", "title-slip", "traditional", "mixed"]) expect(row(oursBlind, kind).recallAt3, kind).toBeGreaterThanOrEqual(0.75);
    expect(all.recallAt3).toBeGreaterThanOrEqual(row(baselineBlind, "all").recallAt3 + 0.25);
  });
});

describe("tentative answers (「也许是这篇」) over the bundled library", () => {
  it("offers the article that stands out for a long description it cannot trust", () => {
    for (const [query, title] of [
      ["有一篇说他半夜醒来发现呼吸机的面罩漏气吵得睡不着然后去找客服", "呼吸机答疑"],
      ["他说过自己每天早上起来先称体重然后慢跑半小时的那篇", "从心所欲"],
    ]) {
      const r = index.search(query!);
      expect(r, query).toMatchObject({ lowConfidence: true, tentative: true });
      expect(r.hits[0]!.article.title, query).toBe(title);
    }
  });

  it("never guesses for a query with no answer, and every guess on the judged sets is a right answer", () => {
    const guesses = [...judged, ...blind].flatMap((j) => {
      const r = index.search(j.query, { limit: 1 });
      return r.tentative ? [{ query: j.query, right: j.relevant.includes(r.hits[0]!.article.title), noAnswer: j.relevant.length === 0 }] : [];
    });
    expect(guesses.filter((g) => g.noAnswer)).toEqual([]);
    expect(guesses.filter((g) => !g.right)).toEqual([]);
    expect(guesses.length).toBeGreaterThanOrEqual(3);
  });

  it("does not guess for short queries that merely share a word with some article", () => {
    for (const query of ["周杰伦演唱会", "足球世界杯", "那篇讲外卖小哥在暴雨里送餐摔倒的文章是哪篇"]) {
      expect(index.search(query), query).toMatchObject({ tentative: false });
    }
  });
});
