import { createReadStream, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { sqliteFile } from "../store/open.ts";
import { BackupError } from "../store/sqlite-backup.ts";
import { backupArgs, SESSION, STDIO, summaryLine, writeBackup } from "./backup-archive.ts";
import { messageOf } from "../util/errors.ts";

const USAGE = `usage: article-bot backup <file | -> [--data <dir>]

Writes a consistent copy of the SQLite database (SQLite's online backup:
safe while the bot runs) with the WeChat login session (*.memory-card.json)
of the data directory into <file>, readable by its owner only (\`-\`: to
stdout, e.g. out of a container). Restore it with \`article-bot restore\`.
PostgreSQL: use pg_dump.
  --data <dir>    data directory (default: $DATA_DIR or ./data)`;

/** `article-bot backup <file>`: 0 when written, 2 on a usage error, 1 when there is nothing to back up or no room. */
export async function run(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const target = backupArgs("backup", args, env, USAGE);
  if ("exitCode" in target) return target.exitCode;
  const { file, dataDir } = target;
  const toStdout = file === STDIO;
  // Staged beside the target, so the final rename stays on one file system (for stdout: in the temp folder).
  let staging: string | undefined;
  try {
    staging = mkdtempSync(path.join(toStdout ? os.tmpdir() : path.dirname(file), ".article-bot-backup-"));
    const sessions = readdirSync(dataDir)
      .filter((name) => SESSION.test(name))
      .map((name) => path.join(dataDir, name));
    const written = toStdout ? path.join(staging, "out.sqlite") : file;
    const { database, sessions: names } = await writeBackup(written, sqliteFile(dataDir), sessions, staging);
    if (toStdout) await pipeline(createReadStream(written), process.stdout, { end: false });
    const what = names.length > 0 ? ` and the WeChat session (${names.join(", ")})` : "";
    // With the backup on stdout, the report goes to stderr.
    (toStdout ? process.stderr : process.stdout).write(
      `backed up ${summaryLine(database)}${what} to ${toStdout ? "stdout" : file}\n`,
    );
    return 0;
  } catch (err) {
    const message = err instanceof BackupError ? err.message : messageOf(err);
    process.stderr.write(`article-bot backup: ${message}; nothing was written\n`);
    return 1;
  } finally {
    if (staging) rmSync(staging, { recursive: true, force: true });
  }
}
