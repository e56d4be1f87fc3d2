import path from "node:path";
import { createLogger, redactSecrets } from "../log.ts";
import { processSecrets } from "./platforms.ts";
import { CopyError, copySqliteToPostgres, formatCopyReport } from "../store/postgres-copy.ts";
import { isPostgresUrl } from "../store/postgres.ts";
import { parseOrUsage } from "./args.ts";
import { messageOf } from "../util/errors.ts";
import { commandLogLevel, dataDirOf } from "../config.ts";

const USAGE = `usage: article-bot migrate-db [--from <sqlite file>] [--to <postgres url>]

Copies subscriptions, the delivery log and cached values from the embedded
SQLite database into PostgreSQL (creating its tables), in one transaction.
Rows PostgreSQL already has are kept, so running it again is safe.
  --from <file>   SQLite file (default: <DATA_DIR>/article-bot.sqlite; --data sets DATA_DIR)
  --to <url>      postgres:// or postgresql:// URL (default: $DATABASE_URL)
  --data <dir>    data directory (must exist)
  -h, --help      this help`;

/**
 * `article-bot migrate-db --from <sqlite file> --to <url>`. Resolves to 0
 * after a complete copy (the report on stdout), 2 on a usage error, 1 when
 * the source or target cannot be used.
 */
export async function run(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const parsed = parseOrUsage(args, { from: { type: "string" }, to: { type: "string" } }, USAGE);
  if ("exitCode" in parsed) return parsed.exitCode;
  const { values, positionals } = parsed.args;
  if (positionals.length > 0) return usageError(`unexpected argument: ${positionals[0]}`);
  const from = path.resolve(values.from ?? path.join(dataDirOf(env, values.data), "article-bot.sqlite"));
  const to = values.to ?? env.DATABASE_URL;
  if (!isPostgresUrl(to))
    return usageError(
      to ? "--to must be a postgres:// or postgresql:// URL" : "missing --to <postgres url> (or $DATABASE_URL)",
    );
  const secrets = processSecrets({ ...env, DATABASE_URL: to });
  const log = createLogger({ level: commandLogLevel(env), secrets });
  try {
    process.stdout.write(formatCopyReport(await copySqliteToPostgres(from, to, log)));
    return 0;
  } catch (err) {
    // Connection and SQL errors are as actionable as ours; a driver may quote the URL, so it is scrubbed.
    const message = err instanceof CopyError ? err.message : `copy failed, no rows were copied: ${messageOf(err)}`;
    process.stderr.write(`article-bot migrate-db: ${redactSecrets(message, secrets)}\n`);
    return 1;
  }
}

function usageError(message: string): number {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  return 2;
}
