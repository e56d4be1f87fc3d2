import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { runChild, type ChildOptions, type ChildOutcome } from "./child.ts";
import { clearLeftovers, coldStart, leftovers, type ColdStart } from "./cold-start.ts";
import { ensureCorpus } from "./generate.ts";
import { loadAverage } from "./machine.ts";
import type { BaselineName, BaselineResult } from "./measure-baseline.ts";
import type { OursResult } from "./measure-ours.ts";
import { BENCH_QUERIES } from "./queries.ts";
import { medianCold, type BaselineOutcome, type ColdStarts, type SizeResult } from "./results.ts";

/** The corpus seed of every run. */
export const SEED = 1;
/** At and above this size the run is lean: fewer repetitions, no slow duplicates. */
export const LARGE = 50_000;
/**
 * Baselines stop here unless --full: minisearch's default tokenizer keeps
 * whole Chinese sentences as terms (minutes and gigabytes at 100k), and
 * the scan needs every body in memory and seconds per query.
 */
const BASELINE_MAX = 20_000;
/** The baselines every size is compared with. */
const BASELINE_ENGINES = ["minisearch + jieba", "scan"] as const;
/** Per process, not counting time a worker is held: a safety net against a hang, generous because 100,000 articles built at low priority on a shared 2-core machine take over 15 min. */
const CHILD_LIMIT_MS = 45 * 60_000;

/** How one size is measured. */
export interface SizePlan {
  articles: number;
  dir: string;
  lean: boolean;
  /** Timed passes over the query set. */
  reps: number;
  /** Cached CLI starts. */
  coldRuns: number;
  /** Measure the baselines whatever the size. */
  full: boolean;
  notes: string[];
  generateMs?: number;
  /** A real archive (--corpus), not a generated corpus: never generated, named in the report. */
  real?: boolean;
  /** The query set of this size (see real-queries.ts); none: the fixed mixed set. */
  queriesFile?: string;
}

/** Write (or reuse) the plan's corpus and clear what earlier runs left in it. */
export async function prepareCorpus(plan: SizePlan, sourceDir: string): Promise<void> {
  const started = performance.now();
  if (!plan.real && (await ensureCorpus(plan.dir, plan.articles, { seed: SEED, sourceDir })))
    plan.generateMs = performance.now() - started;
  clearLeftovers(plan.dir);
}

/** Start the worker that measures our search on the plan's corpus; `hold` holds its timings back. */
export function startOurs(
  plan: SizePlan,
  hold?: Pick<ChildOptions, "release" | "onReady" | "background" | "quiet">,
): Promise<ChildOutcome<OursResult>> {
  return runChild<OursResult>(
    "./measure-ours.ts",
    [plan.dir, String(plan.reps), ...(plan.queriesFile ? [plan.queriesFile] : [])],
    { timeoutMs: CHILD_LIMIT_MS, ...hold },
  );
}

/** Everything else of one size, once its worker for our search is under way. */
export async function measureSize(
  plan: SizePlan,
  ours: Promise<ChildOutcome<OursResult>>,
  log: (line: string) => void,
): Promise<SizeResult> {
  const { articles: n, dir, notes } = plan;
  const loadAtStart = loadAverage();
  log(`${n} articles: our search`);
  const outcome = await ours;
  if (!outcome.ok) notes.push(`our search failed: ${outcome.error}`);
  log(`${n} articles: cold starts`);
  const cold = await measureColdStarts(plan);
  const baselines: BaselineOutcome[] = [];
  for (const engine of BASELINE_ENGINES) {
    log(`${n} articles: baseline ${engine}`);
    baselines.push(await measureBaseline(plan, engine));
  }
  const cacheMb = cold.cacheFiles.reduce((sum, f) => sum + sizeMb(path.join(dir, f)), 0);
  const corpusMb = sizeMb(dir, (f) => f.endsWith(".md"));
  notes.push(
    `machine load (1-minute load average) ${loadAtStart} when this size started, ${loadAverage()} when it ended`,
  );
  return {
    articles: n,
    real: plan.real,
    corpusMb,
    cacheMb,
    generateMs: plan.generateMs,
    ours: outcome,
    cold,
    baselines,
    notes,
  };
}

/**
 * The CLI's cold start: once without a persisted index (leftovers
 * cleared; the run writes the index again), then with it. Large corpora
 * skip the uncached CLI run: the worker's own start stands for it.
 */
async function measureColdStarts(plan: SizePlan): Promise<ColdStarts> {
  const run = () => coldStart(plan.dir, BENCH_QUERIES[0]!.text, CHILD_LIMIT_MS);
  const noCache: ColdStart[] = [];
  const withCache: ColdStart[] = [];
  if (plan.lean)
    plan.notes.push(
      "cold start without cache is the worker's own start (process start → first answer), not a second full CLI run",
    );
  else {
    clearLeftovers(plan.dir);
    noCache.push(await run());
  }
  const cacheFiles = leftovers(plan.dir);
  const emptyLibrary: ColdStart[] = [];
  if (cacheFiles.length === 0) plan.notes.push("no persisted index was written: every start builds the index");
  else {
    // Each cached start right after the same command on an empty library, so their ratio compares like with like on a busy machine.
    await withEmptyLibrary(async (empty) => {
      for (let i = 0; i < plan.coldRuns; i++) {
        emptyLibrary.push(await coldStart(empty, BENCH_QUERIES[0]!.text, CHILD_LIMIT_MS));
        withCache.push(await run());
      }
    });
  }
  for (const r of [...noCache, ...withCache]) if (!r.ok) plan.notes.push(`a CLI cold start failed: ${r.error}`);
  return { noCache, withCache, emptyLibrary, cacheFiles };
}

async function measureBaseline(plan: SizePlan, engine: BaselineName): Promise<BaselineOutcome> {
  if (plan.articles > BASELINE_MAX && !plan.full)
    return { engine, skipped: `above ${BASELINE_MAX.toLocaleString("en")} articles (use --full)` };
  const args = [plan.dir, engine, String(plan.reps), ...(plan.queriesFile ? [plan.queriesFile] : [])];
  const outcome = await runChild<BaselineResult>("./measure-baseline.ts", args, { timeoutMs: CHILD_LIMIT_MS });
  return { engine, ...outcome };
}

/** Median time for the CLI to answer from an empty library: Node, tsx and module loading, the floor of every cold start. */
export async function startupFloor(runs: number): Promise<number | undefined> {
  return withEmptyLibrary(async (empty) => {
    const times: ColdStart[] = [];
    for (let i = 0; i < runs; i++) times.push(await coldStart(empty, BENCH_QUERIES[0]!.text, CHILD_LIMIT_MS));
    return medianCold(times);
  });
}

/** Run `use` with an empty article directory, removed afterwards. */
async function withEmptyLibrary<T>(use: (dir: string) => Promise<T>): Promise<T> {
  const empty = mkdtempSync(path.join(os.tmpdir(), "bench-empty-"));
  try {
    return await use(empty);
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
}

/** Size of a file, or of the files under a directory (those named `only`, when given), in MB. */
function sizeMb(target: string, only: (name: string) => boolean = () => true): number {
  if (statSync(target).isFile()) return statSync(target).size / 1024 / 1024;
  let bytes = 0;
  for (const e of readdirSync(target, { recursive: true, withFileTypes: true })) {
    if (e.isFile() && only(e.name)) bytes += statSync(path.join(e.parentPath, e.name)).size;
  }
  return bytes / 1024 / 1024;
}
