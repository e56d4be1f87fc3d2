/**
 * `npm run bench`: generate corpora, measure our search and the baselines
 * at each size (each in its own process), and write bench/RESULTS.md.
 * Options: --corpus <dir> (a real archive, measured first; then --sizes defaults to 100000)
 *          --sizes 1000,10000,100000  --out <file>  --corpus-root <dir>
 *          --reps <n>  --cold-runs <n>  --full (no shortcuts at 100k)
 *          --quality-data <dir>  --overlap (index large corpora while smaller sizes are measured)
 */
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import { isEntryPoint } from "./entry.ts";
import { writeRealQueries } from "./real-queries.ts";
import { listMarkdown } from "../src/library/load.ts";
import { CORPUS_ROOT, SOURCE_DIR } from "./generate.ts";
import { thisMachine } from "./machine.ts";
import { LARGE, measureSize, prepareCorpus, SEED, startOurs, startupFloor, type SizePlan } from "./measure-size.ts";
import { measureQuality } from "./quality.ts";
import { askAll, formatReaderRows, judge, readReaderSet } from "./reader-set.ts";
import { renderReport } from "./report.ts";
import type { BenchRun, SizeResult } from "./results.ts";

/** Options of one bench run. */
export interface BenchOptions {
  sizes: number[];
  /** A real archive (one folder per account, imported articles) to measure before the generated sizes. */
  corpus?: string;
  out: string;
  corpusRoot: string;
  /** Timed repetitions of the query set (default: 20, or 3 for large corpora). */
  reps?: number;
  /** Measure everything at every size, however long it takes. */
  full: boolean;
  /** CLI starts with a persisted index per size, each after one on an empty library (medians reported). Default 9 (the ratio of two start times moves ±10 % from one pair to the next here), 1 for large corpora. */
  coldRuns?: number;
  qualityData: string;
  /** The library corpora are recombined from. */
  sourceDir: string;
  log: (line: string) => void;
  /** The command line, as the report quotes it. */
  argv?: string[];
  /**
   * Index the large corpora in the background while the smaller sizes are
   * measured: a shorter run, but the smaller sizes' timings share the cores.
   */
  overlap?: boolean;
}

/**
 * Run the whole benchmark and write the report; resolves to the run. One
 * size after the other, each alone on the machine; with `overlap`, the
 * large corpora index in the background meanwhile and their timings wait
 * their turn.
 */
export async function bench(options: BenchOptions): Promise<BenchRun> {
  const started = performance.now();
  const machine = thisMachine();
  const plans = options.sizes.map((n) => planOf(n, options));
  if (options.corpus) plans.unshift(await realPlanOf(options.corpus, options));
  for (const plan of plans) {
    options.log(`${plan.articles} articles: corpus`);
    await prepareCorpus(plan, options.sourceDir);
  }
  options.log("CLI start-up with an empty library");
  const startupMs = await startupFloor(options.coldRuns ?? 3);
  const held = options.overlap ? startInBackground(plans, options.log) : plans.map(() => undefined);
  const sizes: SizeResult[] = [];
  for (const [i, plan] of plans.entries()) {
    held[i]?.release();
    sizes.push(await measureSize(plan, held[i]?.ours ?? startOurs(plan), options.log));
  }
  options.log("quality on the bundled library");
  const quality = await measureQuality(options.qualityData);
  let readers: BenchRun["readers"];
  if (options.corpus) {
    options.log("quality as readers ask, on the real archive");
    const set = readReaderSet();
    const articles = path.join(options.corpus, "articles");
    const dir = existsSync(articles) ? articles : options.corpus;
    readers = { articles: plans[0]!.articles, table: formatReaderRows(judge(set, await askAll(dir, set))) };
  }
  const command = `npm run bench${options.argv?.length ? ` -- ${options.argv.join(" ")}` : ""}`;
  const date = new Date().toISOString().slice(0, 16).replace("T", " ") + " UTC";
  const run: BenchRun = {
    date,
    command,
    machine,
    seed: SEED,
    totalMs: performance.now() - started,
    startupMs,
    sizes,
    quality,
    readers,
  };
  writeFileSync(options.out, renderReport(run));
  options.log(`wrote ${options.out} (${Math.round(run.totalMs / 1000)} s)`);
  return run;
}

function planOf(n: number, options: BenchOptions): SizePlan {
  const lean = n >= LARGE && !options.full;
  const reps = options.reps ?? (lean ? 3 : 20);
  return {
    articles: n,
    dir: path.join(options.corpusRoot, String(n)),
    lean,
    reps,
    coldRuns: options.coldRuns ?? (lean ? 1 : 9),
    full: options.full,
    notes: lean ? [`lean run: ${reps} timed passes over the query set; see the notes for what was left out`] : [],
  };
}

/** The plan of a real archive: its judged queries and 1,000 sampled phrases, timed 3 times. */
async function realPlanOf(dir: string, options: BenchOptions): Promise<SizePlan> {
  const articles = (await listMarkdown(dir)).length;
  const queriesFile = path.join(mkdtempSync(path.join(os.tmpdir(), "bench-queries-")), "queries.json");
  const count = await writeRealQueries(dir, queriesFile);
  const reps = options.reps ?? 3;
  return {
    articles,
    dir,
    lean: false,
    reps,
    coldRuns: options.coldRuns ?? 9,
    full: options.full,
    real: true,
    queriesFile,
    notes: [
      `real archive ${dir}: ${count} queries (the judged set of tests/fixtures/search/judged-accounts.json and phrases sampled from the archive), ${reps} timed passes within a 20 s budget per engine`,
    ],
  };
}

/** Start indexing the large corpora now, so it overlaps the smaller sizes; the notes say which sizes shared the machine. */
function startInBackground(plans: SizePlan[], log: (line: string) => void) {
  const held = plans.map((plan) => (plan.lean && plans.length > 1 ? holdBack(plan, log) : undefined));
  const background = plans.filter((_, i) => held[i]).map((p) => p.articles.toLocaleString("en"));
  for (const [i, plan] of plans.entries()) {
    if (!held[i] && background.length > 0)
      plan.notes.push(`measured while ${background.join(", ")} articles indexed in the background at low priority`);
  }
  return held;
}

/** Start indexing a large corpus now, at low priority; its timings start on `release()`. */
function holdBack(plan: SizePlan, log: (line: string) => void) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  plan.notes.push(
    "indexed in the background at low priority while the smaller sizes were measured, so its build time is pessimistic; its timings ran alone",
  );
  const onReady = () => log(`${plan.articles} articles: indexed in the background, waiting for its turn`);
  return { ours: startOurs(plan, { release: gate, onReady, background: true }), release };
}

/** Parse the command line into bench options. */
export function parseBenchArgs(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      sizes: { type: "string" },
      corpus: { type: "string" },
      out: { type: "string", default: fileURLToPath(new URL("./RESULTS.md", import.meta.url)) },
      "corpus-root": { type: "string", default: CORPUS_ROOT },
      reps: { type: "string" },
      "cold-runs": { type: "string" },
      full: { type: "boolean", default: false },
      overlap: { type: "boolean", default: false },
      "quality-data": { type: "string", default: SOURCE_DIR },
    },
  });
  const given = values.sizes ?? (values.corpus ? "100000" : "1000,10000,100000");
  const sizes = given === "" || given === "none" ? [] : given.split(",").map((s) => Number(s.replace(/_/g, "")));
  if (sizes.some((n) => !Number.isInteger(n) || n < 1))
    throw new Error(`--sizes must be positive whole numbers, got ${given}`);
  return {
    sizes,
    corpus: values.corpus === undefined ? undefined : path.resolve(values.corpus),
    out: path.resolve(values.out),
    corpusRoot: path.resolve(values["corpus-root"]),
    reps: values.reps === undefined ? undefined : Number(values.reps),
    coldRuns: values["cold-runs"] === undefined ? undefined : Number(values["cold-runs"]),
    full: values.full,
    overlap: values.overlap,
    qualityData: path.resolve(values["quality-data"]),
    sourceDir: SOURCE_DIR,
    argv,
    log: (line) => process.stderr.write(`[bench ${Math.round(performance.now() / 1000)} s] ${line}\n`),
  };
}

if (isEntryPoint(import.meta.url)) await bench(parseBenchArgs(process.argv.slice(2)));
