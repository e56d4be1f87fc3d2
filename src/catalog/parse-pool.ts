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

/** Options of {@link parseEach}. */
export interface ParseOptions {
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

/** Receives each file's result, in the order of the files asked for. */
export type EachParsed = (result: ParsedForIndex | LoadProblem, index: number) => void;

/**
 * Parse article files and compute their search terms, in worker threads
 * when there are many: segmenting bodies is synchronous and takes most of
 * an index build, so on a 2-core machine two workers nearly halve it, and
 * the main thread is free to index what they send back and to answer
 * messages meanwhile. Each result goes to `each` in file order as soon as
 * it and those before it are ready, and is not kept: at 100,000 articles
 * the terms of all of them would take gigabytes. If the workers cannot
 * run, the files not yet handed over are parsed here (and that is logged).
 */
export async function parseEach(
  root: string,
  files: readonly string[],
  each: EachParsed,
  options: ParseOptions = {},
): Promise<void> {
  const workers =
    options.workers ?? (files.length >= MIN_FILES_FOR_WORKERS ? Math.min(availableParallelism(), MAX_WORKERS) : 0);
  let delivered = 0;
  const deliver = (results: ChunkResult) => {
    for (const r of results) each(r, delivered++);
  };
  if (workers > 0) {
    try {
      return await parseInWorkers(root, files, workers, options.workerEntry ?? WORKER_ENTRY, deliver);
    } catch (err) {
      options.log?.warn(
        { err, files: files.length - delivered },
        "parsing in worker threads failed; parsing on the main thread",
      );
    }
  }
  for (let start = delivered; start < files.length; start += CHUNK_FILES)
    deliver(await parseFiles(root, files.slice(start, start + CHUNK_FILES), READ_CONCURRENCY));
}

/** Chunks go to the workers in order and come back in any order; they are handed on in order. */
async function parseInWorkers(
  root: string,
  files: readonly string[],
  count: number,
  entry: URL,
  deliver: (results: ChunkResult) => void,
): Promise<void> {
  const chunks: string[][] = [];
  for (let start = 0; start < files.length; start += CHUNK_FILES) chunks.push(files.slice(start, start + CHUNK_FILES));
  const done = new Map<number, ChunkResult>();
  let next = 0;
  const workers = Array.from({ length: Math.min(count, chunks.length) }, () => new Worker(entry));
  const idle = [...workers];
  try {
    await forEachLimited(chunks, workers.length, async (chunk, i) => {
      const worker = idle.pop()!;
      done.set(i, await ask(worker, { root, files: chunk }));
      idle.push(worker);
      for (let ready = done.get(next); ready; ready = done.get(next)) done.delete(next++), deliver(ready);
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
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
