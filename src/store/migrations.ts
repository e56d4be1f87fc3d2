/**
 * Numbered schema migrations for the SQLite store. Append new ones; never
 * edit or renumber an applied migration (databases in the field have run it).
 */

/** One schema step, applied once inside a transaction. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Every migration, in the order they are applied. */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: "subscriptions, delivery log, key-value cache",
    sql: `
      CREATE TABLE subscriptions (
        platform   TEXT    NOT NULL,
        chat_id    TEXT    NOT NULL,
        is_group   INTEGER NOT NULL,
        time       TEXT,
        created_at TEXT    NOT NULL,
        PRIMARY KEY (platform, chat_id)
      );
      CREATE TABLE deliveries (
        platform   TEXT NOT NULL,
        chat_id    TEXT NOT NULL,
        day        TEXT NOT NULL,
        status     TEXT NOT NULL CHECK (status IN ('claimed', 'sent', 'failed')),
        owner      TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        error      TEXT,
        PRIMARY KEY (platform, chat_id, day)
      );
      CREATE INDEX deliveries_by_day ON deliveries (day, status);
      CREATE TABLE kv (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: "new-article announcements: subscriptions with keywords, articles seen",
    sql: `
      CREATE TABLE news_subscriptions (
        platform   TEXT    NOT NULL,
        chat_id    TEXT    NOT NULL,
        is_group   INTEGER NOT NULL,
        keywords   TEXT    NOT NULL,
        created_at TEXT    NOT NULL,
        PRIMARY KEY (platform, chat_id)
      );
      CREATE TABLE seen_articles (
        article_id    TEXT PRIMARY KEY,
        first_seen_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: "groups: policy state and settings; subscriptions in forum topics and channels",
    sql: `
      ALTER TABLE subscriptions ADD COLUMN thread_id TEXT;
      ALTER TABLE subscriptions ADD COLUMN is_channel INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE news_subscriptions ADD COLUMN thread_id TEXT;
      ALTER TABLE news_subscriptions ADD COLUMN is_channel INTEGER NOT NULL DEFAULT 0;
      CREATE TABLE group_settings (
        platform     TEXT    NOT NULL,
        chat_id      TEXT    NOT NULL,
        state        TEXT    CHECK (state IN ('enabled', 'disabled')),
        triggers     TEXT,
        link_preview INTEGER,
        results      INTEGER CHECK (results BETWEEN 1 AND 5),
        quiet_start  TEXT,
        quiet_end    TEXT,
        accounts     TEXT,
        updated_at   TEXT    NOT NULL,
        updated_by   TEXT,
        PRIMARY KEY (platform, chat_id),
        CHECK ((quiet_start IS NULL) = (quiet_end IS NULL))
      );
    `,
  },
];
