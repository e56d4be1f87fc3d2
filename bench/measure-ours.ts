/**
 * Bench worker: measures our search on one corpus in a fresh process,
 * through the path the bot and the CLI take (`openSnapshot`: lazy bodies,
 * persisted index). The caller clears the cache first, so this is a
 * start from nothing, and it leaves the cache behind for cached starts.
 * Then it adds 10 new articles and times the incremental reload, and
 * removes them again (restoring the cache).
 * Usage (through runChild): measure-ours.ts <dir> <reps> [queries.json]
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Core } from "../src/bot/core.ts";
import { systemClock } from "../src/clock.ts";
import { LibraryCache } from "../src/catalog/cache.ts";
import { openSnapshot, type LibrarySnapshot } from "../src/catalog/live.ts";
import { silentLogger } from "../src/log.ts";
import { openSqliteStore } from "../src/store/sqlite.ts";
import { holdUntilReleased, peakRssMb, reportFrom, settledRssMb } from "./child.ts";
import { listMarkdown } from "../src/library/load.ts";
import { querySet, timeQueries, type BenchQuery, type QueryLatencies } from "./queries.ts";
import type { Latency } from "./stats.ts";

/** What the worker measures. */
export interface OursResult {
  articles: number;
  /** Loading and indexing the directory with no cache (parsing, terms, index, writing the cache). */
  buildMs: number;
  /** From process start to the first query answered: a cold start without cache. */
  firstAnswerMs: number;
  peakRssMb: number;
  /** After a GC: what a serving bot keeps. */
  servingRssMb: number;
  queries: QueryLatencies;
  /** Core.handle end to end (search, cards, snippets read from disk). */
  handler: Latency;
  /** Reloading with the persisted index after 10 new article files appeared. */
  incrementalMs: number;
}

/** New articles added for the incremental reload, in a folder of their own (removed afterwards). */
const NEW_FILES = 10;
const NEW_DIR = "bench-new-articles";

async function measure(dir: string, reps: number, queries: readonly BenchQuery[]): Promise<OursResult> {
  const log = silentLogger();
  const started = performance.now();
  const snapshot = await openSnapshot(dir, log, LibraryCache.for(dir));
  const buildMs = performance.now() - started;
  snapshot.index.search(queries[0]!.text);
  const firstAnswerMs = performance.now();
  const servingRssMb = settledRssMb();
  await holdUntilReleased();
  const times = await timeQueries((q) => snapshot.index.search(q), reps, undefined, queries);
  const handler = await timeHandler(snapshot, reps, queries);
  const incrementalMs = await timeIncremental(dir);
  return {
    articles: snapshot.library.size,
    buildMs,
    firstAnswerMs,
    peakRssMb: peakRssMb(),
    servingRssMb,
    queries: times,
    handler,
    incrementalMs,
  };
}

/**
 * Copy 10 articles under new names (new titles too), reload through the
 * persisted index and time it; then remove them and reload again, so the
 * cache left behind is the corpus's own.
 */
async function timeIncremental(dir: string): Promise<number> {
  const files = (await listMarkdown(dir)).slice(0, NEW_FILES);
  const target = path.join(dir, NEW_DIR);
  await mkdir(target, { recursive: true });
  try {
    for (const [i, file] of files.entries()) {
      const text = await readFile(path.join(dir, file), "utf8");
      await writeFile(path.join(target, `new-${i}.md`), text.replace(/^title: (.*)$/m, `title: 'bench new ${i}'`));
    }
    const started = performance.now();
    await openSnapshot(dir, silentLogger(), LibraryCache.for(dir));
    return performance.now() - started;
  } finally {
    await rm(target, { recursive: true, force: true });
    await openSnapshot(dir, silentLogger(), LibraryCache.for(dir));
  }
}

/** Core.handle over the snapshot with a real SQLite store; each query from its own chat. */
async function timeHandler(snapshot: LibrarySnapshot, reps: number, queries: readonly BenchQuery[]): Promise<Latency> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "bench-store-"));
  const store = await openSqliteStore(path.join(dir, "bench.sqlite"));
  try {
    const bot = new Core({
      library: () => snapshot,
      store,
      clock: systemClock,
      log: silentLogger(),
      triggers: ["?"],
      adminIds: [],
      timeZone: "Asia/Shanghai",
      defaultPushTime: "07:30",
    });
    const times = await timeQueries(
      (text, i) =>
        bot.handle({ platform: "bench", chatId: `c${i}`, userId: `u${i}`, isGroup: false, mentioned: false, text }),
      reps,
      undefined,
      queries,
    );
    return times.all;
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await reportFrom(() => measure(process.argv[2]!, Number(process.argv[3] ?? 10), querySet(process.argv[4])));
