import { spawn } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { LibraryCache } from "../src/catalog/cache.ts";

const CACHE_DIR = path.basename(LibraryCache.for(".").dir);
const CLI = fileURLToPath(new URL("../bin/article-bot.js", import.meta.url));

/** One run of the CLI: time from spawn to its first answer on stdout. */
export interface ColdStart {
  ok: boolean;
  firstAnswerMs: number;
  error?: string;
}

/**
 * Spawn `article-bot search <query> --json --data <dir>` as a user would
 * and time it from process start to the first byte of the answer. This is
 * the whole cold path: Node and tsx start-up, loading, indexing (or
 * reading a persisted index), answering.
 */
export function coldStart(dir: string, query: string, timeoutMs: number): Promise<ColdStart> {
  const started = performance.now();
  const child = spawn(process.execPath, [CLI, "search", query, "--json", "--data", dir], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let firstAnswerMs: number | undefined;
  let stderr = "";
  child.stdout.once("data", () => (firstAnswerMs = performance.now() - started));
  child.stdout.resume();
  child.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-1000)));
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  return new Promise((resolve) => {
    child.on("close", (code) => {
      clearTimeout(timer);
      if (code === 0 && firstAnswerMs !== undefined) resolve({ ok: true, firstAnswerMs });
      else
        resolve({
          ok: false,
          firstAnswerMs: Number.NaN,
          error: code === null ? "time limit" : `exit ${code}: ${lastLine(stderr)}`,
        });
    });
  });
}

function lastLine(text: string): string {
  return (
    text
      .trim()
      .split("\n")
      .filter((l) => !l.startsWith("skipped "))
      .pop() ?? ""
  );
}

/**
 * What a run left in a corpus directory: the persisted index. Only that is
 * ever removed, so pointing the bench at a real archive cannot delete it.
 */
export function leftovers(dir: string): string[] {
  return existsSync(path.join(dir, CACHE_DIR)) ? [CACHE_DIR] : [];
}

/** Remove the persisted index, so the next run starts without one. */
export function clearLeftovers(dir: string): void {
  for (const f of leftovers(dir)) rmSync(path.join(dir, f), { recursive: true, force: true });
}
