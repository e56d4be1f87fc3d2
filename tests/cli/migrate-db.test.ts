import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Clock } from "../../src/clock.ts";
import { openPostgresStore } from "../../src/store/postgres.ts";
import { openSqliteStore } from "../../src/store/sqlite.ts";
import type { Store } from "../../src/store/store.ts";
import { describePostgres, postgresRuns, startPostgres, type PostgresServer } from "../helpers/postgres.ts";

const exec = promisify(execFile);
const BIN = fileURLToPath(new URL("../../bin/article-bot.js", import.meta.url));
const DAYS = ["2026-11-24", "2026-11-25"];

let server: PostgresServer;
let dir = "";
beforeAll(async () => {
  if (postgresRuns) server = await startPostgres();
  dir = await mkdtemp(path.join(os.tmpdir(), "article-bot-migrate-"));
});
afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Run the real CLI; resolves to its exit code and output. */
async function cli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [BIN, "migrate-db", ...args], {
      env: { ...process.env, DATABASE_URL: "", ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

let files = 0;
/** A bot's SQLite database after some use: subscribers (more than one copy batch), two days of pushes, a cached file_id. */
async function usedSqlite(subscribers = 1200): Promise<string> {
  const file = path.join(dir, `bot-${++files}`, "article-bot.sqlite");
  let now = Date.parse("2026-11-01T00:00:00Z");
  const clock: Clock = { now: () => new Date((now += 1000)) };
  const store = await openSqliteStore(file, { clock });
  await store.subscribe({ platform: "telegram", chatId: "-100200", isGroup: true, time: "21:30" });
  await store.subscribe({
    platform: "wechat",
    chatId: "wxid_😀'\"; DROP TABLE subscriptions;--",
    isGroup: false,
    time: null,
  });
  for (let i = 0; i < subscribers; i++)
    await store.subscribe({ platform: "telegram", chatId: String(10_000 + i), isGroup: false, time: null });
  for (const day of DAYS) {
    for (let i = 0; i < subscribers; i++) {
      await store.claimDelivery("telegram", String(10_000 + i), day, "old-instance", 60_000);
      if (i % 100 === 7) await store.failDelivery("telegram", String(10_000 + i), day, "transient: HTTP 502");
      else if (i % 100 !== 8) await store.confirmDelivery("telegram", String(10_000 + i), day);
    }
  }
  await store.setValue("telegram:123:photo:https://mmbiz.qpic.cn/a.jpg", "AgAD-file-id");
  await store.subscribeNews({ platform: "telegram", chatId: "-100200", isGroup: true, keywords: ["墨荷", "AI"] });
  await store.markSeen(["槽边往事/黄狗追呀追", "记忆承载/墨荷"]);
  await store.subscribe({ platform: "telegram", chatId: "-100300", isGroup: true, time: null, threadId: "45" });
  await store.subscribeNews({ platform: "telegram", chatId: "-100400", isGroup: true, keywords: [], channel: true });
  await store.updateGroupSettings(
    "wechat",
    "room@chatroom",
    { state: "enabled", linkPreview: false, results: 2, quietHours: { start: "22:00", end: "08:00" } },
    "wechat:wxid_bob",
  );
  await store.updateGroupSettings("telegram", "-100300", { triggers: ["!"], accounts: ["槽边往事"] });
  await store.close();
  return file;
}

/** Everything a store holds, as the bot sees it through the Store interface. */
async function contents(store: Store) {
  return {
    subscriptions: await store.listSubscriptions(),
    deliveries: await Promise.all(DAYS.map((d) => store.listDeliveries(d))),
    cached: await store.getValue("telegram:123:photo:https://mmbiz.qpic.cn/a.jpg"),
    news: await store.listNewsSubscriptions(),
    groups: await store.listGroupSettings(),
    // Already seen: nothing comes back as new.
    seen: await store.markSeen(["槽边往事/黄狗追呀追", "记忆承载/墨荷"]),
  };
}

async function withStore<T>(open: Promise<Store>, body: (store: Store) => Promise<T>): Promise<T> {
  const store = await open;
  try {
    return await body(store);
  } finally {
    await store.close();
  }
}

describePostgres("article-bot migrate-db", () => {
  it("moves subscriptions, the delivery log and cached values to PostgreSQL, unchanged", async () => {
    const file = await usedSqlite();
    const url = await server.createDatabase();
    const before = readFileSync(file);

    const { code, stdout } = await cli(["--from", file, "--to", url]);

    expect(code).toBe(0);
    expect(stdout).toMatch(/subscriptions\s+1203 read,\s+1203 copied,\s+0 already there/);
    expect(stdout).toMatch(/delivery log\s+2400 read,\s+2400 copied/);
    expect(stdout).toMatch(/cached values\s+1 read,\s+1 copied/);
    expect(stdout).toMatch(/new-article subscriptions\s+2 read,\s+2 copied/);
    expect(stdout).toMatch(/group settings\s+2 read,\s+2 copied/);
    expect(stdout).toMatch(/articles seen\s+2 read,\s+2 copied/);
    const original = await withStore(openSqliteStore(file), contents);
    expect(await withStore(openPostgresStore(url), contents)).toEqual(original);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it("can be run again: it copies only what is missing and keeps what PostgreSQL has", async () => {
    const file = await usedSqlite(10);
    const url = await server.createDatabase();
    expect((await cli(["--from", file, "--to", url])).code).toBe(0);
    // Meanwhile an instance on PostgreSQL changed a subscription.
    await withStore(openPostgresStore(url), (pg) =>
      pg.subscribe({ platform: "telegram", chatId: "-100200", isGroup: true, time: "06:00" }),
    );
    await withStore(openSqliteStore(file), (sqlite) =>
      sqlite.subscribe({ platform: "telegram", chatId: "new", isGroup: false, time: null }),
    );

    const again = await cli(["--from", file, "--to", url]);

    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/subscriptions\s+14 read,\s+1 copied,\s+13 already there/);
    expect(again.stdout).toMatch(/delivery log\s+20 read,\s+0 copied,\s+20 already there/);
    await withStore(openPostgresStore(url), async (pg) => {
      expect(await pg.getSubscription("telegram", "-100200")).toMatchObject({ time: "06:00" });
      expect(await pg.getSubscription("telegram", "new")).toBeDefined();
    });
  });

  it("defaults to the data directory's database and $DATABASE_URL", async () => {
    const file = await usedSqlite(3);
    const url = await server.createDatabase();
    const { code, stdout } = await cli(["--data", path.dirname(file)], { DATABASE_URL: url });
    expect(code).toBe(0);
    expect(stdout).toContain(file);
    expect(stdout).toMatch(/subscriptions\s+6 read,\s+6 copied/);
  });

  it("refuses a missing file, a non-PostgreSQL target and stray arguments", async () => {
    const url = await server.createDatabase();
    const [missing, mysql, noTarget, stray] = await Promise.all([
      cli(["--from", path.join(dir, "nope.sqlite"), "--to", url]),
      cli(["--from", "x.sqlite", "--to", "mysql://db/bot"]),
      cli(["--from", "x.sqlite"]),
      cli(["extra", "--to", url]),
    ]);
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining("no such SQLite file") });
    expect(mysql).toMatchObject({ code: 2, stderr: expect.stringContaining("postgres://") });
    expect(noTarget).toMatchObject({ code: 2, stderr: expect.stringContaining("missing --to") });
    expect(stray).toMatchObject({ code: 2, stderr: expect.stringContaining("unexpected argument") });
  });

  it("refuses a file that is not an article-bot database", async () => {
    const file = path.join(dir, "not-a-bot.sqlite");
    const Database = (await import("better-sqlite3")).default;
    new Database(file).exec("CREATE TABLE other (x)").close();
    const { code, stderr } = await cli(["--from", file, "--to", await server.createDatabase()]);
    expect(code).toBe(1);
    expect(stderr).toContain("not an article-bot database");
  });

  it("reports an unreachable server without showing the password", async () => {
    const file = await usedSqlite(1);
    const { code, stderr } = await cli([
      "--from",
      file,
      "--to",
      `postgres://bot:s3cret-pw@127.0.0.1:${server.port}/no_such_db`,
    ]);
    expect(code).toBe(1);
    expect(stderr).toContain("no rows were copied");
    expect(stderr).not.toContain("s3cret-pw");
  });
});
