import { afterEach, describe, expect, it } from "vitest";
import type { Core } from "../../src/bot/core.ts";
import type { Incoming, Reply } from "../../src/chat/message.ts";
import { ChatRateLimiter } from "../../src/bot/rate-limit.ts";
import { t } from "../../src/bot/strings.ts";
import { dm, fakeClock, groupMsg, testBot } from "../helpers/bot.ts";
import { simulateFlood } from "../helpers/flood-sim.ts";
import { HARDENING_LIBRARY } from "./fixtures.ts";

const LIMITS = { burst: 6, perMinute: 20 };

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.map((c) => c()));
  cleanups = [];
});

const START = "2026-11-25T08:00:00Z";

/** A bot with flood protection on a clock the test moves. */
async function floodBot(limits = LIMITS, admin?: () => Promise<string>) {
  const clock = fakeClock(START);
  const { bot, cleanup } = await testBot(
    {
      clock,
      rateLimit: new ChatRateLimiter(clock, limits),
      ...(admin ? { admin: { pushNow: admin, stats: async () => "" } } : {}),
    },
    HARDENING_LIBRARY,
  );
  cleanups.push(cleanup);
  let now = Date.parse(START);
  return { bot, clock, advance: (ms: number) => clock.set(new Date((now += ms)).toISOString()) };
}

/** Send `count` messages, `gapMs` apart; resolves to what each got. */
async function send(
  bot: Core,
  advance: (ms: number) => void,
  msg: Incoming,
  count: number,
  gapMs: number,
): Promise<Reply[][]> {
  const answers: Reply[][] = [];
  for (let i = 0; i < count; i++) {
    answers.push(await bot.handle(msg));
    advance(gapMs);
  }
  return answers;
}

const isSlowDown = (replies: Reply[]) =>
  replies.length === 1 && replies[0]!.kind === "text" && replies[0]!.text === t.slowDown;
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

describe("many chats flooding at once", () => {
  // 100 private chats send 20 messages each at the same instant while 40 other chats ask a question every 20 s
  // (some chat every half second), behind Telegram's send throttle (1/s per chat, 30/s overall) and one queue per chat.
  const SCENARIO = { flooders: 100, burstSize: 20, quiet: 40, quietEveryMs: 20_000, quietMessages: 3 };

  it("counts each message when it arrived: every flooding chat gets its burst and one slow-down, however long its queue", async () => {
    const { bot, clock } = await floodBot();
    const seen = await simulateFlood(bot, clock, Date.parse(START), SCENARIO);
    expect(seen.maxRepliesPerFlooder).toBe(LIMITS.burst + 1);
    expect(seen.slowedDown).toBe(SCENARIO.flooders);
    expect(seen.answered).toBe(SCENARIO.flooders * LIMITS.burst + SCENARIO.quiet * SCENARIO.quietMessages);
    expect(seen.dropped).toBe(SCENARIO.flooders * (SCENARIO.burstSize - LIMITS.burst - 1));
  });

  it("keeps the other chats' latency: they are answered in the next free send slot, not behind the flood", async () => {
    const { bot, clock } = await floodBot();
    const seen = await simulateFlood(bot, clock, Date.parse(START), SCENARIO);
    // Without the flood every one of them is answered at once (0 ms); before, they waited 3.25 s (p50) and 3.75 s (p99).
    expect(seen.quietLatency.p50).toBe(0);
    expect(seen.quietLatency.p99).toBeLessThanOrEqual(2_500);
    // The flood's 700 answers and slow-downs at 30/s: 23 s (before: 2,120 answers, 70 s).
    expect(seen.floodOverMs).toBeLessThanOrEqual(25_000);
  });

  it("counts a message when it arrived, not when its chat's earlier answers were finally sent", async () => {
    const { bot, advance } = await floodBot();
    const arrived = new Date(START);
    const answers: Reply[][] = [];
    // Eight messages at once, each handled 10 s after the previous one (its answer waited in the send throttle).
    for (let i = 0; i < 8; i++) {
      advance(10_000);
      answers.push(await bot.handle(dm("呼吸机", { receivedAt: arrived })));
    }
    expect(answers.filter(isAnswer)).toHaveLength(LIMITS.burst);
    expect(answers.filter(isSlowDown)).toHaveLength(1);
  });
});

describe("bot admins", () => {
  it("are not flood-limited in their private chat: /push_now after a dozen tries still runs", async () => {
    let pushed = 0;
    const { bot } = await floodBot(LIMITS, async () => `已推送 ${++pushed}`);
    const admin = { platform: "telegram", chatId: "42", userId: "42" };
    for (let i = 0; i < 12; i++) expect(isAnswer(await bot.handle(dm("呼吸机", admin)))).toBe(true);
    expect(await bot.handle(dm("/push_now", admin))).toEqual([{ kind: "text", text: "已推送 1" }]);
  });

  it("are limited with everyone else in a group: the group is one chat", async () => {
    const { bot } = await floodBot();
    const answers: Reply[][] = [];
    for (let i = 0; i < 8; i++)
      answers.push(await bot.handle(groupMsg("?呼吸机", { platform: "telegram", userId: "42" })));
    expect(answers.filter(isAnswer)).toHaveLength(LIMITS.burst);
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
