/**
 * The backup file of `article-bot backup`/`restore`: a plain tar archive
 * (`tar tf` lists it) holding a manifest, the SQLite database and the
 * WeChat login sessions (`*.memory-card.json`) of the data directory.
 */
import { chmodSync, createWriteStream, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { finished } from "node:stream/promises";
import * as tar from "tar";
import { loadConfig } from "../config.ts";
import { sqliteFile } from "../store/open.ts";
import { isPostgresUrl } from "../store/postgres.ts";
import { BackupError, type DatabaseSummary } from "../store/sqlite-backup.ts";
import { parseOrUsage, singleFile } from "./args.ts";

export const MANIFEST = "article-bot-backup.json";
/** The database's name in the archive (the data directory's own name for it). */
export const DATABASE = path.basename(sqliteFile("."));
/** The `<file>` that means stdout (backup) or stdin (restore). */
export const STDIO = "-";
/** wechaty's session files; a plain name, never a path. */
export const SESSION = /^[\w.@-]+\.memory-card\.json$/;

/** What the archive says about itself. */
export interface Manifest {
  format: "article-bot-backup";
  version: 1;
  createdAt: string;
  database: DatabaseSummary;
  sessions: string[];
}

/** An archive read into a folder: the files it held there, and the entries it was refused. */
export interface ReadArchive {
  manifest: Manifest;
  /** Session file names, each in the folder. */
  sessions: string[];
  /** Entries that are not part of a backup (other names, paths, links), left out. */
  skipped: string[];
}

/**
 * Write `dir`'s manifest, database and `sessions` into the archive `file`
 * (readable by its owner only: it holds a login). Written beside `file`
 * first and renamed, so `file` is always a complete archive.
 */
export async function writeArchive(file: string, dir: string, manifest: Manifest): Promise<void> {
  writeFileSync(path.join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  const partial = `${file}.partial`;
  try {
    await tar.c({ file: partial, cwd: dir, portable: true }, [MANIFEST, DATABASE, ...manifest.sessions]);
    chmodSync(partial, 0o600);
    renameSync(partial, file);
  } finally {
    rmSync(partial, { force: true });
  }
}

/**
 * Read the archive `file` into the empty folder `dir`. Only the names a
 * backup holds are written, each as a plain file in `dir` (never where an
 * entry's path points); anything else is skipped and named.
 * @throws BackupError when `file` is not a readable article-bot backup
 */
export async function readArchive(file: string, dir: string): Promise<ReadArchive> {
  if (!existsSync(file)) throw new BackupError(`${file}: no such file`);
  const written: Array<Promise<unknown>> = [];
  const names = new Set<string>();
  const skipped: string[] = [];
  try {
    await tar.t({
      file,
      strict: true,
      onReadEntry: (entry) => {
        const name = entry.path;
        const wanted = entry.type === "File" && (name === MANIFEST || name === DATABASE || SESSION.test(name)) && !names.has(name);
        if (!wanted) {
          skipped.push(name);
          entry.resume();
          return;
        }
        names.add(name);
        const out = createWriteStream(path.join(dir, name), { mode: 0o600 });
        entry.pipe(out);
        written.push(finished(out));
      },
    });
    await Promise.all(written);
  } catch (err) {
    throw new BackupError(`${file} is not a readable backup: ${(err as Error).message}`);
  }
  if (!names.has(MANIFEST) || !names.has(DATABASE)) throw new BackupError(`${file} is not an article-bot backup (it has no ${names.has(MANIFEST) ? DATABASE : MANIFEST})`);
  const manifest = parseManifest(readFileSync(path.join(dir, MANIFEST), "utf8"));
  return { manifest, sessions: [...names].filter((n) => SESSION.test(n)), skipped };
}

function parseManifest(text: string): Manifest {
  try {
    const manifest = JSON.parse(text) as Partial<Manifest>;
    if (manifest.format === "article-bot-backup" && manifest.version === 1) return manifest as Manifest;
  } catch {
    // Reported below.
  }
  throw new BackupError(`${MANIFEST} is not an article-bot backup manifest of version 1`);
}

/**
 * The arguments `backup` and `restore` share: the archive `<file>` and the
 * data directory (from --data or the environment), or the exit code when
 * the command is already over (help, usage error, a PostgreSQL database).
 */
export function backupArgs(command: "backup" | "restore", args: string[], env: NodeJS.ProcessEnv, usage: string): { file: string; dataDir: string } | { exitCode: number } {
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
