/**
 * Bench worker: measures a baseline engine on one corpus in a fresh process.
 * Usage (through runChild): measure-baseline.ts <dir> <engine> <reps> [queries.json]
 */
import { loadLibrary } from "../src/library/load.ts";
import { defaultMiniSearch, jiebaMiniSearch, linearScan } from "./baselines.ts";
import { peakRssMb, reportFrom } from "./child.ts";
import { querySet, timeQueries, type QueryLatencies } from "./queries.ts";

/** The baseline engines, by the name the report uses; `indexed`: it builds something before answering. */
export const BASELINES = {
  minisearch: { make: defaultMiniSearch, indexed: true },
  "minisearch + jieba": { make: jiebaMiniSearch, indexed: true },
  scan: { make: linearScan, indexed: false },
} as const;
export type BaselineName = keyof typeof BASELINES;

/** What the worker measures. */
export interface BaselineResult {
  engine: BaselineName;
  /** Undefined for an engine without an index. */
  buildMs?: number;
  peakRssMb: number;
  queries: QueryLatencies;
}

async function measure(dir: string, engine: BaselineName, reps: number, queriesFile?: string): Promise<BaselineResult> {
  const { articles } = await loadLibrary(dir);
  const started = performance.now();
  const search = BASELINES[engine].make(articles);
  const buildMs = BASELINES[engine].indexed ? performance.now() - started : undefined;
  const queries = await timeQueries(search, reps, undefined, querySet(queriesFile));
  return { engine, buildMs, peakRssMb: peakRssMb(), queries };
}

await reportFrom(() =>
  measure(process.argv[2]!, process.argv[3] as BaselineName, Number(process.argv[4] ?? 10), process.argv[5]),
);
