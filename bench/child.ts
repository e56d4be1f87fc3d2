import { fork } from "node:child_process";
import os from "node:os";
import { fileURLToPath } from "node:url";

/** How a measurement in a child process ended. */
export type ChildOutcome<T> = { ok: true; result: T; wallMs: number } | { ok: false; error: string; wallMs: number };

/** What a worker sends back: its result or why it failed. */
type WorkerMessage<T> = { result: T } | { error: string };

/** A held worker tells the parent it is ready to time, and waits for the go. */
const READY = "bench:ready";
const GO = "bench:go";

/** Options of {@link runChild}. */
export interface ChildOptions {
  /** Kill the worker after this long at work (time spent held does not count). */
  timeoutMs: number;
  heapMb?: number;
  /**
   * Hold the worker once it is ready to time (see {@link holdUntilReleased})
   * until this settles: its slow set-up can overlap other work, its
   * timings cannot.
   */
  release?: Promise<void>;
  /** Called when a held worker is ready and waits for `release`. */
  onReady?: () => void;
  /**
   * Run at the lowest CPU priority with garbage collection on the main
   * thread only, so the worker's set-up yields to work being timed
   * elsewhere (its timings, after `release`, run at normal priority).
   */
  background?: boolean;
  /** Keep the worker's stderr to its outcome instead of echoing it (a failure the caller expects). */
  quiet?: boolean;
}

/**
 * Run a bench worker (a TypeScript file under bench/) in its own Node
 * process, so its memory peak is its own, and resolve to what it
 * reported. A crash (e.g. out of memory) or a timeout is an outcome too.
 */
export function runChild<T>(worker: string, args: string[], options: ChildOptions): Promise<ChildOutcome<T>> {
  const started = performance.now();
  const execArgv = [
    "--import",
    "tsx",
    "--expose-gc",
    ...(options.heapMb ? [`--max-old-space-size=${options.heapMb}`] : []),
  ];
  if (options.background) execArgv.push("--single-threaded-gc");
  const env = options.release ? { ...process.env, BENCH_HOLD: "1" } : process.env;
  const child = fork(fileURLToPath(new URL(worker, import.meta.url)), args, {
    execArgv,
    env,
    stdio: ["ignore", "inherit", "pipe", "ipc"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    if (!options.quiet) process.stderr.write(chunk);
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  if (options.background) setPriority(child.pid, os.constants.priority.PRIORITY_LOW);
  const limit = () => setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);
  return new Promise((resolve) => {
    let message: WorkerMessage<T> | undefined;
    let timer = limit();
    child.on("message", (m) => {
      if (m !== READY) return void (message = m as WorkerMessage<T>);
      clearTimeout(timer);
      options.onReady?.();
      void options.release?.then(() => {
        timer = limit();
        if (options.background) setPriority(child.pid, os.constants.priority.PRIORITY_NORMAL);
        if (child.connected) child.send(GO);
      });
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      const wallMs = performance.now() - started;
      if (message && "result" in message) resolve({ ok: true, result: message.result, wallMs });
      else
        resolve({ ok: false, error: message?.error ?? describeExit(code, signal, stderr, options.timeoutMs), wallMs });
    });
  });
}

/** Worker side: when the parent holds this worker, say so and wait for the go; else go on at once. */
export function holdUntilReleased(): Promise<void> {
  if (!process.env.BENCH_HOLD) return Promise.resolve();
  return new Promise((resolve) => {
    process.on("message", (m) => m === GO && resolve());
    process.send?.(READY);
  });
}

/** Change a process's CPU priority; a process that is already gone needs none. */
function setPriority(pid: number | undefined, priority: number): void {
  try {
    if (pid !== undefined) os.setPriority(pid, priority);
  } catch {
    // Raising the priority back may be refused to unprivileged users: the timings then run niced, which only makes them pessimistic.
  }
}

function describeExit(code: number | null, signal: string | null, stderr: string, timeoutMs: number): string {
  if (signal === "SIGKILL") return `killed after ${Math.round(timeoutMs / 1000)} s (time limit)`;
  const lastLine = stderr.trim().split("\n").filter(Boolean).slice(-3).join(" / ");
  return `exited with ${signal ?? `code ${code}`}${lastLine ? `: ${lastLine}` : ""}`;
}

/** Worker side: send the result (or the failure) to the parent and exit. */
export async function reportFrom<T>(measure: () => Promise<T>): Promise<void> {
  let message: WorkerMessage<T>;
  try {
    message = { result: await measure() };
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    message = { error: (err instanceof Error ? `${err.name}: ${err.message}` : String(err)).split("\n")[0]! };
  }
  process.send?.(message, () => process.exit(0));
}

/** Peak resident memory of this process so far, in MB. */
export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** Resident memory now, in MB, after a full GC when exposed (the memory a serving process keeps). */
export function settledRssMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss / 1024 / 1024;
}
