import { mkdtempSync, rmSync, existsSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { migrations } from "../../src/store/migrations.ts";
import { migrate, openSqliteStore } from "../../src/store/sqlite.ts";
import { describeStoreContract, ManualClock } from "./store-contract.ts";

const dir = mkdtempSync(path.join(os.tmpdir(), "article-bot-sqlite-"));
let n = 0;
const freshFile = () => path.join(dir, `store-${++n}.sqlite`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeStoreContract("sqlite", (clock) => openSqliteStore(freshFile(), { clock }));

describe("SQLite store file", () => {
  it("creates missing parent directories", async () => {
    const file = path.join(dir, "nested", "deeper", "bot.sqlite");
    const store = await openSqliteStore(file);
    await store.close();
    expect(existsSync(file)).toBe(true);
  });

  it("keeps subscriptions, deliveries and cached values across reopening", async () => {
    const file = freshFile();
    const first = await openSqliteStore(file);
    await first.subscribe({ platform: "telegram", chatId: "5", isGroup: false, time: "21:30" });
    await first.claimDelivery("telegram", "5", "2026-11-25", "a", 60_000);
    await first.confirmDelivery("telegram", "5", "2026-11-25");
    await first.setValue("k", "v");
    await first.updateGroupSettings("wechat", "room@chatroom", {
      state: "enabled",
      results: 2,
      quietHours: { start: "22:00", end: "07:30" },
    });
    await first.subscribe({ platform: "telegram", chatId: "-100", isGroup: true, time: null, threadId: "45" });
    await first.close();

    const again = await openSqliteStore(file);
    expect(await again.getSubscription("telegram", "5")).toMatchObject({ time: "21:30" });
    expect((await again.listDeliveries("2026-11-25"))[0]?.status).toBe("sent");
    expect(await again.getValue("k")).toBe("v");
    expect(await again.getGroupSettings("wechat", "room@chatroom")).toMatchObject({
      state: "enabled",
      results: 2,
      quietHours: { start: "22:00", end: "07:30" },
    });
    expect(await again.getSubscription("telegram", "-100")).toMatchObject({ threadId: "45" });
    await again.close();
  });

  it("creates the database, its journal files and its folder private to the bot, whatever the umask", async () => {
    const file = path.join(dir, "private", "bot.sqlite");
    const umask = process.umask(0);
    try {
      const store = await openSqliteStore(file);
      await store.subscribe({ platform: "telegram", chatId: "5", isGroup: false, time: null });
      const mode = (f: string) => statSync(f).mode & 0o777;
      expect([file, `${file}-wal`, `${file}-shm`].map(mode)).toEqual([0o600, 0o600, 0o600]);
      expect(mode(path.dirname(file))).toBe(0o750);
      await store.close();
    } finally {
      process.umask(umask);
    }
  });

  it("uses write-ahead logging", async () => {
    const file = freshFile();
    await (await openSqliteStore(file)).close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    db.close();
  });

  it("applies each migration once, however often it is opened", async () => {
    const file = freshFile();
    await (await openSqliteStore(file)).close();
    await (await openSqliteStore(file)).close();
    const db = new Database(file);
    expect(migrate(db)).toEqual([]);
    const versions = db.prepare("SELECT version FROM schema_migrations ORDER BY version").all();
    expect(versions).toEqual(migrations.map((m) => ({ version: m.version })));
    db.close();
  });

  it("applies only migrations newer than the database", () => {
    const db = new Database(":memory:");
    const extra = { version: 999, name: "test column", sql: "ALTER TABLE kv ADD COLUMN note TEXT" };
    expect(migrate(db)).toEqual(migrations.map((m) => m.version));
    expect(migrate(db, [...migrations, extra])).toEqual([999]);
    expect(migrate(db, [...migrations, extra])).toEqual([]);
    db.close();
  });

  it("keeps the subscriptions of a database from before groups had settings (schema 2)", async () => {
    const file = freshFile();
    const old = new Database(file);
    migrate(
      old,
      migrations.filter((m) => m.version <= 2),
    );
    old
      .prepare(
        "INSERT INTO subscriptions (platform, chat_id, is_group, time, created_at) VALUES ('wechat', 'room@chatroom', 1, '08:00', '2026-01-01T00:00:00.000Z')",
      )
      .run();
    old
      .prepare(
        "INSERT INTO news_subscriptions (platform, chat_id, is_group, keywords, created_at) VALUES ('telegram', '5', 0, '[\"墨荷\"]', '2026-01-01T00:00:00.000Z')",
      )
      .run();
    old.close();
    const store = await openSqliteStore(file);
    expect(await store.listSubscriptions()).toEqual([
      {
        platform: "wechat",
        chatId: "room@chatroom",
        isGroup: true,
        time: "08:00",
        createdAt: "2026-01-01T00:00:00.000Z",
      },
    ]);
    expect(await store.listNewsSubscriptions()).toEqual([
      { platform: "telegram", chatId: "5", isGroup: false, keywords: ["墨荷"], createdAt: "2026-01-01T00:00:00.000Z" },
    ]);
    expect(await store.getGroupSettings("wechat", "room@chatroom")).toBeUndefined();
    await store.close();
  });

  it("rolls back a failing migration completely", () => {
    const db = new Database(":memory:");
    migrate(db);
    const broken = { version: 1000, name: "broken", sql: "CREATE TABLE half (x); SELECT * FROM missing_table;" };
    expect(() => migrate(db, [...migrations, broken])).toThrow();
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get()).toBeUndefined();
    expect(db.prepare("SELECT 1 FROM schema_migrations WHERE version = 1000").get()).toBeUndefined();
    db.close();
  });

  it("shares claims between two handles on the same file (a restarted process)", async () => {
    const file = freshFile();
    const clock = new ManualClock();
    const a = await openSqliteStore(file, { clock });
    const b = await openSqliteStore(file, { clock });
    expect(await a.claimDelivery("telegram", "1", "2026-11-25", "proc-a", 60_000)).toBe(true);
    expect(await b.claimDelivery("telegram", "1", "2026-11-25", "proc-b", 60_000)).toBe(false);
    await a.close();
    await b.close();
  });
});
