import { writeFile } from "node:fs/promises";
import { createServer, type AddressInfo } from "node:net";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { afterThisTest, alive, cleanUpAfterEach, descendants, refusingApiRoot, REPO, silentServer, startBotProcess, type BotProcess } from "../helpers/bot-process.ts";
import { FakeTelegram } from "../helpers/fake-telegram.ts";

/**
 * `article-bot start` as a process, under the conditions operators meet:
 * the Bot API refusing connections, answering 401, or never answering;
 * SIGTERM during start-up; a corrupt database; `npm start` under a
 * supervisor. Every stand-in listens on 127.0.0.1.
 */

const TOKEN = "123456:TEST-TOKEN";
let bot: BotProcess | undefined;
cleanUpAfterEach();

async function health(url: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.json() };
}

/** Poll `/healthz` until `done(body)`; fails after `timeoutMs`. */
async function healthUntil(url: string, done: (body: any) => boolean, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const h = await health(url);
    if (done(h.body)) return h;
    if (Date.now() > deadline) throw new Error(`healthz never matched: ${JSON.stringify(h.body)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** SIGTERM the process, and resolve with how long the whole tree took to go. */
async function terminate(p: BotProcess, pid = p.child.pid!): Promise<{ ms: number; code: number | null; left: number[] }> {
  const tree = [pid, ...descendants(pid)];
  const sent = Date.now();
  process.kill(pid, "SIGTERM");
  const { code } = await p.exited;
  const deadline = sent + 10_000;
  while (tree.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return { ms: Date.now() - sent, code, left: tree.filter(alive) };
}

describe("start-up when Telegram cannot be reached", () => {
  it("answers /healthz within 15 s while the Bot API refuses connections: telegram not connected, with the error; the push runs", async () => {
    const started = Date.now();
    bot = await startBotProcess({ env: { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: await refusingApiRoot() } });
    const url = await bot.healthz();
    const { status, body } = await healthUntil(url, (b) => b.adapters[0]?.state === "retrying");
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(status).toBe(503);
    expect(body).toMatchObject({ status: "degraded", adapters: [{ platform: "telegram", connected: false, state: "retrying", lastError: expect.stringContaining("ECONNREFUSED") }] });
    await bot.waitForLog(/push scheduler started/);
    // The log line and the HTTP answer travel on different pipes: wait for the line.
    await bot.waitForLog(/adapter could not start; will retry/);
    expect(bot.stderr()).not.toMatch(/^\s+at /m);
  });

  it("answers /healthz within 15 s while the Bot API accepts connections and never answers, and gives up each getMe after 10 s", async () => {
    const silent = await silentServer();
    afterThisTest(() => silent.close());
    const started = Date.now();
    bot = await startBotProcess({ env: { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: silent.url } });
    const url = await bot.healthz();
    const first = await health(url);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(first.status).toBe(503);
    expect(first.body.adapters).toEqual([expect.objectContaining({ platform: "telegram", connected: false, state: "starting" })]);
    const { body } = await healthUntil(url, (b) => b.adapters[0]?.state === "retrying", 20_000);
    expect(body.adapters[0].lastError).toBe("Telegram did not answer getMe within 10 s");
  }, 30_000);

  it("ends on SIGTERM during start-up (getMe hanging) within 10 s, leaving no process behind", async () => {
    const silent = await silentServer();
    afterThisTest(() => silent.close());
    bot = await startBotProcess({ env: { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: silent.url } });
    await bot.healthz();
    while (silent.connections() === 0) await new Promise((r) => setTimeout(r, 20));
    const { ms, code, left } = await terminate(bot);
    expect(ms).toBeLessThan(10_000);
    expect(code).toBe(0);
    expect(left).toEqual([]);
  });

  it("ends on SIGTERM while still loading, before anything listens, within 10 s", async () => {
    const silent = await silentServer();
    afterThisTest(() => silent.close());
    bot = await startBotProcess({ env: { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: silent.url } });
    await new Promise((r) => setTimeout(r, 300));
    const { ms, left } = await terminate(bot);
    expect(ms).toBeLessThan(10_000);
    expect(left).toEqual([]);
  });
});

describe("fatal configuration", () => {
  it("exits 1 within 15 s with one line when Telegram answers 401 to the token", async () => {
    const tg = await FakeTelegram.start();
    afterThisTest(() => tg.close());
    const started = Date.now();
    bot = await startBotProcess({ env: { TELEGRAM_BOT_TOKEN: "654321:WRONG-token-from-botfather-paste", TELEGRAM_API_ROOT: tg.apiRoot } });
    const { code, at } = await bot.exited;
    expect(at - started).toBeLessThan(15_000);
    expect(code).toBe(1);
    expect(bot.stderr()).toContain("article-bot: Telegram rejected TELEGRAM_BOT_TOKEN (401 Unauthorized): check the token with @BotFather\n");
    expect(bot.stderr()).not.toMatch(/^\s+at /m);
    expect(bot.stderr()).not.toContain("WRONG-token");
  });

  it("exits 1 with one line naming the file when the database file is corrupt", async () => {
    bot = await startBotProcess({
      prepare: (dir) => writeFile(path.join(dir, "data", "article-bot.sqlite"), "this is not a database, it is a text file ".repeat(200)),
    });
    const { code } = await bot.exited;
    expect(code).toBe(1);
    expect(bot.stderr()).toContain(`article-bot: could not start: database ${path.join(bot.dir, "data", "article-bot.sqlite")} is not an SQLite database (file is not a database): restore`);
    expect(bot.stderr()).not.toMatch(/^\s+at /m);
  });

  it("closes what it opened (store, article watcher) and exits 1 at once when a later step fails: HTTP_PORT taken", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    afterThisTest(() => new Promise((resolve) => taken.close(() => resolve())));
    bot = await startBotProcess({ env: { HTTP_PORT: String((taken.address() as AddressInfo).port) } });
    const { code } = await bot.exited;
    expect(code).toBe(1);
    expect(bot.stderr()).toMatch(/article-bot: could not start: listen EADDRINUSE.*\n/);
    // Without closing the watcher the process would only end by the hard exit, 9 s later, saying so.
    expect(bot.stderr()).not.toContain("still stopping");
  });
});

describe("npm start under a supervisor", () => {
  it("SIGTERM to npm ends the bot and every process npm started, within 10 s", async () => {
    const tg = await FakeTelegram.start();
    afterThisTest(() => tg.close());
    bot = await startBotProcess({ env: { TELEGRAM_BOT_TOKEN: tg.token, TELEGRAM_API_ROOT: tg.apiRoot }, command: { file: "npm", args: ["start", "--silent"], cwd: REPO } });
    const url = await bot.healthz(30_000);
    await healthUntil(url, (b) => b.status === "ok");
    const { ms, left } = await terminate(bot);
    expect(ms).toBeLessThan(10_000);
    expect(left).toEqual([]);
  }, 40_000);
});
