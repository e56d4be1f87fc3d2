/**
 * A worker thread of the parse pool (parse-pool.ts): parses the chunks of
 * files it is sent and posts back their metadata and terms, in order.
 */
import { parentPort } from "node:worker_threads";
import { parseFiles } from "./parse-job.ts";
import type { ChunkRequest } from "./parse-pool.ts";

const READ_CONCURRENCY = 16;

parentPort!.on("message", async ({ root, files }: ChunkRequest) => {
  parentPort!.postMessage(await parseFiles(root, files, READ_CONCURRENCY));
});
