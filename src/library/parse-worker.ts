/**
 * A worker thread of the parse pool: parses the chunks of files it is
 * sent and posts back their metadata and terms, in the order received.
 */
import { parentPort } from "node:worker_threads";
import { forEachLimited } from "../util/limit.ts";
import { parseForIndex } from "./parse-job.ts";
import type { ChunkRequest, ChunkResult } from "./parse-pool.ts";

const READ_CONCURRENCY = 16;

parentPort!.on("message", async ({ root, files }: ChunkRequest) => {
  const results: ChunkResult = new Array(files.length);
  await forEachLimited(files, READ_CONCURRENCY, async (file, i) => {
    results[i] = await parseForIndex(root, file);
  });
  parentPort!.postMessage(results);
});
