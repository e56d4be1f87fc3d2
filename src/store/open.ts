import path from "node:path";
import type { Config } from "../config.ts";
import type { Logger } from "../log.ts";
import { openSqliteStore } from "./sqlite.ts";
import type { Store } from "./store.ts";

/**
 * Open the configured store: embedded SQLite in the data directory
 * (`<DATA_DIR>/article-bot.sqlite`) unless another backend is configured.
 */
export async function openStore(config: Config, log: Logger): Promise<Store> {
  const file = path.join(config.dataDir, "article-bot.sqlite");
  log.info({ backend: "sqlite", file }, "opening store");
  return openSqliteStore(file);
}
