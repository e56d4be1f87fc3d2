import { readdirSync } from "node:fs";
import path from "node:path";
import { articlesDirOf, dataDirOf } from "../config.ts";
import { ImportError, importBackups } from "../importer/import.ts";
import { formatReport } from "../importer/report.ts";
import { parseOrUsage } from "./args.ts";

const USAGE = `usage: article-bot import <backup file or folder> (--list <list-page.md> | --no-list) [--account NAME] [--out <dir>] [--data <dir>]

Converts 小懒 markdown backups of WeChat articles (.md or .txt files: one, or every one in a folder)
into front-matter articles.
  --list <file>   the account's list page: dates, links and digests come from it
  --no-list       import without one: the backups carry no date, so every article is
                  skipped and listed in the report (useful to check what the backups contain)
  --account NAME  the official account the articles belong to (default: the list page's
                  heading, else the backup folder's name)
  --out <dir>     where to write (default: the article directory of --data / $DATA_DIR / ./data)
  --data <dir>    data directory (must exist)
  -h, --help      this help`;

/**
 * `article-bot import <backup file or folder> (--list <list.md> | --no-list) [--account NAME] [--out <dir>]`.
 * Resolves to 0 when the run completed (even with skipped files), 2 on a
 * usage error, 1 when the backups or the list page cannot be read.
 */
export async function run(args: string[]): Promise<number> {
  const parsed = parseOrUsage(
    args,
    { list: { type: "string" }, "no-list": { type: "boolean" }, account: { type: "string" }, out: { type: "string" } },
    USAGE,
  );
  if ("exitCode" in parsed) return parsed.exitCode;
  const { values, positionals } = parsed.args;
  if (values.list === undefined && !values["no-list"]) {
    process.stderr.write(
      `missing --list <list-page.md>: the dates come from the list page (--no-list imports nothing dated)\n\n${USAGE}\n`,
    );
    return 2;
  }
  if (positionals.length !== 1) {
    process.stderr.write(
      `${positionals.length ? "expected one backup file or folder" : "missing <backup file or folder>"}\n\n${USAGE}\n`,
    );
    return 2;
  }
  if (values.account !== undefined && !values.account.trim()) {
    process.stderr.write(`--account needs a name\n\n${USAGE}\n`);
    return 2;
  }
  const outDir = path.resolve(values.out ?? defaultOutDir(values.data));
  try {
    const report = await importBackups({
      backupDir: path.resolve(positionals[0]!),
      listPage: values.list === undefined ? undefined : path.resolve(values.list),
      account: values.account?.trim(),
      outDir,
      onProgress: (done, total) => process.stderr.write(`${done}/${total} backups processed\n`),
    });
    process.stdout.write(formatReport(report, outDir));
    return 0;
  } catch (err) {
    if (!(err instanceof ImportError)) throw err;
    process.stderr.write(`article-bot import: ${err.message}\n`);
    return 1;
  }
}

/**
 * The article directory the bot will read: `<data>/articles` when it exists,
 * `<data>` itself when it already holds articles directly (see
 * `articlesDirOf`), and otherwise a new `<data>/articles`, so that importing
 * into an empty data directory keeps the usual layout.
 */
export function defaultOutDir(data: string | undefined): string {
  const dataDir = dataDirOf(process.env, data);
  const dir = articlesDirOf(dataDir);
  const nested = path.join(dataDir, "articles");
  return dir === nested || hasMarkdown(dataDir) ? dir : nested;
}

function hasMarkdown(dir: string): boolean {
  try {
    return readdirSync(dir).some((f) => f.endsWith(".md"));
  } catch {
    return false;
  }
}
