import { existsSync } from "node:fs";
import Database from "better-sqlite3";
import type pg from "pg";
import { silentLogger, type Logger } from "../log.ts";
import { migrations } from "./migrations.ts";
import { redactUrl } from "./postgres.ts";
import { createPool } from "./postgres-pool.ts";
import { migratePostgres } from "./postgres-schema.ts";
import { asError, messageOf } from "../util/errors.ts";

/** A problem with the source or target that the operator must fix. */
export class CopyError extends Error {
  override readonly name = "CopyError";
}

/** What happened to one table. */
export interface TableCopy {
  table: string;
  /** Rows in the SQLite file. */
  read: number;
  /** Rows written to PostgreSQL. */
  copied: number;
  /** Rows PostgreSQL already had (left as they are). */
  kept: number;
}

/** Outcome of {@link copySqliteToPostgres}. */
export interface CopyReport {
  from: string;
  /** The target URL without its password. */
  to: string;
  tables: TableCopy[];
}

/** How one table moves: its columns and the PostgreSQL array type of each, for a batched `unnest` insert. */
interface TableSpec {
  table: string;
  columns: Array<[name: string, pgArrayType: string]>;
  /** A SQLite value as PostgreSQL wants it. */
  convert?: Record<string, (v: unknown) => unknown>;
}

const TABLES: readonly TableSpec[] = [
  {
    table: "subscriptions",
    columns: [
      ["platform", "text"],
      ["chat_id", "text"],
      ["is_group", "boolean"],
      ["time", "text"],
      ["created_at", "timestamptz"],
      ["thread_id", "text"],
      ["is_channel", "boolean"],
    ],
    convert: { is_group: (v) => v === 1, is_channel: (v) => v === 1 },
  },
  {
    table: "deliveries",
    columns: [
      ["platform", "text"],
      ["chat_id", "text"],
      ["day", "text"],
      ["status", "text"],
      ["owner", "text"],
      ["updated_at", "timestamptz"],
      ["error", "text"],
    ],
  },
  {
    table: "kv",
    columns: [
      ["key", "text"],
      ["value", "text"],
    ],
  },
  {
    table: "news_subscriptions",
    columns: [
      ["platform", "text"],
      ["chat_id", "text"],
      ["is_group", "boolean"],
      ["keywords", "text"],
      ["created_at", "timestamptz"],
      ["thread_id", "text"],
      ["is_channel", "boolean"],
    ],
    convert: { is_group: (v) => v === 1, is_channel: (v) => v === 1 },
  },
  {
    table: "seen_articles",
    columns: [
      ["article_id", "text"],
      ["first_seen_at", "timestamptz"],
    ],
  },
  {
    table: "group_settings",
    columns: [
      ["platform", "text"],
      ["chat_id", "text"],
      ["state", "text"],
      ["triggers", "text"],
      ["link_preview", "boolean"],
      ["results", "integer"],
      ["quiet_start", "text"],
      ["quiet_end", "text"],
      ["accounts", "text"],
      ["updated_at", "timestamptz"],
      ["updated_by", "text"],
    ],
    convert: { link_preview: (v) => (v === null ? null : v === 1) },
  },
];

const BATCH = 1000;

/**
 * Copy subscriptions, the delivery log and cached values from the SQLite
 * file `from` into the PostgreSQL database at `to` (its schema created if
 * needed), in one transaction: all of it or nothing. Idempotent: rows
 * PostgreSQL already has are kept as they are (once instances run there,
 * its data is the newer), so running it again copies only what is missing.
 * The SQLite file is opened read-only and never changed.
 * @throws CopyError when the file is missing or not an article-bot database
 */
export async function copySqliteToPostgres(
  from: string,
  to: string,
  log: Logger = silentLogger(),
): Promise<CopyReport> {
  const source = openSource(from);
  try {
    const pool = createPool(to, log, { max: 1, statementTimeoutMs: 120_000 });
    try {
      await migratePostgres(pool);
      const tables = await inTransaction(pool, async (client) => {
        const done: TableCopy[] = [];
        for (const spec of TABLES) done.push(await copyTable(source, client, spec));
        return done;
      });
      return { from, to: redactUrl(to), tables };
    } finally {
      await pool.end();
    }
  } finally {
    source.close();
  }
}

function openSource(file: string): Database.Database {
  if (!existsSync(file)) throw new CopyError(`no such SQLite file: ${file}`);
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new CopyError(`cannot open ${file}: ${messageOf(err)}`);
  }
  try {
    const version =
      (db.prepare("SELECT max(version) AS v FROM schema_migrations").get() as { v: number | null }).v ?? 0;
    const known = Math.max(...migrations.map((m) => m.version));
    if (version > known)
      throw new CopyError(`${file} was written by a newer article-bot (schema ${version}, this one knows ${known})`);
    if (version < known)
      throw new CopyError(`${file} has an old schema (${version}); run this version of article-bot on it once first`);
  } catch (err) {
    db.close();
    if (err instanceof CopyError) throw err;
    throw new CopyError(`${file} is not an article-bot database: ${messageOf(err)}`);
  }
  return db;
}

async function inTransaction<T>(pool: pg.Pool, body: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const result = await body(client);
    await client.query("COMMIT");
    client.release();
    return result;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    client.release(asError(err));
    throw err;
  }
}

/** Stream one table out of SQLite in batches, each inserted with a single `INSERT … SELECT unnest(…)`. */
async function copyTable(source: Database.Database, client: pg.PoolClient, spec: TableSpec): Promise<TableCopy> {
  const names = spec.columns.map(([name]) => name);
  const insert = `INSERT INTO ${spec.table} (${names.join(", ")})
    SELECT * FROM unnest(${spec.columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(", ")})
    ON CONFLICT DO NOTHING`;
  const report: TableCopy = { table: spec.table, read: 0, copied: 0, kept: 0 };
  let batch: Array<Record<string, unknown>> = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const arrays = names.map((name) => batch.map((row) => (spec.convert?.[name] ?? ((v) => v))(row[name])));
    const inserted = (await client.query(insert, arrays)).rowCount ?? 0;
    report.copied += inserted;
    report.kept += batch.length - inserted;
    batch = [];
  };
  for (const row of source.prepare(`SELECT ${names.join(", ")} FROM ${spec.table}`).iterate()) {
    report.read++;
    batch.push(row as Record<string, unknown>);
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  return report;
}

/** The report as the CLI prints it. */
export function formatCopyReport(report: CopyReport): string {
  const labels: Record<string, string> = {
    subscriptions: "subscriptions",
    deliveries: "delivery log",
    kv: "cached values",
    news_subscriptions: "new-article subscriptions",
    seen_articles: "articles seen",
    group_settings: "group settings",
  };
  const lines = report.tables.map(
    (t) =>
      `  ${(labels[t.table] ?? t.table).padEnd(25)} ${String(t.read).padStart(7)} read, ${String(t.copied).padStart(7)} copied, ${String(t.kept).padStart(7)} already there`,
  );
  return `copied ${report.from} → ${report.to}\n${lines.join("\n")}\n`;
}
