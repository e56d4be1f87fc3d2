/**
 * The backup file of `article-bot backup`/`restore`: one SQLite file, the
 * online backup of the bot's database, with the WeChat login sessions
 * (`*.memory-card.json`) and a manifest added in the `article_bot_backup`
 * table (`sqlite3 <file> 'SELECT name FROM article_bot_backup'` lists them).
 * One file, checked whole by SQLite's own integrity check, and no archive
 * format to parse.
 */
import { chmodSync, copyFileSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { loadConfig } from "../config.ts";
import { isPostgresUrl } from "../store/postgres.ts";
import { BackupError, backupSqlite, checkDatabase, type DatabaseSummary } from "../store/sqlite-backup.ts";
import { parseOrUsage, singleFile } from "./args.ts";
import { messageOf } from "../util/errors.ts";

/** The table of the files a backup carries besides the database. */
const FILES_TABLE = "article_bot_backup";
const CREATE_FILES_TABLE = `CREATE TABLE ${FILES_TABLE} (name TEXT PRIMARY KEY, content BLOB NOT NULL)`;
export const MANIFEST = "article-bot-backup.json";
/** The `<file>` that means stdout (backup) or stdin (restore). */
export const STDIO = "-";
/** wechaty's session files; a plain name, never a path. */
export const SESSION = /^[\w.@-]+\.memory-card\.json$/;

/** What a database holds, as the reports of backup and restore say it (both kinds of subscription: a restore brings back both). */
export function summaryLine(s: DatabaseSummary): string {
  return `${s.subscriptions} daily-image subscriptions, ${s.newsSubscriptions} new-article subscriptions, ${s.deliveries} deliveries`;
}

/** What the backup says about itself. */
export interface Manifest {
  format: "article-bot-backup";
  version: 1;
  createdAt: string;
  database: DatabaseSummary;
  sessions: string[];
}

/**
 * Write a backup of the database `database` and the session files
 * `sessions` (paths) to `file`: readable by its owner only (it holds a
 * login), built in `staging` and renamed, so `file` is always complete.
 */
export async function writeBackup(
  file: string,
  database: string,
  sessions: string[],
  staging: string,
): Promise<Manifest> {
  const partial = path.join(staging, "backup.sqlite");
  const summary = await backupSqlite(database, partial);
  const manifest: Manifest = {
    format: "article-bot-backup",
    version: 1,
    createdAt: new Date().toISOString(),
    database: summary,
    sessions: sessions.map((s) => path.basename(s)),
  };
  const db = new Database(partial, { fileMustExist: true });
  try {
    // A standalone file: no -wal beside it to lose on the way.
    db.pragma("journal_mode = DELETE");
    db.exec(CREATE_FILES_TABLE);
    const add = db.prepare(`INSERT INTO ${FILES_TABLE} (name, content) VALUES (?, ?)`);
    db.transaction(() => {
      add.run(MANIFEST, Buffer.from(JSON.stringify(manifest)));
      for (const session of sessions) add.run(path.basename(session), readFileSync(session));
    })();
  } finally {
    db.close();
  }
  chmodSync(partial, 0o600);
  renameSync(partial, file);
  return manifest;
}

/** A backup unpacked into a folder: its database, ready to be put in place, and its session files. */
export interface UnpackedBackup {
  manifest: Manifest;
  database: string;
  summary: DatabaseSummary;
  /** Session file names, each in the folder. */
  sessions: string[];
  /** Names in the backup that are not part of one (paths, other files), left out. */
  skipped: string[];
}

/**
 * Check the backup `file` and unpack it into the folder `dir` (the file
 * itself is not changed). Only plain session names are written, each as a
 * file in `dir`; anything else is skipped and named.
 * @throws BackupError when `file` is not a sound article-bot backup
 */
export async function unpackBackup(file: string, dir: string): Promise<UnpackedBackup> {
  const database = path.join(dir, "restored.sqlite");
  try {
    copyFileSync(file, database);
  } catch (err) {
    throw new BackupError(
      `${file}: ${(err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : messageOf(err)}`,
    );
  }
  // It becomes the bot's database: readable by the bot only, whatever the backup file's mode was.
  chmodSync(database, 0o600);
  const summary = await checkDatabase(database, { extra: [CREATE_FILES_TABLE] });
  const db = new Database(database, { fileMustExist: true });
  try {
    let rows: Array<{ name: unknown; content: unknown }>;
    try {
      rows = db.prepare(`SELECT name, content FROM ${FILES_TABLE}`).all() as typeof rows;
    } catch {
      throw new BackupError(`${file} is an SQLite database but not an article-bot backup (no ${FILES_TABLE} table)`);
    }
    const manifest = parseManifest(rows.find((r) => r.name === MANIFEST)?.content);
    const sessions: string[] = [];
    const skipped: string[] = [];
    for (const { name, content } of rows) {
      if (name === MANIFEST) continue;
      if (typeof name !== "string" || !SESSION.test(name) || !Buffer.isBuffer(content)) {
        skipped.push(String(name));
        continue;
      }
      writeFileSync(path.join(dir, name), content, { mode: 0o600 });
      sessions.push(name);
    }
    // What goes in place is the bot's database as it was backed up.
    db.exec(`DROP TABLE ${FILES_TABLE}`);
    return { manifest, database, summary, sessions, skipped };
  } finally {
    db.close();
  }
}

function parseManifest(content: unknown): Manifest {
  try {
    const manifest = JSON.parse(Buffer.isBuffer(content) ? content.toString("utf8") : "") as Partial<Manifest>;
    if (manifest.format === "article-bot-backup" && manifest.version === 1) return manifest as Manifest;
  } catch {
    // Reported below.
  }
  throw new BackupError(`${MANIFEST} in the backup is not an article-bot backup manifest of version 1`);
}

/**
 * The arguments `backup` and `restore` share: the backup `<file>` (or `-`)
 * and the data directory (from --data or the environment), or the exit
 * code when the command is already over (help, usage error, PostgreSQL).
 */
export function backupArgs(
  command: "backup" | "restore",
  args: string[],
  env: NodeJS.ProcessEnv,
  usage: string,
): { file: string; dataDir: string } | { exitCode: number } {
  const parsed = parseOrUsage(args, {}, usage);
  if ("exitCode" in parsed) return parsed;
  const { values, positionals } = parsed.args;
  const file = positionals.length === 1 && positionals[0] === STDIO ? STDIO : singleFile(positionals, usage);
  if (!file) return { exitCode: 2 };
  const config = loadConfig(values.data ? { ...env, DATA_DIR: values.data } : env);
  if (isPostgresUrl(config.databaseUrl)) {
    const tool = command === "backup" ? "back it up with pg_dump" : "restore it with pg_restore";
    process.stderr.write(`article-bot ${command}: DATABASE_URL is PostgreSQL; ${tool} (README, "Backups")\n`);
    return { exitCode: 1 };
  }
  return { file, dataDir: config.dataDir };
}
