#!/usr/bin/env node
/**
 * `article-bot <command>`: the command-line entry point. Each command lives
 * in its own module and exports `run(args)`, resolving to an exit code.
 */
import { existsSync, readFileSync } from "node:fs";
import { redactSecrets } from "../log.ts";
import { processSecrets } from "./platforms.ts";

const commands: Record<string, () => Promise<{ run(args: string[]): Promise<number> }>> = {
  start: () => import("./start.ts"),
  search: () => import("./search.ts"),
  import: () => import("./import.ts"),
  sync: () => import("./sync.ts"),
  "migrate-db": () => import("./migrate-db.ts"),
  backup: () => import("./backup.ts"),
  restore: () => import("./restore.ts"),
};

const USAGE = `usage: article-bot <command> [options]

commands:
  start [--new-database]        run the bot on every configured platform (console when none)
  search <query> [--json] [--limit N]
                                search the library; without a query, one query per stdin line
  import <backup file or folder> (--list <list.md> | --no-list) [--account NAME] [--out <dir>]
                                convert 小懒 markdown backups into front-matter articles
  sync [--repo <url>] [--branch B] [--root gzh] [--account NAME]… [--prune]
                                bring the library up to date with a 小懒 backup git repository
  migrate-db [--from <sqlite file>] [--to <postgres url>]
                                copy subscriptions and the delivery log from SQLite to PostgreSQL
  backup <file>                 the SQLite database (safe while the bot runs) and WeChat session, in one file
  restore <file>                put a backup back into the data directory (with the bot stopped)
options shared by all commands:
  --data <dir>                  data directory (default: $DATA_DIR or ./data); it must exist
  -h, --help                    the command's usage, with every flag it takes
options of article-bot itself:
  --version                     print the version
  --help                        this text

Configuration comes from environment variables; a .env file in the working directory is
read first (variables already set in the environment win). See README.md.`;

/**
 * Read `./.env` into the environment with Node's own parser; variables
 * already set win. The shipped `.env.example` loads as it is.
 */
function loadDotEnv(): void {
  if (existsSync(".env")) process.loadEnvFile(".env");
}

function version(): string {
  return (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string })
    .version;
}

async function main(argv: string[]): Promise<number> {
  const [name = "start", ...rest] = argv;
  if (name === "-h" || name === "--help" || name === "help") {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (name === "--version" || name === "-v") {
    process.stdout.write(`article-bot ${version()}\n`);
    return 0;
  }
  loadDotEnv();
  const load = commands[name];
  if (!load) {
    process.stderr.write(`unknown command: ${name}\n\n${USAGE}\n`);
    return 2;
  }
  const command = await load();
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // The last words of a failed start may quote a URL with the token in it.
    const message = redactSecrets(err instanceof Error ? err.message : String(err), processSecrets());
    process.stderr.write(`article-bot: ${message}\n`);
    process.exitCode = 1;
  },
);
