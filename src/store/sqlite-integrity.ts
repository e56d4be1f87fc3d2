import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

/** What a failed {@link quickCheck} found. */
export type IntegrityFailure = "damaged" | "not-sqlite" | "timed-out" | "unchecked";

/** Why a database file did not pass SQLite's quick_check; `message` is a sentence for a backup's report. */
export class IntegrityError extends Error {
  override readonly name = "IntegrityError";

  constructor(
    readonly failure: IntegrityFailure,
    /** What SQLite said, on one line (`timed-out`: the time limit; `unchecked`: why the check could not run). */
    readonly detail: string,
  ) {
    super(SENTENCES[failure](detail));
  }
}

const SENTENCES: Record<IntegrityFailure, (detail: string) => string> = {
  damaged: (detail) => `the database is damaged (${detail})`,
  "not-sqlite": (detail) => `not an SQLite database: ${detail}`,
  "timed-out": (detail) => `the database's integrity check did not finish within ${detail}`,
  unchecked: (detail) => `the database's integrity check failed: ${detail}`,
};

const QUICK_CHECK = fileURLToPath(new URL("./sqlite-quick-check.js", import.meta.url));

/** quick_check lists up to 100 problems; the first few say what is wrong, the rest only how much. */
const PROBLEMS_SHOWN = 3;

/**
 * SQLite's quick_check of `file` (every page of every table and index
 * read, the free list, the page counts), in a child process killed after
 * `timeLimitMs`: the check is native code that cannot be interrupted, and
 * a child lets the event loop go on (a SIGTERM during start-up is obeyed;
 * aborting `signal` kills the check). Resolves when the file is an SQLite
 * database that passes it.
 * @throws IntegrityError saying what is wrong
 */
export async function quickCheck(file: string, timeLimitMs: number, signal?: AbortSignal): Promise<void> {
  const { stdout, error } = await new Promise<{
    stdout: string;
    error: (Error & { killed?: boolean; code?: unknown }) | null;
  }>((resolve) =>
    execFile(
      process.execPath,
      [QUICK_CHECK, file],
      { encoding: "utf8", timeout: timeLimitMs, killSignal: "SIGKILL", signal },
      (err, out) => resolve({ stdout: out, error: err }),
    ),
  );
  signal?.throwIfAborted();
  if (error?.killed) throw new IntegrityError("timed-out", `${Math.round(timeLimitMs / 1000)} s`);
  let answer: { result?: string; code?: string; message?: string };
  try {
    answer = JSON.parse(stdout);
  } catch {
    // The child itself failed (it could not load SQLite): no verdict on the file.
    throw new IntegrityError("unchecked", String(error?.message.trim().split("\n").at(-1)));
  }
  if (answer.result === "ok") return;
  if (answer.result !== undefined) throw new IntegrityError("damaged", problems(answer.result));
  throw new IntegrityError(
    answer.code === "SQLITE_CORRUPT" ? "damaged" : "not-sqlite",
    answer.message ?? String(answer.code),
  );
}

/**
 * quick_check's report on one line: `*** in database main ***` headings
 * dropped, problems joined with "; ", only the first few shown.
 */
function problems(report: string): string {
  const lines = report
    .split("\n")
    .filter((line) => line.trim() !== "" && !/^\*\*\* in database \w+ \*\*\*$/.test(line));
  const more = lines.length - PROBLEMS_SHOWN;
  return lines.slice(0, PROBLEMS_SHOWN).join("; ") + (more > 0 ? `; and ${more} more` : "");
}
