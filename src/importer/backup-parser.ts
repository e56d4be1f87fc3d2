/**
 * Backups are read and parsed in a worker thread with a deadline and a
 * memory ceiling: the main thread (the chats, /healthz) is never blocked
 * by a backup's regular expressions, and a backup that takes too long or
 * too much memory costs that backup, not the process.
 */
import { Worker } from "node:worker_threads";
import type { ParsedBackup } from "./parse-backup.ts";

/** One backup to read and parse. */
export interface ParseRequest {
  file: string;
  fallbackTitle: string;
}

/**
 * A parsed backup (which may still not be an article: its `problem`), or
 * a failure that would repeat on every run — too large, too slow, too much
 * memory — and is worth remembering.
 */
export type ParseOutcome = { parsed: ParsedBackup } | { failure: string };

/** Options of {@link BackupParser}. */
export interface BackupParserOptions {
  /** A backup's parse is abandoned (the thread killed) after this long. Default 30 s: a 5 MB backup takes about 0.3 s. */
  timeoutMs?: number;
  /** The thread's heap ceiling; a backup that needs more is skipped. */
  maxHeapMb?: number;
  /** The thread's entry module; tests point it elsewhere to see what happens when parsing hangs. */
  workerEntry?: URL;
}

export const PARSE_TIMEOUT_MS = 30_000;
const MAX_HEAP_MB = 512;
const WORKER_ENTRY = new URL("./parse-worker-boot.js", import.meta.url);

/** Parses backups one at a time in a worker thread, started on first use and again after a failure. */
export class BackupParser {
  private worker?: Worker;

  constructor(private readonly options: BackupParserOptions = {}) {}

  /** Read and parse `file`; a failure of the thread comes back as a `failure`. */
  async parse(file: string, fallbackTitle: string): Promise<ParseOutcome> {
    const worker = (this.worker ??= new Worker(this.options.workerEntry ?? WORKER_ENTRY, {
      resourceLimits: { maxOldGenerationSizeMb: this.options.maxHeapMb ?? MAX_HEAP_MB },
    }));
    const timeoutMs = this.options.timeoutMs ?? PARSE_TIMEOUT_MS;
    try {
      return await ask(worker, { file, fallbackTitle }, timeoutMs);
    } catch (err) {
      // The thread is stuck or gone: the next backup gets a fresh one.
      this.worker = undefined;
      await worker.terminate();
      return { failure: (err as Error).message };
    }
  }

  /** Stop the thread. */
  async close(): Promise<void> {
    await this.worker?.terminate();
    this.worker = undefined;
  }
}

function ask(worker: Worker, request: ParseRequest, timeoutMs: number): Promise<ParseOutcome> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      worker.off("message", onMessage);
      worker.off("error", onError);
      worker.off("exit", onExit);
    };
    const onMessage = (outcome: ParseOutcome) => (done(), resolve(outcome));
    const onError = (err: Error & { code?: string }) => (
      done(),
      reject(
        new Error(
          err.code === "ERR_WORKER_OUT_OF_MEMORY"
            ? "parsing it needed too much memory"
            : `parsing it failed: ${err.message}`,
        ),
      )
    );
    const onExit = (code: number) => (
      done(), reject(new Error(`parsing it failed: the parse thread exited with code ${code}`))
    );
    const timer = setTimeout(
      () => (done(), reject(new Error(`parsing it took longer than ${timeoutMs / 1000} s`))),
      timeoutMs,
    );
    worker.on("message", onMessage);
    worker.on("error", onError);
    worker.on("exit", onExit);
    worker.postMessage(request);
  });
}
