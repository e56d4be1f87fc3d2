import { Writable } from "node:stream";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/log.ts";
import { Metrics } from "../../src/observability/metrics.ts";
import { messageObserver } from "../../src/observability/message-log.ts";
import type { Store } from "../../src/store/store.ts";
import { RepeatedFailures } from "../../src/util/repeated-failures.ts";
import { dm, testBotPerTest } from "../helpers/bot.ts";

const testBot = testBotPerTest();

/** A logger writing JSON lines the test reads, whose minutes end when the test says so. */
function minuteLog() {
  const raw: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      raw.push(...chunk.toString().split("\n").filter(Boolean));
      done();
    },
  });
  let due: Array<() => void> = [];
  const repeats = new RepeatedFailures(60_000, (run) => void due.push(run));
  const endMinute = () => {
    const now = due;
    due = [];
    for (const run of now) run();
  };
  const log = createLogger({ level: "info", destination, repeats });
  return {
    log,
    endMinute,
    lines: () => raw.map((l) => JSON.parse(l) as Record<string, any>),
    bytes: () => raw.reduce((n, l) => n + l.length + 1, 0),
  };
}

/** A bot whose every 订阅 fails like a store on a full disk. */
async function fullDiskBot(log: ReturnType<typeof minuteLog>["log"]) {
  const full = new Database.SqliteError("database or disk is full", "SQLITE_FULL");
  return testBot({
    log,
    observe: messageObserver(log, new Metrics()),
    store: Object.assign(Object.create((await testBot()).store) as Store, {
      subscribe: async () => Promise.reject(full),
    }),
  });
}

const failed = (lines: Array<Record<string, any>>) => lines.filter((l) => l.msg === "message failed");

describe("repeated failures in the log", () => {
  it("writes a full disk met by 200 chats as one line with the stack, then one line a minute with the count", async () => {
    const { log, lines, endMinute } = minuteLog();
    const { bot } = await fullDiskBot(log);
    for (let i = 0; i < 200; i++) await bot.handle(dm("订阅", { chatId: `u${i}`, userId: `u${i}` }));
    expect(failed(lines())).toHaveLength(1);
    expect(failed(lines())[0]).toMatchObject({
      level: 50,
      command: "subscribe",
      err: { code: "SQLITE_FULL", stack: expect.stringContaining("SqliteError") },
    });

    endMinute();
    expect(failed(lines())).toHaveLength(2);
    expect(failed(lines())[1]).toMatchObject({
      level: 50,
      command: "subscribe",
      repeated: 199,
      err: { type: "SqliteError", code: "SQLITE_FULL", message: "database or disk is full" },
    });
    expect(failed(lines())[1]!.err.stack).toBeUndefined();

    // Still failing: one more line a minute.
    for (let i = 0; i < 50; i++) await bot.handle(dm("订阅", { chatId: `u${i}`, userId: `u${i}` }));
    expect(failed(lines())).toHaveLength(2);
    endMinute();
    expect(failed(lines())[2]).toMatchObject({ repeated: 50 });
  });

  it("forgets a class after a quiet minute: its next failure is written in full again", async () => {
    const { log, lines, endMinute } = minuteLog();
    const { bot } = await fullDiskBot(log);
    await bot.handle(dm("订阅"));
    endMinute();
    endMinute();
    expect(failed(lines())).toHaveLength(1);
    await bot.handle(dm("订阅"));
    expect(failed(lines())).toHaveLength(2);
    expect(failed(lines())[1]!.err.stack).toContain("SqliteError");
  });

  it("keeps failure classes apart: by code, else by the error's name and first line, and by message and level", () => {
    const { log, lines } = minuteLog();
    const full = Object.assign(new Error("disk full"), { code: "ENOSPC" });
    for (let i = 0; i < 3; i++) {
      log.error({ err: full, chatId: i }, "push delivery bookkeeping failed");
      log.error(
        { err: new Database.SqliteError("database or disk is full", "SQLITE_FULL"), chatId: i },
        "push delivery bookkeeping failed",
      );
      log.error({ err: new TypeError(`x is undefined\nat chat ${i}`) }, "push delivery bookkeeping failed");
      log.error({ err: full }, "message failed");
      log.warn({ err: full }, "message failed");
      log.warn({ err: "transient: timeout", chatId: i }, "push delivery failed");
    }
    expect(lines().map((l) => [l.level, l.msg, l.err.code ?? l.err.type ?? l.err])).toEqual([
      [50, "push delivery bookkeeping failed", "ENOSPC"],
      [50, "push delivery bookkeeping failed", "SQLITE_FULL"],
      [50, "push delivery bookkeeping failed", "TypeError"],
      [50, "message failed", "ENOSPC"],
      [40, "message failed", "ENOSPC"],
      [40, "push delivery failed", "transient: timeout"],
    ]);
  });

  it("never groups lines without an error, nor info lines", () => {
    const { log, lines } = minuteLog();
    for (let i = 0; i < 5; i++) {
      log.warn({ chatId: i }, "telegram reply failed");
      log.info({ err: "x" }, "noted");
    }
    expect(lines()).toHaveLength(10);
  });
});
