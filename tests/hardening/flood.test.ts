import { afterEach, describe, expect, it } from "vitest";
import type { Core } from "../../src/bot/core.ts";
import type { Incoming, Reply } from "../../src/chat/message.ts";
import { ChatRateLimiter } from "../../src/bot/rate-limit.ts";
import { t } from "../../src/bot/strings.ts";
import { dm, fakeClock, groupMsg, testBot } from "../helpers/bot.ts";
import { HARDENING_LIBRARY } from "./fixtures.ts";

const LIMITS = { burst: 6, perMinute: 20 };

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.map((c) => c()));
  cleanups = [];
});

/** A bot with flood protection on a clock the test moves. */
async function floodBot(limits = LIMITS) {
  const clock = fakeClock("2026-11-25T08:00:00Z");
  const { bot, cleanup } = await testBot({ clock, rateLimit: new ChatRateLimiter(clock, limits) }, HARDENING_LIBRARY);
  cleanups.push(cleanup);
  let now = Date.parse("2026-11-25T08:00:00Z");
  return { bot, advance: (ms: number) => clock.set(new Date((now += ms)).toISOString()) };
}

/** Send `count` messages, `gapMs` apart; resolves to what each got. */
async function send(bot: Core, advance: (ms: number) => void, msg: Incoming, count: number, gapMs: number): Promise<Reply[][]> {
  const answers: Reply[][] = [];
  for (let i = 0; i < count; i++) {
    answers.push(await bot.handle(msg));
    advance(gapMs);
  }
  return answers;
}

const isSlowDown = (replies: Reply[]) => replies.length === 1 && replies[0]!.kind === "text" && replies[0]!.text === t.slowDown;
const isAnswer = (replies: Reply[]) => replies.length > 0 && !isSlowDown(replies);

describe("per-chat flood protection", () => {
  it("answers a bounded number of 50 queries in 10 s, says slow down once, then stays silent", async () => {
    const { bot, advance } = await floodBot();
    const answers = await send(bot, advance, dm("呼吸机"), 50, 200);
    const answered = answers.filter(isAnswer).length;
    // The burst, plus what 10 s of the sustained rate (20/min) refills.
    expect(answered).toBeGreaterThanOrEqual(LIMITS.burst);
    expect(answered).toBeLessThanOrEqual(LIMITS.burst + Math.ceil((10 / 60) * LIMITS.perMinute));
    expect(answers.filter(isSlowDown)).toHaveLength(1);
    expect(answers.findIndex(isSlowDown)).toBe(LIMITS.burst);
    expect(answers.filter((a) => a.length === 0).length).toBe(50 - answered - 1);
  });

  it("does not slow down other chats while one chat floods", async () => {
    const { bot, advance } = await floodBot();
    await send(bot, advance, dm("呼吸机"), 30, 100);
    const other = await send(bot, advance, dm("墨荷", { chatId: "u9", userId: "u9" }), 3, 100);
    expect(other.every(isAnswer)).toBe(true);
    const sameUserOtherPlatform = await bot.handle(dm("墨荷", { platform: "other" }));
    expect(isAnswer(sameUserOtherPlatform)).toBe(true);
  });

  it("answers the chat again once it has calmed down, and warns again on a new flood", async () => {
    const { bot, advance } = await floodBot();
    await send(bot, advance, dm("呼吸机"), 20, 100);
    advance(60_000);
    const later = await send(bot, advance, dm("呼吸机"), 20, 100);
    expect(isAnswer(later[0]!)).toBe(true);
    expect(later.filter(isSlowDown)).toHaveLength(1);
  });

  it("lets a person who asks at a normal pace never notice the limit", async () => {
    const { bot, advance } = await floodBot();
    const answers = await send(bot, advance, dm("呼吸机"), 40, 3_000);
    expect(answers.every(isAnswer)).toBe(true);
  });

  it("does not count group chatter that is not for the bot", async () => {
    const { bot, advance } = await floodBot();
    await send(bot, advance, groupMsg("大家好，今天天气不错"), 50, 10);
    expect(isAnswer(await bot.handle(groupMsg("?呼吸机")))).toBe(true);
  });

  it("limits a group as one chat: a flood by many members gets one slow-down", async () => {
    const { bot, advance } = await floodBot();
    const answers: Reply[][] = [];
    for (let i = 0; i < 20; i++) {
      answers.push(await bot.handle(groupMsg("?呼吸机", { userId: `member${i}` })));
      advance(100);
    }
    expect(answers.filter(isAnswer)).toHaveLength(LIMITS.burst);
    expect(answers.filter(isSlowDown)).toHaveLength(1);
  });
});

describe("the rate limiter", () => {
  it("forgets the least recently active chats beyond its capacity, so memory stays bounded", () => {
    const clock = fakeClock("2026-11-25T08:00:00Z");
    const limiter = new ChatRateLimiter(clock, { burst: 1, perMinute: 1, maxChats: 2 });
    expect(limiter.admit("a")).toBe("allow");
    expect(limiter.admit("a")).toBe("warn");
    limiter.admit("b");
    limiter.admit("c");
    // "a" was forgotten: it starts over with a full bucket.
    expect(limiter.admit("a")).toBe("allow");
  });

  it("does not drain buckets when the clock steps back", () => {
    const clock = fakeClock("2026-11-25T08:00:00Z");
    const limiter = new ChatRateLimiter(clock, { burst: 2, perMinute: 60 });
    limiter.admit("a");
    clock.set("2026-11-25T07:00:00Z");
    expect(limiter.admit("a")).toBe("allow");
  });

  it("refuses limits that would block everyone", () => {
    const clock = fakeClock("2026-11-25T08:00:00Z");
    expect(() => new ChatRateLimiter(clock, { burst: 0, perMinute: 20 })).toThrow(RangeError);
    expect(() => new ChatRateLimiter(clock, { burst: 5, perMinute: 0 })).toThrow(RangeError);
  });
});
