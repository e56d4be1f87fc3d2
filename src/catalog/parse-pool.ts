import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { Logger } from "../log.ts";
import { forEachLimited } from "../util/limit.ts";
import type { LoadProblem } from "../library/load.ts";
import { parseFiles, type ParsedForIndex } from "./parse-job.ts";

/** One chunk of work sent to a worker: files (relative paths) under `root`. */
export interface ChunkRequest {
  root: string;
  files: string[];
}

/** A worker's answer: one result per file of the chunk, in the same order. */
export type ChunkResult = Array<ParsedForIndex | LoadProblem>;

/** Options of {@link parseMany}. */
export interface ParseManyOptions {
  /** Worker threads to use; 0 parses on this thread. Default: one per core, at most 4, when there are enough files. */
  workers?: number;
  log?: Logger;
  /** The worker's entry module; tests point it elsewhere to see what happens when workers fail. */
  workerEntry?: URL;
}

/** Below this many files a worker's start-up (loading jieba's dictionaries, ~0.3 s) costs more than it saves. */
const MIN_FILES_FOR_WORKERS = 400;
const MAX_WORKERS = 4;
/** Small enough that the workers finish together, large enough that messages are few. */
const CHUNK_FILES = 100;
const READ_CONCURRENCY = 64;

/**
 * Parse article files and compute their search terms, in worker threads
 * when there are many: jieba's keyword extraction is synchronous and
 * takes most of an index build, so on a 2-core machine two workers nearly
 * halve it, and the main thread is free to answer messages meanwhile.
 * If the workers cannot run, the files are parsed here (and that is logged).
 */
export async function parseMany(root: string, files: readonly string[], options: ParseManyOptions = {}): Promise<ChunkResult> {
  const workers = options.workers ?? (files.length >= MIN_FILES_FOR_WORKERS ? Math.min(availableParallelism(), MAX_WORKERS) : 0);
  if (workers > 0) {
    try {
      return await parseInWorkers(root, files, workers, options.workerEntry ?? WORKER_ENTRY);
    } catch (err) {
      options.log?.warn({ err, files: files.length }, "parsing in worker threads failed; parsing on the main thread");
    }
  }
  return parseFiles(root, files, READ_CONCURRENCY);
}

async function parseInWorkers(root: string, files: readonly string[], count: number, entry: URL): Promise<ChunkResult> {
  const chunks: Array<{ start: number; files: string[] }> = [];
  for (let start = 0; start < files.length; start += CHUNK_FILES) chunks.push({ start, files: files.slice(start, start + CHUNK_FILES) });
  const results: ChunkResult = new Array(files.length);
  const workers = Array.from({ length: Math.min(count, chunks.length) }, () => new Worker(entry));
  const idle = [...workers];
  try {
    await forEachLimited(chunks, workers.length, async (chunk) => {
      const worker = idle.pop()!;
      const answer = await ask(worker, { root, files: chunk.files });
      idle.push(worker);
      answer.forEach((r, i) => (results[chunk.start + i] = r));
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}

/** The entry of a parse worker: it registers tsx, as the worker is TypeScript. */
const WORKER_ENTRY = new URL("./parse-worker-boot.js", import.meta.url);

function ask(worker: Worker, request: ChunkRequest): Promise<ChunkResult> {
  return new Promise((resolve, reject) => {
    const done = () => {
      worker.off("message", onMessage);
      worker.off("error", onError);
      worker.off("exit", onExit);
    };
    const onMessage = (result: ChunkResult) => (done(), resolve(result));
    const onError = (err: Error) => (done(), reject(err));
    const onExit = (code: number) => (done(), reject(new Error(`parse worker exited with code ${code}`)));
    worker.on("message", onMessage);
    worker.on("error", onError);
    worker.on("exit", onExit);
    worker.postMessage(request);
  });
}
