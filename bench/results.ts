import type { ChildOutcome } from "./child.ts";
import type { ColdStart } from "./cold-start.ts";
import type { Machine } from "./machine.ts";
import type { BaselineResult } from "./measure-baseline.ts";
import type { OursResult } from "./measure-ours.ts";
import type { QualityReport } from "./quality.ts";
import { median } from "./stats.ts";

/** A baseline's measurement, or why it was not taken. */
export type BaselineOutcome = { engine: string } & (ChildOutcome<BaselineResult> | { skipped: string });

/** Cold starts through the CLI. */
export interface ColdStarts {
  /** Runs without a persisted index (the first run after clearing leftovers). */
  noCache: ColdStart[];
  /** Runs after an earlier run left a persisted index behind. */
  withCache: ColdStart[];
  /** The same command on an empty library, each run just before one of `withCache`. */
  emptyLibrary?: ColdStart[];
  /** What the runs left in the corpus directory (a persisted index, when there is one). */
  cacheFiles: string[];
}

/** Everything measured for one corpus size. */
export interface SizeResult {
  articles: number;
  /** A real archive (--corpus) rather than a generated corpus. */
  real?: boolean;
  corpusMb: number;
  /** Size of the persisted index the runs left behind (0: none). */
  cacheMb: number;
  /** Time to generate the corpus, when this run generated it. */
  generateMs?: number;
  ours: ChildOutcome<OursResult>;
  cold: ColdStarts;
  baselines: BaselineOutcome[];
  /** What this size left out or could not do, in words. */
  notes: string[];
}

/** One `npm run bench`. */
export interface BenchRun {
  date: string;
  command: string;
  machine: Machine;
  seed: number;
  totalMs: number;
  /** The CLI answering from an empty library: Node, tsx and module loading, under every cold start. */
  startupMs?: number;
  sizes: SizeResult[];
  quality?: QualityReport;
  /** The reader-written set on the real archive, as the chat shows answers (bench/reader-set.ts), with `--corpus`. */
  readers?: { articles: number; table: string };
}

/** Our measurement of a size, when it succeeded. */
export function ours(size: SizeResult): OursResult | undefined {
  return size.ours.ok ? size.ours.result : undefined;
}

/** The median first-answer time of the successful runs, or undefined. */
export function medianCold(runs: readonly ColdStart[]): number | undefined {
  const ok = runs.filter((r) => r.ok).map((r) => r.firstAnswerMs);
  return ok.length > 0 ? median(ok) : undefined;
}

/** Cold start without cache: the CLI's runs, else the worker's own fresh start. */
export function coldNoCache(size: SizeResult): number | undefined {
  return medianCold(size.cold.noCache) ?? ours(size)?.firstAnswerMs;
}

/** How a size is named in the report. */
export function sizeLabel(size: Pick<SizeResult, "articles" | "real">): string {
  return size.real ? `${size.articles} (real)` : String(size.articles);
}

/** Cached cold start ÷ the same command on an empty library: from the interleaved runs of the size, else the run's floor. */
export function coldRatio(size: SizeResult, run: Pick<BenchRun, "startupMs">): number | undefined {
  const cached = medianCold(size.cold.withCache);
  const empty = medianCold(size.cold.emptyLibrary ?? []) ?? run.startupMs;
  return cached === undefined || empty === undefined ? undefined : cached / empty;
}
