import path from "node:path";
import type { Config } from "../config.ts";
import type { Logger } from "../log.ts";
import { isPostgresUrl, openPostgresStore, redactUrl } from "./postgres.ts";
import { openSqliteStore } from "./sqlite.ts";
import { checkBeforeStart, rememberDatabase, type StartCheckOptions } from "./sqlite-start-check.ts";
import type { Store } from "./store.ts";
import { messageOf } from "../util/errors.ts";

/** How `start` opens SQLite (see {@link checkBeforeStart}); PostgreSQL takes none of it. */
export type OpenStoreOptions = Omit<StartCheckOptions, "log">;

/**
 * Open the configured store: PostgreSQL when `DATABASE_URL` is a
 * `postgres://` or `postgresql://` URL (several instances may share it),
 * else embedded SQLite in the data directory (`<DATA_DIR>/article-bot.sqlite`),
 * checked first (a damaged file, or a lost one where the bot had one) and
 * remembered once opened.
 */
export async function openStore(config: Config, log: Logger, options: OpenStoreOptions = {}): Promise<Store> {
  const url = config.databaseUrl;
  if (isPostgresUrl(url)) {
    log.info({ backend: "postgres", server: redactUrl(url) }, "opening store");
    return openPostgresStore(url, { log: log.child({ component: "store" }) });
  }
  if (url) log.warn("DATABASE_URL is not a postgres:// URL; using embedded SQLite");
  const file = sqliteFile(config.dataDir);
  log.info({ backend: "sqlite", file }, "opening store");
  await checkBeforeStart(file, { ...options, log });
  let store: Store;
  try {
    store = await openSqliteStore(file);
  } catch (err) {
    // "file is not a database" alone does not say which file.
    throw new Error(`SQLite database ${file}: ${messageOf(err)}`, { cause: err });
  }
  rememberDatabase(file);
  return store;
}

/** The embedded SQLite database of a data directory. */
export function sqliteFile(dataDir: string): string {
  return path.join(dataDir, "article-bot.sqlite");
}
