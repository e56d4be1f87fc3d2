import {
  closeSync,
  copyFileSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import Database from "better-sqlite3";
import { loadConfig } from "../../src/config.ts";
import { silentLogger } from "../../src/log.ts";
import { openStore, sqliteFile } from "../../src/store/open.ts";

/**
 * Real SQLite databases of a bot that has run, and the ways operators find
 * them damaged: a page overwritten with garbage, a truncated file.
 */

/** Subscriptions in {@link ranBefore}'s database; with 3 days of pushes to each, 50-odd pages. */
export const SUBSCRIBERS = 300;

/**
 * Make `dataDir` the data folder of a bot that has run: its database (as
 * `start` opens it, so with its marker) holding {@link SUBSCRIBERS}
 * subscriptions and three days of deliveries to each, everything folded
 * into the database file (no -wal left). Resolves to the database file.
 */
export async function ranBefore(dataDir: string): Promise<string> {
  await (await openStore(loadConfig({ DATA_DIR: dataDir }), silentLogger())).close();
  const file = sqliteFile(dataDir);
  // Rows as the store writes them, in one transaction: a commit each (synchronous = FULL) would take seconds.
  const db = new Database(file);
  const subscribe = db.prepare(
    "INSERT INTO subscriptions (platform, chat_id, is_group, time, created_at) VALUES ('telegram', ?, 0, NULL, '2026-02-28T08:00:00.000Z')",
  );
  const deliver = db.prepare(
    "INSERT INTO deliveries (platform, chat_id, day, status, owner, updated_at) VALUES ('telegram', ?, ?, 'sent', 'instance-1', ?)",
  );
  db.transaction(() => {
    for (let i = 0; i < SUBSCRIBERS; i++) subscribe.run(String(100_000 + i));
    for (const day of ["2026-03-01", "2026-03-02", "2026-03-03"])
      for (let i = 0; i < SUBSCRIBERS; i++) deliver.run(String(100_000 + i), day, `${day}T07:30:00.000Z`);
  })();
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
  return file;
}

/**
 * Leave the database `file` as a bot that died leaves it: a subscription
 * to `chatId` committed to the write-ahead log only (`<file>-wal`), the
 * database file itself as it was. Resolves to the log's bytes.
 */
export function diedWithRowInTheLog(file: string, chatId: string): Buffer {
  copyFileSync(file, `${file}.before`);
  const db = new Database(file);
  db.prepare(
    "INSERT INTO subscriptions (platform, chat_id, is_group, time, created_at) VALUES ('telegram', ?, 0, NULL, '2026-03-04T08:00:00.000Z')",
  ).run(chatId);
  const log = readFileSync(`${file}-wal`);
  // Closing folds the log into the file; putting both back as they were undoes that.
  db.close();
  copyFileSync(`${file}.before`, file);
  rmSync(`${file}.before`);
  writeFileSync(`${file}-wal`, log);
  return log;
}

/** The 1-based number of the root page of the table or index `name`. */
export function rootPage(file: string, name: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare("SELECT rootpage FROM sqlite_schema WHERE name = ?").get(name) as { rootpage: number }).rootpage;
  } finally {
    db.close();
  }
}

/** How many pages the database has (the file is whole: its size over the page size). */
export function pageCount(file: string): number {
  return statSync(file).size / pageSize(file);
}

/** Overwrite page `page` (1-based) of the database with garbage, the rest left as it is. */
export function overwritePage(file: string, page: number): void {
  const size = pageSize(file);
  const fd = openSync(file, "r+");
  try {
    writeSync(fd, Buffer.alloc(size, 0xa7), 0, size, (page - 1) * size);
  } finally {
    closeSync(fd);
  }
}

/** Cut the database to half its pages, as a disk that filled up during a copy leaves it. */
export function truncateToHalf(file: string): void {
  truncateSync(file, Math.floor(pageCount(file) / 2) * pageSize(file));
}

/** The page size, from the database header (bytes 16–17, big-endian; 1 means 65,536). */
function pageSize(file: string): number {
  const value = readFileSync(file).readUInt16BE(16);
  return value === 1 ? 65_536 : value;
}
