import { copyFileSync, existsSync, renameSync, rmSync } from "node:fs";
import Database from "better-sqlite3";

/** Why a backup or restore did not happen; the message says what to do. */
export class BackupError extends Error {
  override readonly name = "BackupError";
}

/** What a database holds, for the report of a backup or restore. */
export interface DatabaseSummary {
  subscriptions: number;
  deliveries: number;
}

/**
 * Copy the SQLite database `source` to `dest` while the bot may be writing
 * to it: SQLite's online backup, in a single step, so the copy is one
 * consistent snapshot (rows committed before it began are in it, none half
 * written) and a writer in another process cannot restart it halfway.
 */
export async function backupSqlite(source: string, dest: string): Promise<DatabaseSummary> {
  if (!existsSync(source)) throw new BackupError(`no database at ${source} (has the bot run with this data directory?)`);
  const db = new Database(source, { fileMustExist: true, timeout: 5_000 });
  try {
    // The first step only starts the backup; the answer to its progress report copies every remaining page at once.
    await db.backup(dest, { progress: () => 0x7fffffff });
  } finally {
    db.close();
  }
  return checkDatabase(dest);
}

/**
 * Check that `file` is a sound article-bot database (SQLite, integrity
 * check passes, the bot's tables present) and count what it holds.
 */
export function checkDatabase(file: string): DatabaseSummary {
  let db: Database.Database;
  try {
    db = new Database(file, { fileMustExist: true });
  } catch (err) {
    throw new BackupError(`not an SQLite database: ${(err as Error).message}`);
  }
  try {
    const integrity = db.pragma("quick_check", { simple: true });
    if (integrity !== "ok") throw new BackupError(`the database is damaged (${String(integrity)})`);
    const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    return { subscriptions: count("subscriptions"), deliveries: count("deliveries") };
  } catch (err) {
    if (err instanceof BackupError) throw err;
    const code = (err as { code?: string }).code;
    if (code === "SQLITE_NOTADB") throw new BackupError(`not an SQLite database: ${(err as Error).message}`);
    if (code === "SQLITE_CORRUPT") throw new BackupError(`the database is damaged: ${(err as Error).message}`);
    throw new BackupError(`not an article-bot database: ${(err as Error).message}`);
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
 */
export function replaceDatabase(target: string, replacement: string): string | undefined {
  let previous: string | undefined;
  if (existsSync(target)) {
    settleUnused(target);
    previous = `${target}.before-restore`;
    copyFileSync(target, previous);
  }
  // Journal files of the old database must not be replayed onto the new one.
  for (const suffix of ["-wal", "-shm", "-journal"]) rmSync(`${target}${suffix}`, { force: true });
  renameSync(replacement, target);
  return previous;
}

/**
 * Fail unless nobody has `file` open, then fold its write-ahead log into
 * it. A process with the database open holds a shared lock on it for as
 * long as it is open (WAL mode), so an exclusive lock is refused.
 */
function settleUnused(file: string): void {
  const db = new Database(file, { fileMustExist: true, timeout: 0 });
  try {
    db.pragma("locking_mode = EXCLUSIVE");
    db.exec("BEGIN EXCLUSIVE; COMMIT");
    db.pragma("wal_checkpoint(TRUNCATE)");
  } catch (err) {
    if ((err as { code?: string }).code === "SQLITE_BUSY") {
      throw new BackupError(`${file} is in use: stop the bot first (systemctl stop article-bot, docker compose stop article-bot), then restore`);
    }
    throw err;
  } finally {
    db.close();
  }
}
