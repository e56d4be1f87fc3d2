/**
 * Numbered schema migrations for the PostgreSQL store, the counterpart of
 * `migrations.ts` (same tables, PostgreSQL types). Append new ones; never
 * edit or renumber an applied migration.
 */
import type pg from "pg";
import type { Migration } from "./migrations.ts";

/**
 * Every migration, in the order they are applied. Text columns compare
 * bytewise (`COLLATE "C"`) so listings sort as they do in SQLite,
 * whatever the database's locale.
 */
export const postgresMigrations: readonly Migration[] = [
  {
    version: 1,
    name: "subscriptions, delivery log, key-value cache",
    sql: `
      CREATE TABLE subscriptions (
        platform   TEXT COLLATE "C" NOT NULL,
        chat_id    TEXT COLLATE "C" NOT NULL,
        is_group   BOOLEAN          NOT NULL,
        time       TEXT,
        created_at TIMESTAMPTZ      NOT NULL,
        PRIMARY KEY (platform, chat_id)
      );
      CREATE TABLE deliveries (
        platform   TEXT COLLATE "C" NOT NULL,
        chat_id    TEXT COLLATE "C" NOT NULL,
        day        TEXT COLLATE "C" NOT NULL,
        status     TEXT NOT NULL CHECK (status IN ('claimed', 'sent', 'failed')),
        owner      TEXT NOT NULL,
        updated_at TIMESTAMPTZ NOT NULL,
        error      TEXT,
        PRIMARY KEY (platform, chat_id, day)
      );
      CREATE INDEX deliveries_by_day ON deliveries (day, status);
      CREATE TABLE kv (
        key   TEXT COLLATE "C" PRIMARY KEY,
        value TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: "new-article announcements: subscriptions with keywords, articles seen",
    sql: `
      CREATE TABLE news_subscriptions (
        platform   TEXT COLLATE "C" NOT NULL,
        chat_id    TEXT COLLATE "C" NOT NULL,
        is_group   BOOLEAN          NOT NULL,
        keywords   TEXT             NOT NULL,
        created_at TIMESTAMPTZ      NOT NULL,
        PRIMARY KEY (platform, chat_id)
      );
      CREATE TABLE seen_articles (
        article_id    TEXT COLLATE "C" PRIMARY KEY,
        first_seen_at TIMESTAMPTZ      NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: "groups: policy state and settings; subscriptions in forum topics and channels",
    sql: `
      ALTER TABLE subscriptions ADD COLUMN thread_id TEXT COLLATE "C";
      ALTER TABLE subscriptions ADD COLUMN is_channel BOOLEAN NOT NULL DEFAULT false;
      ALTER TABLE news_subscriptions ADD COLUMN thread_id TEXT COLLATE "C";
      ALTER TABLE news_subscriptions ADD COLUMN is_channel BOOLEAN NOT NULL DEFAULT false;
      CREATE TABLE group_settings (
        platform     TEXT COLLATE "C" NOT NULL,
        chat_id      TEXT COLLATE "C" NOT NULL,
        state        TEXT CHECK (state IN ('enabled', 'disabled')),
        triggers     TEXT,
        link_preview BOOLEAN,
        results      INTEGER CHECK (results BETWEEN 1 AND 5),
        quiet_start  TEXT,
        quiet_end    TEXT,
        accounts     TEXT,
        updated_at   TIMESTAMPTZ NOT NULL,
        updated_by   TEXT,
        PRIMARY KEY (platform, chat_id),
        CHECK ((quiet_start IS NULL) = (quiet_end IS NULL))
      );
    `,
  },
];

/** Namespace of the store's advisory locks (the first key of the two-key form). */
export const LOCK_NAMESPACE = "article-bot";

/**
 * Apply the migrations newer than the database's version, each in its
 * own transaction with its `schema_migrations` row. Instances starting at
 * once serialise on a transaction-scoped advisory lock, so each step runs
 * exactly once and the others find it done. Resolves to the versions applied.
 */
export async function migratePostgres(
  pool: pg.Pool,
  steps: readonly Migration[] = postgresMigrations,
): Promise<number[]> {
  const client = await pool.connect();
  const done: number[] = [];
  let failure: Error | undefined;
  try {
    for (const step of [...steps].sort((a, b) => a.version - b.version)) {
      if (await applyStep(client, step)) done.push(step.version);
    }
  } catch (err) {
    failure = err as Error;
    throw err;
  } finally {
    // A failed connection is discarded rather than handed to the next caller.
    client.release(failure);
  }
  return done;
}

async function applyStep(client: pg.PoolClient, step: Migration): Promise<boolean> {
  await client.query("BEGIN");
  try {
    await client.query("SELECT pg_advisory_xact_lock(hashtext($1), hashtext('migrate'))", [LOCK_NAMESPACE]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
    const applied = await client.query("SELECT 1 FROM schema_migrations WHERE version = $1", [step.version]);
    if (applied.rowCount === 0) {
      await client.query(step.sql);
      await client.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [step.version, step.name]);
    }
    await client.query("COMMIT");
    return applied.rowCount === 0;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  }
}
