import { statSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Logger } from "../log.ts";
import { IntegrityError, quickCheck } from "./sqlite-integrity.ts";

/** Why `start` will not open the SQLite database; the message names the file, what is wrong and how to restore. */
export class DatabaseStartError extends Error {
  override readonly name = "DatabaseStartError";
}

/** Options of {@link checkBeforeStart}. */
export interface StartCheckOptions {
  log: Logger;
  /** `start --new-database`: the operator accepts a new, empty database where one was before. */
  newDatabase?: boolean;
  /** How long quick_check may take; past it the bot starts unchecked, with a warning. Default 30 s. */
  timeLimitMs?: number;
  /** Aborted when the process is asked to stop: the check is killed. */
  signal?: AbortSignal;
}

/**
 * A bot's database (a few MB) is checked in about a tenth of a second, most
 * of it starting the child process; 1,000,000 delivery rows (166 MB) in
 * about one second. Past this, a database too large to check quickly still
 * starts rather than never.
 */
const START_CHECK_LIMIT_MS = 30_000;

/**
 * The marker beside the database `file`, written once the bot has opened
 * it: from then on, a missing or empty database is a loss, not a new install.
 */
export function markerOf(file: string): string {
  return `${file}.expected`;
}

/**
 * Refuse to start on a database that would lose or break what the bot
 * kept: a missing or 0-byte `file` where the bot has kept its database
 * before (its marker is there: SQLite would silently make a new, empty
 * one, and every subscriber would be forgotten), or a file that fails
 * SQLite's quick_check (a damaged index page opens fine, then every push
 * claim fails each minute). The database is not changed (the check is
 * read-only; it may leave SQLite's empty -wal and -shm beside it). A
 * brand-new install (no marker) passes.
 * @throws DatabaseStartError naming the file, what is wrong and how to restore it
 */
export async function checkBeforeStart(file: string, options: StartCheckOptions): Promise<void> {
  const restore = `restore the last backup with \`article-bot restore <backup> --data ${path.dirname(file)}\``;
  const size = sizeOf(file);
  if (size === undefined || size === 0) {
    if (sizeOf(markerOf(file)) === undefined) return;
    const state = size === undefined ? "is missing" : "is empty (0 bytes)";
    if (options.newDatabase) {
      options.log.warn({ file }, `the database ${state}; starting with a new, empty one as --new-database asks`);
      return;
    }
    throw new DatabaseStartError(
      `database ${file} ${state}, but the bot has kept its database there before (${path.basename(markerOf(file))}): ${restore}, ` +
        "or start once with `article-bot start --new-database` to begin again with no subscribers",
    );
  }
  try {
    await quickCheck(file, options.timeLimitMs ?? START_CHECK_LIMIT_MS, options.signal);
  } catch (err) {
    if (!(err instanceof IntegrityError)) throw err;
    if (err.failure === "timed-out") {
      options.log.warn(
        { file },
        `the database's integrity check did not finish within ${err.detail}; starting without it`,
      );
      return;
    }
    // The check itself could not run: restoring would not help.
    if (err.failure === "unchecked")
      throw new DatabaseStartError(`database ${file} could not be checked (${err.detail})`);
    const state = err.failure === "damaged" ? "is damaged" : "is not an SQLite database";
    throw new DatabaseStartError(
      `database ${file} ${state} (${err.detail}): ${restore} (the damaged file is kept as ${path.basename(file)}.before-restore)`,
    );
  }
}

/** Write the marker of the database `file` (see {@link markerOf}) unless it is there. */
export function rememberDatabase(file: string): void {
  const text =
    `article-bot keeps its database ${path.basename(file)} in this folder. While this file is here, \`article-bot start\` ` +
    "refuses to start on a missing or empty database: restore a backup (`article-bot restore <backup>`), or start once with " +
    "`article-bot start --new-database` to begin again with no subscribers.\n";
  try {
    writeFileSync(markerOf(file), text, { flag: "wx", mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
}

/** The size of `file` in bytes, or undefined when there is none. */
function sizeOf(file: string): number | undefined {
  try {
    return statSync(file).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}
