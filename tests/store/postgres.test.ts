import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { silentLogger } from "../../src/log.ts";
import { openStore } from "../../src/store/open.ts";
import { isPostgresUrl, openPostgresStore, redactUrl } from "../../src/store/postgres.ts";
import { createPool } from "../../src/store/postgres-pool.ts";
import { migratePostgres, postgresMigrations } from "../../src/store/postgres-schema.ts";
import type { Store } from "../../src/store/store.ts";
import {
  describePostgres,
  findPostgresBin,
  postgresRuns,
  postgresSkipReason,
  startPostgres,
  type PostgresServer,
} from "../helpers/postgres.ts";
import { describeStoreContract, ManualClock } from "./store-contract.ts";

let server: PostgresServer;
beforeAll(async () => {
  if (postgresRuns) server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
});

describeStoreContract(
  "postgres",
  async (clock) => openPostgresStore(await server.createDatabase(), { clock }),
  describePostgres,
);

/** Run SQL on `url` as an administrator (what an operator would do with psql). */
async function sql<Row extends pg.QueryResultRow = pg.QueryResultRow>(
  url: string,
  text: string,
  values: unknown[] = [],
): Promise<Row[]> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    return (await client.query<Row>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** Two instances' stores on one fresh database; closed at the end of `body`. */
async function twoInstances(body: (a: Store, b: Store, url: string) => Promise<void>): Promise<void> {
  const url = await server.createDatabase();
  const clock = new ManualClock();
  const [a, b] = await Promise.all([openPostgresStore(url, { clock }), openPostgresStore(url, { clock })]);
  try {
    await body(a, b, url);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
}

describePostgres("PostgreSQL store shared by several instances", () => {
  it("sets up the schema once when three instances start at the same moment", async () => {
    const url = await server.createDatabase();
    const stores = await Promise.all([1, 2, 3].map(() => openPostgresStore(url)));
    await Promise.all(stores.map((s) => s.close()));
    const versions = await sql(url, "SELECT version FROM schema_migrations ORDER BY version");
    expect(versions).toEqual(postgresMigrations.map((m) => ({ version: m.version })));
  });

  it("grants each delivery to exactly one of many instances claiming it at once", async () => {
    await twoInstances(async (a, b) => {
      const chats = Array.from({ length: 50 }, (_, i) => `chat-${i}`);
      const claims = chats.flatMap((chat) => [
        a.claimDelivery("telegram", chat, "2026-11-25", "instance-a", 60_000).then((won) => (won ? "a" : undefined)),
        b.claimDelivery("telegram", chat, "2026-11-25", "instance-b", 60_000).then((won) => (won ? "b" : undefined)),
      ]);
      const winners = (await Promise.all(claims)).filter(Boolean);
      expect(winners).toHaveLength(chats.length);
      const log = await b.listDeliveries("2026-11-25");
      expect(log.map((d) => d.owner).sort()).toEqual(winners.map((w) => `instance-${w}`).sort());
    });
  });

  it("sees the other instance's subscriptions, deliveries and cached values", async () => {
    await twoInstances(async (a, b) => {
      await a.subscribe({ platform: "telegram", chatId: "5", isGroup: true, time: "06:00" });
      await a.setValue("tg:file:1", "AgAD");
      expect(await b.getSubscription("telegram", "5")).toMatchObject({ isGroup: true, time: "06:00" });
      expect(await b.getValue("tg:file:1")).toBe("AgAD");
      expect(await b.unsubscribe("telegram", "5")).toBe(true);
      expect(await a.listSubscriptions()).toEqual([]);
    });
  });

  it("shares group settings between instances and keeps them across a restart of every instance", async () => {
    const url = await server.createDatabase();
    const [a, b] = await Promise.all([openPostgresStore(url), openPostgresStore(url)]);
    await a.updateGroupSettings(
      "wechat",
      "room@chatroom",
      { state: "enabled", results: 2, linkPreview: false },
      "wechat:wxid_bob",
    );
    expect(await b.getGroupSettings("wechat", "room@chatroom")).toMatchObject({
      state: "enabled",
      results: 2,
      linkPreview: false,
    });
    await Promise.all([a.close(), b.close()]);
    const again = await openPostgresStore(url);
    expect(await again.getGroupSettings("wechat", "room@chatroom")).toMatchObject({
      state: "enabled",
      results: 2,
      linkPreview: false,
      updatedBy: "wechat:wxid_bob",
    });
    await again.close();
  });

  it("keeps a lock from every other instance until its holder releases it", async () => {
    await twoInstances(async (a, b) => {
      const held = await a.tryLock("push:telegram");
      expect(held).toBeDefined();
      expect(await b.tryLock("push:telegram")).toBeUndefined();
      expect(await a.tryLock("push:telegram")).toBeUndefined();
      await held!.release();
      const taken = await b.tryLock("push:telegram");
      expect(taken).toBeDefined();
      await taken!.release();
    });
  });

  it("frees a dead holder's lock at once: the lock lives and dies with its connection", async () => {
    await twoInstances(async (a, b, url) => {
      expect(await a.tryLock("push:telegram")).toBeDefined();
      // What the server sees when an instance is killed: its sessions end.
      await sql(url, "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted");
      await expect.poll(async () => (await b.tryLock("push:telegram")) !== undefined, { timeout: 5000 }).toBe(true);
    });
  });

  it("closing a store gives up the locks it holds", async () => {
    await twoInstances(async (a, b) => {
      await a.tryLock("push:wechat");
      await a.close();
      const taken = await b.tryLock("push:wechat");
      expect(taken).toBeDefined();
      await taken!.release();
    });
  });

  it("keeps working after the server drops every connection (restart, failover)", async () => {
    const url = await server.createDatabase();
    const store = await openPostgresStore(url, { log: silentLogger() });
    await store.subscribe({ platform: "telegram", chatId: "1", isGroup: false, time: null });
    await sql(url, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'article-bot'");
    await store.subscribe({ platform: "telegram", chatId: "2", isGroup: false, time: null });
    expect((await store.listSubscriptions()).map((s) => s.chatId)).toEqual(["1", "2"]);
    await store.close();
  });

  it("has the server notice an instance whose host vanished within about a minute", async () => {
    const pool = createPool(await server.createDatabase(), silentLogger());
    const { rows } = await pool.query(
      "SELECT current_setting('tcp_keepalives_idle') AS idle, current_setting('tcp_keepalives_count') AS count",
    );
    await pool.end();
    expect(rows).toEqual([{ idle: "30", count: "3" }]);
  });

  it("fails to open with a clear error when the server cannot be reached", async () => {
    const url = `postgres://postgres@127.0.0.1:${server.port}/no_such_database`;
    await expect(openPostgresStore(url, { connectTimeoutMs: 2000 })).rejects.toThrow(/no_such_database/);
  });
});

describePostgres("PostgreSQL migrations", () => {
  it("applies only the steps a database has not had, and never twice", async () => {
    const url = await server.createDatabase();
    const pool = new pg.Pool({ connectionString: url });
    const extra = { version: 999, name: "test column", sql: "ALTER TABLE kv ADD COLUMN note TEXT" };
    expect(await migratePostgres(pool)).toEqual(postgresMigrations.map((m) => m.version));
    expect(await migratePostgres(pool, [...postgresMigrations, extra])).toEqual([999]);
    expect(await migratePostgres(pool, [...postgresMigrations, extra])).toEqual([]);
    await pool.end();
  });

  it("rolls a failing step back completely", async () => {
    const url = await server.createDatabase();
    const pool = new pg.Pool({ connectionString: url });
    const broken = { version: 1000, name: "broken", sql: "CREATE TABLE half (x int); SELECT * FROM missing_table;" };
    await expect(migratePostgres(pool, [...postgresMigrations, broken])).rejects.toThrow(/missing_table/);
    expect(await sql(url, "SELECT to_regclass('half') AS half")).toEqual([{ half: null }]);
    expect(await sql(url, "SELECT version FROM schema_migrations WHERE version = 1000")).toEqual([]);
    await pool.end();
  });
});

describe("choosing the backend", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "article-bot-open-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("recognises postgres:// and postgresql:// URLs only", () => {
    expect(isPostgresUrl("postgres://u:p@db/bot")).toBe(true);
    expect(isPostgresUrl("postgresql://db/bot")).toBe(true);
    expect(isPostgresUrl("POSTGRES://db/bot")).toBe(true);
    expect(isPostgresUrl("sqlite:///tmp/x.sqlite")).toBe(false);
    expect(isPostgresUrl("mysql://db/bot")).toBe(false);
    expect(isPostgresUrl("")).toBe(false);
    expect(isPostgresUrl(undefined)).toBe(false);
  });

  it.runIf(postgresRuns)("uses PostgreSQL when DATABASE_URL points at it", async () => {
    const url = await server.createDatabase();
    const store = await openStore(loadConfig({ DATA_DIR: dir, DATABASE_URL: url }), silentLogger());
    await store.subscribe({ platform: "telegram", chatId: "9", isGroup: false, time: null });
    await store.close();
    expect(await sql(url, "SELECT chat_id FROM subscriptions")).toEqual([{ chat_id: "9" }]);
  });

  it("keeps embedded SQLite when DATABASE_URL is unset or not a PostgreSQL URL", async () => {
    for (const env of [{ DATA_DIR: dir }, { DATA_DIR: dir, DATABASE_URL: "mysql://db/bot" }]) {
      const store = await openStore(loadConfig(env), silentLogger());
      await store.subscribe({ platform: "telegram", chatId: "9", isGroup: false, time: null });
      await store.close();
    }
    const sqlite = await openStore(loadConfig({ DATA_DIR: dir }), silentLogger());
    expect(await sqlite.listSubscriptions()).toHaveLength(1);
    await sqlite.close();
  });

  it("never shows the database password", () => {
    expect(redactUrl("postgres://bot:s3cret@db.example:5432/bot")).toBe("postgres://bot:***@db.example:5432/bot");
    expect(redactUrl("postgres://db.example/bot")).toBe("postgres://db.example/bot");
    expect(redactUrl("not a url")).not.toContain("not a url");
  });
});

describe("the throwaway test server", () => {
  const empty = mkdtempSync(path.join(os.tmpdir(), "article-bot-no-pg-"));
  afterAll(() => rmSync(empty, { recursive: true, force: true }));

  it("explains how to install the PostgreSQL binaries when they are missing", () => {
    expect(() => findPostgresBin({ PG_BIN: empty })).toThrow(/apt-get install -y postgresql/);
  });

  it("lets the PostgreSQL specs skip with that hint on a machine without them, but never under CI=true", () => {
    expect(postgresSkipReason({ PG_BIN: empty })).toMatch(/^PostgreSQL specs skipped: .*apt-get install -y postgresql/);
    expect(postgresSkipReason({ PG_BIN: empty, CI: "true" })).toBeUndefined();
  });

  it.runIf(postgresRuns && !process.env.PG_BIN)("runs the PostgreSQL specs where the binaries are installed", () => {
    expect(postgresSkipReason({})).toBeUndefined();
  });
});
