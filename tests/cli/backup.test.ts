import { execFile, spawn } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { migrations } from "../../src/store/migrations.ts";
import { migrate, openSqliteStore } from "../../src/store/sqlite.ts";

const BIN = fileURLToPath(new URL("../../bin/article-bot.js", import.meta.url));
const SUBSCRIBER = fileURLToPath(new URL("../fixtures/backup/subscriber.ts", import.meta.url));
const tmp = mkdtempSync(path.join(os.tmpdir(), "article-bot-backup-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let dirs = 0;
/** A fresh data directory. */
function dataDir(): string {
  const dir = path.join(tmp, `data-${++dirs}`);
  mkdirSync(dir);
  return dir;
}

/** Run the real CLI; resolves to its exit code and output. */
function cli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...process.env, DATABASE_URL: "", ...env }, timeout: 60_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Chat ids of the subscriptions in a data directory's database, in order. */
function subscribedChats(dir: string): number[] {
  const db = new Database(path.join(dir, "article-bot.sqlite"), { readonly: true });
  try {
    return db
      .prepare("SELECT chat_id FROM subscriptions")
      .all()
      .map((r) => Number((r as { chat_id: string }).chat_id))
      .sort((a, b) => a - b);
  } finally {
    db.close();
  }
}

/** Files in a data directory besides the database and its journal files. */
function otherFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => !/^article-bot\.sqlite(-wal|-shm)?$/.test(f));
}

/** New-article announcements for these Telegram chats. */
async function subscribeNews(dir: string, chatIds: string[]): Promise<void> {
  const store = await openSqliteStore(path.join(dir, "article-bot.sqlite"));
  for (const chatId of chatIds)
    await store.subscribeNews({ platform: "telegram", chatId, isGroup: false, keywords: [] });
  await store.close();
}

async function subscribe(dir: string, chatIds: string[]): Promise<void> {
  const store = await openSqliteStore(path.join(dir, "article-bot.sqlite"));
  for (const chatId of chatIds) await store.subscribe({ platform: "telegram", chatId, isGroup: false, time: null });
  await store.close();
}

describe("article-bot backup and restore", () => {
  it("backs up while another process writes 100 subscriptions: the restore holds every row committed before the backup began, none half", async () => {
    const source = dataDir();
    const writer = spawn(
      process.execPath,
      ["--import", "tsx", SUBSCRIBER, path.join(source, "article-bot.sqlite"), "100", "30"],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let committed = 0;
    writer.stdout.on("data", (chunk: Buffer) => (committed += chunk.toString().split("\n").filter(Boolean).length));
    const writerDone = new Promise((resolve) => writer.once("exit", resolve));
    while (committed < 20) await new Promise((resolve) => setTimeout(resolve, 20));

    const committedBefore = committed;
    const backup = await cli(["backup", path.join(tmp, "during.backup"), "--data", source]);
    const committedAfter = committed;
    await writerDone;

    expect(backup).toMatchObject({ code: 0, stderr: "" });
    expect(committedBefore).toBeLessThan(100);
    expect(committedAfter, "rows were written while the backup ran").toBeGreaterThan(committedBefore);
    const target = dataDir();
    expect((await cli(["restore", path.join(tmp, "during.backup"), "--data", target])).code).toBe(0);
    const rows = subscribedChats(target);
    // One consistent snapshot: the first k subscriptions, k between what was committed when it began and when it ended.
    expect(rows.length).toBeGreaterThanOrEqual(committedBefore);
    expect(rows.length).toBeLessThanOrEqual(committedAfter);
    expect(rows).toEqual([...Array(rows.length).keys()]);
    expect(backup.stdout).toBe(
      `backed up ${rows.length} daily-image subscriptions, 0 new-article subscriptions, 0 deliveries to ${path.join(tmp, "during.backup")}\n`,
    );

    // Taken again after the writer is done, the backup has all 100.
    expect((await cli(["backup", path.join(tmp, "after.backup"), "--data", source])).code).toBe(0);
    const again = dataDir();
    expect((await cli(["restore", path.join(tmp, "after.backup"), "--data", again])).code).toBe(0);
    expect(subscribedChats(again)).toEqual([...Array(100).keys()]);
  });

  it("carries the WeChat login session, replaces the database atomically and keeps the one it replaced", async () => {
    const source = dataDir();
    await subscribe(source, ["1", "2", "3"]);
    await subscribeNews(source, ["4", "5"]);
    writeFileSync(path.join(source, "article-bot.memory-card.json"), '{"login":"session of the bot account"}');
    const file = path.join(tmp, "session.backup");
    const backup = await cli(["backup", file, "--data", source]);
    expect(backup.stdout).toBe(
      `backed up 3 daily-image subscriptions, 2 new-article subscriptions, 0 deliveries and the WeChat session (article-bot.memory-card.json) to ${file}\n`,
    );
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // One SQLite file: the bot's tables, and the session and manifest in article_bot_backup.
    const db = new Database(file, { readonly: true });
    expect(db.prepare("SELECT name FROM article_bot_backup ORDER BY name").all()).toEqual([
      { name: "article-bot-backup.json" },
      { name: "article-bot.memory-card.json" },
    ]);
    expect(db.prepare("SELECT count(*) AS n FROM subscriptions").get()).toEqual({ n: 3 });
    db.close();

    const target = dataDir();
    await subscribe(target, ["99"]);
    writeFileSync(path.join(target, "article-bot.memory-card.json"), '{"login":"another account"}');
    // A backup copied around readable by all, over a database an earlier version created readable by all.
    chmodSync(file, 0o644);
    chmodSync(path.join(target, "article-bot.sqlite"), 0o644);
    const restore = await cli(["restore", file, "--data", target]);
    expect(restore.code).toBe(0);
    expect(restore.stdout).toMatch(
      /^restored 3 daily-image subscriptions, 2 new-article subscriptions, 0 deliveries and the WeChat session \(article-bot\.memory-card\.json\) from the backup of \d{4}-/,
    );
    expect(restore.stdout).toContain(
      `the database it replaced is kept as ${path.join(target, "article-bot.sqlite.before-restore")}`,
    );
    expect(subscribedChats(target)).toEqual([1, 2, 3]);
    expect(readFileSync(path.join(target, "article-bot.memory-card.json"), "utf8")).toBe(
      '{"login":"session of the bot account"}',
    );
    expect(readFileSync(path.join(target, "article-bot.memory-card.json.before-restore"), "utf8")).toBe(
      '{"login":"another account"}',
    );
    for (const f of ["article-bot.sqlite", "article-bot.sqlite.before-restore", "article-bot.memory-card.json"])
      expect(statSync(path.join(target, f)).mode & 0o777, f).toBe(0o600);
    // The restored database is the bot's again: it opens and takes writes.
    await subscribe(target, ["4"]);
    expect(subscribedChats(target)).toEqual([1, 2, 3, 4]);
    expect(otherFiles(target).filter((f) => !f.endsWith(".before-restore"))).toEqual(["article-bot.memory-card.json"]);
  });

  it("refuses to restore while the bot has the database open, and changes nothing", async () => {
    const source = dataDir();
    await subscribe(source, ["1"]);
    expect((await cli(["backup", path.join(tmp, "one.backup"), "--data", source])).code).toBe(0);
    const running = dataDir();
    const bot = await openSqliteStore(path.join(running, "article-bot.sqlite"));
    try {
      await bot.subscribe({ platform: "wechat", chatId: "room@chatroom", isGroup: true, time: null });
      const restore = await cli(["restore", path.join(tmp, "one.backup"), "--data", running]);
      expect(restore.code).toBe(1);
      expect(restore.stderr).toMatch(/article-bot\.sqlite is in use: stop the bot first .*; nothing was changed\n$/);
      expect((await bot.listSubscriptions()).map((s) => s.chatId)).toEqual(["room@chatroom"]);
    } finally {
      await bot.close();
    }
    expect(existsSync(path.join(running, "article-bot.sqlite.before-restore"))).toBe(false);
  });

  it("refuses what is not a backup, or holds a damaged database, and changes nothing", async () => {
    const target = dataDir();
    await subscribe(target, ["7"]);
    const notes = path.join(tmp, "notes.txt");
    writeFileSync(notes, "这不是备份\n".repeat(200));
    const damaged = path.join(tmp, "damaged.backup");
    writeFileSync(damaged, "SQLite format 3\0".padEnd(4096, "x"));
    // The bot's own database file is not a backup (an operator's `cp` of it may have lost rows to the -wal).
    const plain = dataDir();
    await subscribe(plain, ["8"]);

    const cases: Array<[string, RegExp]> = [
      [notes, /not an SQLite database: .*; nothing was changed/],
      [damaged, /(not an SQLite database|damaged).*; nothing was changed/],
      [
        path.join(plain, "article-bot.sqlite"),
        /is an SQLite database but not an article-bot backup \(no article_bot_backup table\); nothing was changed/,
      ],
      [path.join(tmp, "missing.backup"), /missing\.backup: no such file; nothing was changed/],
    ];
    for (const [file, message] of cases) {
      const restore = await cli(["restore", file, "--data", target]);
      expect(restore.code, file).toBe(1);
      expect(restore.stderr.trim().split("\n")).toHaveLength(1);
      expect(restore.stderr).toMatch(message);
    }
    expect(subscribedChats(target)).toEqual([7]);
    expect(otherFiles(target)).toEqual([]);
  });

  it("refuses a backup whose schema is not exactly the bot's — a trigger, a view, a table changed or added — and changes nothing", async () => {
    const source = dataDir();
    await subscribe(source, ["1"]);
    const good = path.join(tmp, "schema-good.backup");
    expect((await cli(["backup", good, "--data", source])).code).toBe(0);
    const hostile: Array<[string, string, RegExp]> = [
      // Every new subscription would vanish as it is made.
      [
        "trigger",
        "CREATE TRIGGER wipe AFTER INSERT ON subscriptions BEGIN DELETE FROM subscriptions; END",
        /unexpected trigger wipe on subscriptions/,
      ],
      // Counting its rows never ends: restore used to hang here.
      [
        "recursive view",
        "DROP TABLE subscriptions; CREATE VIEW subscriptions AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT 'telegram' AS platform, i AS chat_id FROM n",
        /unexpected view subscriptions.*table subscriptions is missing/,
      ],
      [
        "changed table",
        "DROP TABLE kv; CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL CHECK (0))",
        /table kv is not the bot's/,
      ],
      ["extra index", "CREATE INDEX by_time ON subscriptions (time)", /unexpected index by_time on subscriptions/],
      ["another table", "CREATE TABLE notes (text TEXT)", /unexpected table notes/],
      [
        "false migration record",
        "INSERT INTO schema_migrations VALUES (99, 'from the future', '2030-01-01')",
        /schema_migrations records versions 1,2,3,99, but the tables are those of version 3/,
      ],
    ];
    const target = dataDir();
    await subscribe(target, ["7"]);
    for (const [name, sql, message] of hostile) {
      const file = path.join(tmp, `schema-${name.replaceAll(" ", "-")}.backup`);
      writeFileSync(file, readFileSync(good));
      const db = new Database(file);
      db.exec(sql);
      db.close();
      const restore = await cli(["restore", file, "--data", target]);
      expect(restore.code, name).toBe(1);
      expect(restore.stderr, name).toMatch(
        /^article-bot restore: the database's schema is not article-bot's: .*; nothing was changed\n$/,
      );
      expect(restore.stderr, name).toMatch(message);
    }
    expect(subscribedChats(target)).toEqual([7]);
    expect(otherFiles(target)).toEqual([]);
  }, 120_000);

  it("restores a backup of an older version's database, which the bot then migrates", async () => {
    const source = dataDir();
    const db = new Database(path.join(source, "article-bot.sqlite"));
    migrate(db, migrations.slice(0, 2));
    db.prepare(
      "INSERT INTO subscriptions (platform, chat_id, is_group, time, created_at) VALUES ('telegram', '3', 0, NULL, '2025-01-01')",
    ).run();
    db.close();
    const file = path.join(tmp, "older.backup");
    expect((await cli(["backup", file, "--data", source])).code).toBe(0);
    const target = dataDir();
    expect(await cli(["restore", file, "--data", target])).toMatchObject({ code: 0, stderr: "" });
    await subscribe(target, ["4"]);
    expect(subscribedChats(target)).toEqual([3, 4]);
  }, 60_000);

  it("writes nothing outside the data directory: entries with paths or other names are skipped and named", async () => {
    const source = dataDir();
    await subscribe(source, ["1"]);
    const file = path.join(tmp, "hostile.backup");
    expect((await cli(["backup", file, "--data", source])).code).toBe(0);
    const extra = mkdtempSync(path.join(tmp, "extra-"));
    const outside = [
      `../${path.basename(extra)}/evil.memory-card.json`,
      path.join(extra, "run.sh"),
      "article-bot.sqlite",
    ];
    const db = new Database(file);
    for (const name of outside)
      db.prepare("INSERT INTO article_bot_backup (name, content) VALUES (?, ?)").run(name, Buffer.from("rm -rf /"));
    db.close();

    const target = dataDir();
    const restore = await cli(["restore", file, "--data", target]);
    expect(restore.code).toBe(0);
    for (const name of outside)
      expect(restore.stderr).toContain(`skipped ${JSON.stringify(name)}: not part of an article-bot backup`);
    expect(otherFiles(target)).toEqual([]);
    expect(readdirSync(extra)).toEqual([]);
    expect(subscribedChats(target)).toEqual([1]);
  });

  it("streams through stdout and stdin with `-`, to get a backup out of a container and back in", async () => {
    const source = dataDir();
    await subscribe(source, ["5", "6"]);
    writeFileSync(path.join(source, "article-bot.memory-card.json"), "{}");
    const out = await new Promise<{ code: number; stdout: Buffer; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [BIN, "backup", "-", "--data", source],
        { encoding: "buffer", env: { ...process.env, DATABASE_URL: "" } },
        (err, stdout, stderr) => resolve({ code: err ? 1 : 0, stdout, stderr: stderr.toString() }),
      );
    });
    expect(out.code).toBe(0);
    expect(out.stderr).toBe(
      "backed up 2 daily-image subscriptions, 0 new-article subscriptions, 0 deliveries and the WeChat session (article-bot.memory-card.json) to stdout\n",
    );

    const target = dataDir();
    const restore = spawn(process.execPath, [BIN, "restore", "-", "--data", target], {
      env: { ...process.env, DATABASE_URL: "" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    restore.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    restore.stdin.end(out.stdout);
    expect(await new Promise((resolve) => restore.once("exit", resolve))).toBe(0);
    expect(stdout).toMatch(
      /^restored 2 daily-image subscriptions, 0 new-article subscriptions, 0 deliveries and the WeChat session/,
    );
    expect(subscribedChats(target)).toEqual([5, 6]);
    expect(readFileSync(path.join(target, "article-bot.memory-card.json"), "utf8")).toBe("{}");
  });

  it("sends PostgreSQL users to pg_dump, and explains its usage", async () => {
    const dir = dataDir();
    const pgBackup = await cli(["backup", path.join(tmp, "pg.backup"), "--data", dir], {
      DATABASE_URL: "postgres://bot:s3cret@127.0.0.1:1/bot",
    });
    expect(pgBackup).toMatchObject({ code: 1, stdout: "" });
    expect(pgBackup.stderr).toContain("back it up with pg_dump");
    expect(pgBackup.stderr).not.toContain("s3cret");

    const noDatabase = await cli(["backup", path.join(tmp, "none.backup"), "--data", dir]);
    expect(noDatabase.code).toBe(1);
    expect(noDatabase.stderr).toMatch(/no database at .*article-bot\.sqlite .*; nothing was written\n$/);
    expect(existsSync(path.join(tmp, "none.backup"))).toBe(false);

    for (const args of [["backup"], ["restore"], ["backup", "a.backup", "b.backup"]]) {
      const usage = await cli(args);
      expect(usage.code).toBe(2);
      expect(usage.stderr).toContain(`usage: article-bot ${args[0]} <file | ->`);
    }
  });
});
