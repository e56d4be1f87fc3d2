import { readFileSync } from "node:fs";
import type { Article } from "../src/library/article.ts";
import { snapshotOf } from "../src/catalog/live.ts";
import { loadLibrary } from "../src/library/load.ts";
import { evaluate, type EngineAnswer, type JudgedQuery, type Quality } from "../src/search/evaluate.ts";
import { nothingFound } from "../src/search/index.ts";
import { defaultMiniSearch, linearScan } from "./baselines.ts";

/** The judged query set of the search specs. */
export const JUDGED = new URL("../tests/fixtures/search/judged-queries.json", import.meta.url);

/** Quality of each engine on one library. */
export interface QualityReport {
  articles: number;
  engines: Array<{ engine: string; rows: Quality[] }>;
}

/** Our engine as the evaluation harness sees it. */
function ours(articles: readonly Article[]): (q: string) => EngineAnswer {
  const { index } = snapshotOf({ articles: [...articles] });
  return (q) => {
    const r = index.search(q, { limit: 10 });
    return { titles: r.hits.map((h) => h.article.title), lowConfidence: nothingFound(r) };
  };
}

/** recall@3 and MRR of ours and of both baselines on the library in `dir`, per kind of query. */
export async function measureQuality(dir: string): Promise<QualityReport> {
  const judged = JSON.parse(readFileSync(JUDGED, "utf8")) as JudgedQuery[];
  const { articles } = await loadLibrary(dir);
  const engines = { ours, "minisearch (default tokenizer)": defaultMiniSearch, "linear scan": linearScan };
  return {
    articles: articles.length,
    engines: Object.entries(engines).map(([engine, make]) => ({ engine, rows: evaluate(judged, make(articles)) })),
  };
}
