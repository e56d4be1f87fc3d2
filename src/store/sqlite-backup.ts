import { chmodSync, copyFileSync, existsSync, renameSync, rmSync } from "node:fs";
import Database from "better-sqlite3";
import { IntegrityError, quickCheck } from "./sqlite-integrity.ts";
import { schemaProblem } from "./sqlite-schema.ts";
import { messageOf } from "../util/errors.ts";

/** Why a backup or restore did not happen; the message says what to do. */
export class BackupError extends Error {
  override readonly name = "BackupError";
}

/** What a database holds, for the report of a backup or restore. */
export interface DatabaseSummary {
  /** Chats subscribed to the daily image. */
  subscriptions: number;
  /** Chats subscribed to new-article announcements. */
  newsSubscriptions: number;
  deliveries: number;
}

/**
 * Copy the SQLite database `source` to `dest` while the bot may be writing
 * to it: SQLite's online backup, in a single step, so the copy is one
 * consistent snapshot (rows committed before it began are in it, none half
 * written) and a writer in another process cannot restart it halfway.
 */
export async function backupSqlite(source: string, dest: string): Promise<DatabaseSummary> {
  if (!existsSync(source))
    throw new BackupError(`no database at ${source} (has the bot run with this data directory?)`);
  const db = new Database(source, { fileMustExist: true, timeout: 5_000 });
  try {
    // The first step only starts the backup; the answer to its progress report copies every remaining page at once.
    await db.backup(dest, { progress: () => 0x7fffffff });
  } finally {
    db.close();
  }
  return checkDatabase(dest);
}

/** Options of {@link checkDatabase}. */
export interface CheckOptions {
  /** How long SQLite's integrity check may take (waiting for a lock included). Default 2 minutes. */
  timeLimitMs?: number;
  /** Statements whose tables may be in the database besides the bot's (see {@link schemaProblem}). */
  extra?: readonly string[];
}

/** A bot's database is a few megabytes, checked in well under a second; a backup of years of deliveries in seconds. */
const QUICK_CHECK_LIMIT_MS = 120_000;

/**
 * Check that `file` is a sound article-bot database and count what it
 * holds: SQLite's integrity check passes within its time limit, and the
 * schema is exactly the bot's (see {@link schemaProblem}) — a restored
 * database with a trigger of someone else's would run it on every write,
 * a view in place of a table could make counting its rows never end.
 */
export async function checkDatabase(file: string, options: CheckOptions = {}): Promise<DatabaseSummary> {
  try {
    await quickCheck(file, options.timeLimitMs ?? QUICK_CHECK_LIMIT_MS);
  } catch (err) {
    throw err instanceof IntegrityError ? new BackupError(err.message) : err;
  }
  let db: Database.Database;
  try {
    db = new Database(file, { fileMustExist: true });
  } catch (err) {
    throw new BackupError(`not an SQLite database: ${messageOf(err)}`);
  }
  try {
    // Nothing the file defines may run functions with side effects, should it get to run at all.
    db.pragma("trusted_schema = OFF");
    const problem = schemaProblem(db, options.extra);
    if (problem) throw new BackupError(`the database's schema is not article-bot's: ${problem}`);
    const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    // A backup made before new-article announcements existed has no such table (its schema is an earlier version's).
    const hasTable = (table: string) =>
      db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?").get(table) !== undefined;
    return {
      subscriptions: count("subscriptions"),
      newsSubscriptions: hasTable("news_subscriptions") ? count("news_subscriptions") : 0,
      deliveries: count("deliveries"),
    };
  } catch (err) {
    if (err instanceof BackupError) throw err;
    const code = (err as { code?: string }).code;
    if (code === "SQLITE_NOTADB") throw new BackupError(`not an SQLite database: ${messageOf(err)}`);
    if (code === "SQLITE_CORRUPT") throw new BackupError(`the database is damaged: ${messageOf(err)}`);
    throw new BackupError(`not an article-bot database: ${messageOf(err)}`);
  } finally {
    db.close();
  }
}

/**
 * Put the database `replacement` in place of `target`, atomically (a
 * rename in the same folder: a crash leaves the old or the new database,
 * never a mix). Refuses while any process has `target` open — a running
 * bot would go on writing into the replaced file. The replaced database is
 * kept as `<target>.before-restore`; resolves to that path, if there was one.
 * A damaged `target` (what `start` refuses, telling the operator to
 * restore) cannot take the lock that proves nobody uses it, nor fold its
 * write-ahead log in — SQLite even deletes that log when it opens a file
 * whose header is garbage — so the log is copied first, and kept beside
 * the copy under the name SQLite looks for (`<target>.before-restore-wal`):
 * rows committed only to it are not lost.
 */
export function replaceDatabase(target: string, replacement: string): string | undefined {
  let previous: string | undefined;
  if (existsSync(target)) {
    previous = `${target}.before-restore`;
    const log = `${previous}-wal`;
    const savedLog = `${log}.saving`;
    if (existsSync(`${target}-wal`)) keepPrivateCopy(`${target}-wal`, savedLog);
    let settled: boolean;
    try {
      settled = settleUnused(target);
    } catch (err) {
      // In use (or unreadable): nothing changes.
      rmSync(savedLog, { force: true });
      throw err;
    }
    keepPrivateCopy(target, previous);
    // A log left from an earlier restore would be replayed onto this copy; a settled database has folded its own in.
    rmSync(log, { force: true });
    if (settled) rmSync(savedLog, { force: true });
    else if (existsSync(savedLog)) renameSync(savedLog, log);
  }
  // Journal files of the old database must not be replayed onto the new one.
  for (const suffix of ["-wal", "-shm", "-journal"]) rmSync(`${target}${suffix}`, { force: true });
  renameSync(replacement, target);
  return previous;
}

/** Copy `file` to `copy`, readable by its owner only: a copy keeps its source's mode, and a database of an earlier version may have been created readable by all. */
function keepPrivateCopy(file: string, copy: string): void {
  copyFileSync(file, copy);
  chmodSync(copy, 0o600);
}

/**
 * Fail unless nobody has `file` open, then fold its write-ahead log into
 * it. A process with the database open holds a shared lock on it for as
 * long as it is open (WAL mode), so an exclusive lock is refused. False
 * when the file is too damaged for SQLite to lock it.
 */
function settleUnused(file: string): boolean {
  const db = new Database(file, { fileMustExist: true, timeout: 0 });
  try {
    db.pragma("locking_mode = EXCLUSIVE");
    db.exec("BEGIN EXCLUSIVE; COMMIT");
    db.pragma("wal_checkpoint(TRUNCATE)");
    return true;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === "SQLITE_BUSY") {
      throw new BackupError(
        `${file} is in use: stop the bot first (systemctl stop article-bot, docker compose stop article-bot), then restore`,
      );
    }
    if (code === "SQLITE_CORRUPT" || code === "SQLITE_NOTADB") return false;
    throw err;
  } finally {
    db.close();
  }
}
