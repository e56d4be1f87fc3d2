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
];
