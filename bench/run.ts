/**
 * `npm run bench`: generate corpora, measure our search and the baselines
 * at each size (each in its own process), and write bench/RESULTS.md.
 * Options: --sizes 1000,10000,100000  --out <file>  --corpus-root <dir>
 *          --reps <n>  --cold-runs <n>  --full (no shortcuts at 100k)
 *          --quality-data <dir>
 */
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { runChild } from "./child.ts";
import { clearLeftovers, coldStart, leftovers, type ColdStart } from "./cold-start.ts";
import { isEntryPoint } from "./entry.ts";
import { CORPUS_ROOT, ensureCorpus, SOURCE_DIR } from "./generate.ts";
import { thisMachine } from "./machine.ts";
import type { BaselineResult } from "./measure-baseline.ts";
import type { OursResult } from "./measure-ours.ts";
import { measureQuality } from "./quality.ts";
import { BENCH_QUERIES } from "./queries.ts";
import { renderReport } from "./report.ts";
import { medianCold, type BaselineOutcome, type BenchRun, type ColdStarts, type SizeResult } from "./results.ts";

const SEED = 1;
/** At and above this size the run is lean: fewer repetitions, no slow duplicates. */
const LARGE = 50_000;
/**
 * Baselines stop here unless --full: minisearch's default tokenizer keeps
 * whole Chinese sentences as terms (minutes and gigabytes at 100k), and
 * the scan needs every body in memory and seconds per query.
 */
const BASELINE_MAX = 10_000;
const CHILD_LIMIT_MS = 9 * 60_000;

/** Options of one bench run. */
export interface BenchOptions {
  sizes: number[];
  out: string;
  corpusRoot: string;
  /** Timed repetitions of the query set (default: 20, or 3 for large corpora). */
  reps?: number;
  /** Measure everything at every size, however long it takes. */
  full: boolean;
  /** CLI starts with a persisted index per size (median reported). Default 3, 1 for large corpora. */
  coldRuns?: number;
  qualityData: string;
  /** The library corpora are recombined from. */
  sourceDir: string;
  log: (line: string) => void;
  /** The command line, as the report quotes it. */
  argv?: string[];
}

/** Run the whole benchmark and write the report; resolves to the run. */
export async function bench(options: BenchOptions): Promise<BenchRun> {
  const started = performance.now();
  options.log("CLI start-up with an empty library");
  const startupMs = await startupFloor(options.coldRuns ?? 3);
  const sizes: SizeResult[] = [];
  for (const n of options.sizes) sizes.push(await measureSize(n, options));
  options.log("quality on the bundled library");
  const run: BenchRun = {
    date: new Date().toISOString().slice(0, 16).replace("T", " ") + " UTC",
    command: `npm run bench${options.argv?.length ? ` -- ${options.argv.join(" ")}` : ""}`,
    machine: thisMachine(),
    seed: SEED,
    totalMs: 0,
    startupMs,
    sizes,
    quality: await measureQuality(options.qualityData),
  };
  run.totalMs = performance.now() - started;
  writeFileSync(options.out, renderReport(run));
  options.log(`wrote ${options.out} (${Math.round(run.totalMs / 1000)} s)`);
  return run;
}

/** Median time for the CLI to answer from an empty library: Node, tsx and module loading, the floor of every cold start. */
async function startupFloor(runs: number): Promise<number | undefined> {
  const empty = mkdtempSync(path.join(os.tmpdir(), "bench-empty-"));
  try {
    const times: ColdStart[] = [];
    for (let i = 0; i < runs; i++) times.push(await coldStart(empty, BENCH_QUERIES[0]!.text, CHILD_LIMIT_MS));
    return medianCold(times);
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
}

async function measureSize(n: number, options: BenchOptions): Promise<SizeResult> {
  const dir = path.join(options.corpusRoot, String(n));
  const lean = n >= LARGE && !options.full;
  const reps = options.reps ?? (lean ? 3 : 20);
  const notes: string[] = lean ? [`lean run: ${reps} timed passes over the query set; see the notes below for what was left out`] : [];
  options.log(`${n} articles: corpus`);
  const generating = performance.now();
  const generated = await ensureCorpus(dir, n, { seed: SEED, sourceDir: options.sourceDir });
  const generateMs = generated ? performance.now() - generating : undefined;
  clearLeftovers(dir);
  options.log(`${n} articles: our search`);
  const ours = await runChild<OursResult>("./measure-ours.ts", [dir, String(reps)], { timeoutMs: CHILD_LIMIT_MS });
  if (!ours.ok) notes.push(`our search failed: ${ours.error}`);
  options.log(`${n} articles: cold starts`);
  const cold = await measureColdStarts(dir, lean, options.coldRuns ?? (lean ? 1 : 3), notes);
  const baselines: BaselineOutcome[] = [];
  for (const engine of ["minisearch", "scan"] as const) {
    options.log(`${n} articles: baseline ${engine}`);
    baselines.push(await measureBaseline(dir, engine, n, reps, options.full));
  }
  const cacheMb = cold.cacheFiles.reduce((sum, f) => sum + sizeMb(path.join(dir, f)), 0);
  return { articles: n, corpusMb: sizeMb(dir, (f) => f.endsWith(".md")), cacheMb, generateMs, ours, cold, baselines, notes };
}

/**
 * The CLI's cold start: once without a persisted index (leftovers
 * cleared; the run writes the index again), then with it. Large corpora
 * skip the uncached CLI run: the worker's own start stands for it.
 */
async function measureColdStarts(dir: string, lean: boolean, cachedRuns: number, notes: string[]): Promise<ColdStarts> {
  const run = () => coldStart(dir, BENCH_QUERIES[0]!.text, CHILD_LIMIT_MS);
  const noCache: ColdStart[] = [];
  const withCache: ColdStart[] = [];
  if (lean) notes.push("cold start without cache is the worker's own start (process start → first answer), not a second full CLI run");
  else {
    clearLeftovers(dir);
    noCache.push(await run());
  }
  const cacheFiles = leftovers(dir);
  if (cacheFiles.length === 0) notes.push("no persisted index was written: every start builds the index");
  else for (let i = 0; i < cachedRuns; i++) withCache.push(await run());
  for (const r of [...noCache, ...withCache]) if (!r.ok) notes.push(`a CLI cold start failed: ${r.error}`);
  return { noCache, withCache, cacheFiles };
}

async function measureBaseline(dir: string, engine: "minisearch" | "scan", n: number, reps: number, full: boolean): Promise<BaselineOutcome> {
  if (n > BASELINE_MAX && !full) return { engine, skipped: `above ${BASELINE_MAX.toLocaleString("en")} articles (use --full)` };
  const outcome = await runChild<BaselineResult>("./measure-baseline.ts", [dir, engine, String(reps)], { timeoutMs: CHILD_LIMIT_MS });
  return { engine, ...outcome };
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

/** Parse the command line into bench options. */
export function parseBenchArgs(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      sizes: { type: "string", default: "1000,10000,100000" },
      out: { type: "string", default: fileURLToPath(new URL("./RESULTS.md", import.meta.url)) },
      "corpus-root": { type: "string", default: CORPUS_ROOT },
      reps: { type: "string" },
      "cold-runs": { type: "string" },
      full: { type: "boolean", default: false },
      "quality-data": { type: "string", default: SOURCE_DIR },
    },
  });
  const sizes = values.sizes.split(",").map((s) => Number(s.replace(/_/g, "")));
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--sizes must be positive whole numbers, got ${values.sizes}`);
  return {
    sizes,
    out: path.resolve(values.out),
    corpusRoot: path.resolve(values["corpus-root"]),
    reps: values.reps === undefined ? undefined : Number(values.reps),
    coldRuns: values["cold-runs"] === undefined ? undefined : Number(values["cold-runs"]),
    full: values.full,
    qualityData: path.resolve(values["quality-data"]),
    sourceDir: SOURCE_DIR,
    argv,
    log: (line) => process.stderr.write(`[bench ${Math.round(performance.now() / 1000)} s] ${line}\n`),
  };
}

if (isEntryPoint(import.meta.url)) await bench(parseBenchArgs(process.argv.slice(2)));
