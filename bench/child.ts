import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";

/** How a measurement in a child process ended. */
export type ChildOutcome<T> =
  | { ok: true; result: T; wallMs: number }
  | { ok: false; error: string; wallMs: number };

/** What a worker sends back: its result or why it failed. */
type WorkerMessage<T> = { result: T } | { error: string };

/**
 * Run a bench worker (a TypeScript file under bench/) in its own Node
 * process, so its memory peak is its own, and resolve to what it
 * reported. A crash (e.g. out of memory) or a timeout is an outcome too.
 */
export function runChild<T>(worker: string, args: string[], options: { timeoutMs: number; heapMb?: number }): Promise<ChildOutcome<T>> {
  const started = performance.now();
  const execArgv = ["--import", "tsx", "--expose-gc", ...(options.heapMb ? [`--max-old-space-size=${options.heapMb}`] : [])];
  const child = fork(fileURLToPath(new URL(worker, import.meta.url)), args, { execArgv, stdio: ["ignore", "inherit", "pipe", "ipc"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    process.stderr.write(chunk);
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  return new Promise((resolve) => {
    let message: WorkerMessage<T> | undefined;
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);
    child.on("message", (m) => (message = m as WorkerMessage<T>));
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      const wallMs = performance.now() - started;
      if (message && "result" in message) resolve({ ok: true, result: message.result, wallMs });
      else resolve({ ok: false, error: message?.error ?? describeExit(code, signal, stderr, options.timeoutMs), wallMs });
    });
  });
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
