/**
 * Bench worker: measures our search on one corpus in a fresh process,
 * through the path the bot and the CLI take (`openSnapshot`: lazy bodies,
 * persisted index). The caller clears the cache first, so this is a
 * start from nothing, and it leaves the cache behind for cached starts.
 * Usage (through runChild): measure-ours.ts <dir> <reps>
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Bot } from "../src/bot/handler.ts";
import { systemClock } from "../src/clock.ts";
import { LibraryCache } from "../src/library/cache.ts";
import { openSnapshot, type LibrarySnapshot } from "../src/library/live.ts";
import { silentLogger } from "../src/log.ts";
import { openSqliteStore } from "../src/store/sqlite.ts";
import { holdUntilReleased, peakRssMb, reportFrom, settledRssMb } from "./child.ts";
import { BENCH_QUERIES, timeQueries, type QueryLatencies } from "./queries.ts";
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
  /** Bot.handle end to end (search, cards, snippets read from disk). */
  handler: Latency;
}

async function measure(dir: string, reps: number): Promise<OursResult> {
  const log = silentLogger();
  const started = performance.now();
  const snapshot = await openSnapshot(dir, log, LibraryCache.for(dir));
  const buildMs = performance.now() - started;
  snapshot.index.search(BENCH_QUERIES[0]!.text);
  const firstAnswerMs = performance.now();
  const servingRssMb = settledRssMb();
  await holdUntilReleased();
  const queries = await timeQueries((q) => snapshot.index.search(q), reps);
  const handler = await timeHandler(snapshot, reps);
  return { articles: snapshot.library.size, buildMs, firstAnswerMs, peakRssMb: peakRssMb(), servingRssMb, queries, handler };
}

/** Bot.handle over the snapshot with a real SQLite store; each query from its own chat. */
async function timeHandler(snapshot: LibrarySnapshot, reps: number): Promise<Latency> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "bench-store-"));
  const store = await openSqliteStore(path.join(dir, "bench.sqlite"));
  try {
    const bot = new Bot({
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
      (text, i) => bot.handle({ platform: "bench", chatId: `c${i}`, userId: `u${i}`, isGroup: false, mentioned: false, text }),
      reps,
    );
    return times.all;
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await reportFrom(() => measure(process.argv[2]!, Number(process.argv[3] ?? 10)));
