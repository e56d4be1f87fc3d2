import { writeFile } from "node:fs/promises";
import { createServer, type AddressInfo } from "node:net";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  afterThisTest,
  alive,
  cleanUpAfterEach,
  descendants,
  refusingApiRoot,
  REPO,
  silentServer,
  startBotProcess,
  type BotProcess,
} from "../helpers/bot-process.ts";
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

/** Poll `/healthz` until `done(body)` (no deadline: a loaded machine may take long; the runner's guard ends a hang). */
async function healthUntil(url: string, done: (body: any) => boolean) {
  for (;;) {
    const h = await health(url);
    if (done(h.body)) return h;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * SIGTERM the process; resolves with its exit code once it and every
 * process it started are gone. How long that may take is the bot's own
 * business: its hard exit ends a stop that hangs 9 s after the signal, by
 * its own clock (src/cli/shutdown.ts), and says so on stderr; the specs
 * check that line instead of racing a wall-clock deadline of their own.
 */
async function terminate(p: BotProcess, pid = p.child.pid!): Promise<{ code: number | null }> {
  const tree = [pid, ...descendants(pid)];
  process.kill(pid, "SIGTERM");
  const { code } = await p.exited;
  while (tree.some(alive)) await new Promise((r) => setTimeout(r, 50));
  return { code };
}

/** The bot's own word that its stop hung until the hard exit (see {@link terminate}). */
const HUNG = "still stopping";

describe("start-up when Telegram cannot be reached", () => {
  it("answers /healthz while the Bot API refuses connections: telegram not connected, with the error; the push runs", async () => {
    bot = await startBotProcess({ env: { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: await refusingApiRoot() } });
    const url = await bot.healthz();
    const { status, body } = await healthUntil(url, (b) => b.adapters[0]?.state === "retrying");
    expect(status).toBe(503);
    expect(body).toMatchObject({
      status: "degraded",
      adapters: [
        {
          platform: "telegram",
          connected: false,
          state: "retrying",
          lastError: expect.stringContaining("ECONNREFUSED"),
        },
      ],
    });
    await bot.waitForLog(/push scheduler started/);
    // The log line and the HTTP answer travel on different pipes: wait for the line.
    await bot.waitForLog(/adapter could not start; will retry/);
    expect(bot.stderr()).not.toMatch(/^\s+at /m);
  });

  it("answers /healthz while the Bot API accepts connections and never answers (before getMe gives up), and gives up each getMe after 10 s", async () => {
    const silent = await silentServer();
    afterThisTest(() => silent.close());
    bot = await startBotProcess({ env: { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: silent.url } });
    const url = await bot.healthz();
    const first = await health(url);
    // Still "starting": the answer came while getMe hung, so start-up does not wait for Telegram.
    expect(first.status).toBe(503);
    expect(first.body.adapters).toEqual([
      expect.objectContaining({ platform: "telegram", connected: false, state: "starting" }),
    ]);
    const { body } = await healthUntil(url, (b) => b.adapters[0]?.state === "retrying");
    expect(body.adapters[0].lastError).toBe("Telegram did not answer getMe within 10 s");
  });

  it("ends on SIGTERM during start-up (getMe hanging) without its hard exit, leaving no process behind", async () => {
    const silent = await silentServer();
    afterThisTest(() => silent.close());
    bot = await startBotProcess({ env: { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: silent.url } });
    await bot.healthz();
    while (silent.connections() === 0) await new Promise((r) => setTimeout(r, 20));
    const { code } = await terminate(bot);
    expect(code).toBe(0);
    expect(bot.stderr()).not.toContain(HUNG);
  });

  it("ends on SIGTERM while still loading, before anything listens, leaving no process behind", async () => {
    const silent = await silentServer();
    afterThisTest(() => silent.close());
    bot = await startBotProcess({ env: { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: silent.url } });
    await new Promise((r) => setTimeout(r, 300));
    // A library load that cannot be interrupted may end by the bot's hard exit (9 s by its own clock): both are fine.
    await terminate(bot);
  });
});

describe("fatal configuration", () => {
  it("exits 1 with one line, without its hard exit, when Telegram answers 401 to the token", async () => {
    const tg = await FakeTelegram.start();
    afterThisTest(() => tg.close());
    bot = await startBotProcess({
      env: { TELEGRAM_BOT_TOKEN: "654321:WRONG-token-from-botfather-paste", TELEGRAM_API_ROOT: tg.apiRoot },
    });
    const { code } = await bot.exited;
    expect(code).toBe(1);
    expect(bot.stderr()).not.toContain(HUNG);
    expect(bot.stderr()).toContain(
      "article-bot: Telegram rejected TELEGRAM_BOT_TOKEN (401 Unauthorized): check the token with @BotFather\n",
    );
    expect(bot.stderr()).not.toMatch(/^\s+at /m);
    expect(bot.stderr()).not.toContain("WRONG-token");
  });

  it("exits 1 with one line naming the file when the database file is corrupt", async () => {
    bot = await startBotProcess({
      prepare: (dir) =>
        writeFile(
          path.join(dir, "data", "article-bot.sqlite"),
          "this is not a database, it is a text file ".repeat(200),
        ),
    });
    const { code } = await bot.exited;
    expect(code).toBe(1);
    expect(bot.stderr()).toContain(
      `article-bot: could not start: database ${path.join(bot.dir, "data", "article-bot.sqlite")} is not an SQLite database (file is not a database): restore`,
    );
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
  it("SIGTERM to npm ends the bot and every process npm started, without the bot's hard exit", async () => {
    const tg = await FakeTelegram.start();
    afterThisTest(() => tg.close());
    bot = await startBotProcess({
      env: { TELEGRAM_BOT_TOKEN: tg.token, TELEGRAM_API_ROOT: tg.apiRoot },
      command: { file: "npm", args: ["start", "--silent"], cwd: REPO },
    });
    const url = await bot.healthz();
    await healthUntil(url, (b) => b.status === "ok");
    await terminate(bot);
    expect(bot.stderr()).not.toContain(HUNG);
  });
});
