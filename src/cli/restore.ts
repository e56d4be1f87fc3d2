import { copyFileSync, createWriteStream, existsSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { sqliteFile } from "../store/open.ts";
import { makePrivateDir } from "../util/private-files.ts";
import { BackupError, replaceDatabase } from "../store/sqlite-backup.ts";
import { backupArgs, STDIO, summaryLine, unpackBackup } from "./backup-archive.ts";

const USAGE = `usage: article-bot restore <file | -> [--data <dir>]

Puts the database and WeChat login session of a backup written by
\`article-bot backup\` (\`-\`: from stdin) into the data directory. Stop the
bot first: restore refuses while a process has the database open. The
replaced files are kept beside them as <name>.before-restore.
  --data <dir>    data directory (default: $DATA_DIR or ./data)`;

/** `article-bot restore <file>`: 0 when restored, 2 on a usage error, 1 when nothing was changed (bad file, bot running). */
export async function run(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const target = backupArgs("restore", args, env, USAGE);
  if ("exitCode" in target) return target.exitCode;
  const { file, dataDir } = target;
  makePrivateDir(dataDir);
  // Unpacked inside the data directory, so putting each file in place is a rename.
  const staging = mkdtempSync(path.join(dataDir, ".article-bot-restore-"));
  try {
    let source = file;
    if (file === STDIO) {
      source = path.join(staging, "stdin.sqlite");
      await pipeline(process.stdin, createWriteStream(source, { mode: 0o600 }));
    }
    const backup = await unpackBackup(source, staging);
    for (const name of backup.skipped)
      process.stderr.write(`skipped ${JSON.stringify(name)}: not part of an article-bot backup\n`);
    const previous = replaceDatabase(sqliteFile(dataDir), backup.database);
    for (const name of backup.sessions) {
      const session = path.join(dataDir, name);
      if (existsSync(session)) copyFileSync(session, `${session}.before-restore`);
      renameSync(path.join(staging, name), session);
    }
    const sessions = backup.sessions.length > 0 ? ` and the WeChat session (${backup.sessions.join(", ")})` : "";
    const kept = previous ? `the database it replaced is kept as ${previous}\n` : "";
    process.stdout.write(
      `restored ${summaryLine(backup.summary)}${sessions} from the backup of ${backup.manifest.createdAt} into ${dataDir}\n${kept}`,
    );
    return 0;
  } catch (err) {
    if (!(err instanceof BackupError)) throw err;
    process.stderr.write(`article-bot restore: ${err.message}; nothing was changed\n`);
    return 1;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
