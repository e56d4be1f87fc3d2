import { afterEach, describe, expect, it } from "vitest";
import { Pager } from "../../../adapters/telegram/paging.ts";
import { ChatRateLimiter } from "../../../src/bot/rate-limit.ts";
import { t } from "../../../src/bot/strings.ts";
import { Metrics } from "../../../src/observability/metrics.ts";
import { messageObserver } from "../../../src/observability/message-log.ts";
import { fakeClock } from "../../helpers/bot.ts";
import { capturedLog } from "../../observability/harness.ts";
import { callbackOf, startTelegram, type Harness } from "./harness.ts";

/**
 * Inline queries and paging buttons are requests like messages: they pass
 * the same flood control (per user) and are seen by the same observer.
 */
let h: Harness;
afterEach(async () => h?.close());

const BURST = 6;
function limitedHarness() {
  const { log, lines } = capturedLog();
  const limiter = new ChatRateLimiter(fakeClock("2026-11-25T00:30:00Z"), { burst: BURST, perMinute: 1 });
  return { lines, options: { core: { rateLimit: limiter, observe: messageObserver(log, new Metrics()) } } };
}

describe("Telegram side doors go through the same admission and observer as messages", () => {
  it("answers at most the burst of 20 inline queries sent at once by one user, and logs each one", async () => {
    const { lines, options } = limitedHarness();
    h = await startTelegram(options);
    const ids = Array.from({ length: 20 }, () => h.tg.inlineQuery("照相机").inline_query.id as string);
    await h.tg.waitForCall("answerInlineQuery", () => true, { skip: BURST - 1 });
    await new Promise((r) => setTimeout(r, 500));
    const answered = h.tg.callsOf("answerInlineQuery").filter((c) => c.payload.results.length > 0);
    expect(answered).toHaveLength(BURST);
    expect(ids).toContain(answered[0]!.payload.inline_query_id);
    const logged = lines().filter((l) => l.msg === "message handled");
    expect(logged).toHaveLength(20);
    expect(logged.filter((l) => l.limited)).toHaveLength(20 - BURST);
    // Admitted queries are logged as searches; limited ones never reached parsing, as with messages.
    expect(logged.filter((l) => !l.limited)).toEqual(
      Array.from({ length: BURST }, () => expect.objectContaining({ platform: "telegram", command: "search" })),
    );
  });

  it("shares the user's private-chat budget: after a burst of messages, an inline query is not answered", async () => {
    const { options } = limitedHarness();
    h = await startTelegram(options);
    for (let i = 0; i < BURST; i++) h.tg.userMessage("墨荷");
    await h.tg.waitForCall("sendMessage", () => true, { skip: BURST - 1 });
    h.tg.inlineQuery("照相机");
    await new Promise((r) => setTimeout(r, 500));
    expect(h.tg.callsOf("answerInlineQuery").filter((c) => c.payload.results.length > 0)).toHaveLength(0);
  });

  it("limits paging button presses like messages: the first over the limit is told to slow down", async () => {
    const { options } = limitedHarness();
    h = await startTelegram(options);
    h.tg.userMessage("照相机");
    const first = await h.tg.waitForCall("sendMessage");
    const next = callbackOf(first.payload, t.nextPage);
    for (let i = 0; i < 10; i++) h.tg.pressButton(first.result, next);
    await h.tg.waitForCall("answerCallbackQuery", () => true, { skip: 9 });
    // One message and BURST - 1 presses passed; the next press hears why, the rest get a silent answer.
    expect(h.tg.callsOf("editMessageText")).toHaveLength(BURST - 1);
    expect(h.tg.callsOf("answerCallbackQuery").filter((c) => c.payload.text === t.slowDown)).toHaveLength(1);
  });
});

describe("flood control counts Telegram messages when they arrive", () => {
  it("answers the burst of 20 messages sent at once and says slow down once, even when every answer takes a minute to send", async () => {
    // A clock that moves a minute with every message sent: the chat's queue behind a congested send throttle,
    // long enough for a limiter that counted at answer time to refill completely between two messages.
    let sends = () => 0;
    const clock = { now: () => new Date(Date.parse("2026-11-25T00:30:00Z") + sends() * 60_000) };
    const limiter = new ChatRateLimiter(clock, { burst: BURST, perMinute: 1 });
    let handled = 0;
    let allHandled!: () => void;
    const done = new Promise<void>((resolve) => (allHandled = resolve));
    const observe = () => void (++handled === 20 && allHandled());
    h = await startTelegram({ core: { rateLimit: limiter, observe }, adapter: { clock } });
    sends = () => h.tg.callsOf("sendMessage").length;
    for (let i = 0; i < 20; i++) h.tg.userMessage("墨荷");
    await done;
    expect(h.tg.sent()).toHaveLength(BURST + 1);
    expect(h.tg.sent().filter((c) => c.payload.text === t.slowDown)).toHaveLength(1);
  });
});

describe("paging buttons of long queries", () => {
  const LONG = "那篇讲照相机和绘画的文章，他说人类有了照相机还要绘画";

  it("use unguessable ids bound to the chat: another chat's data reads as expired", () => {
    const pager = new Pager();
    const data = pager.data(LONG, 3, "chat-a");
    const other = pager.data(`${LONG}？`, 3, "chat-a");
    expect(data).toMatch(/^k:3:[A-Za-z0-9_-]{16,}$/);
    expect(other.slice(-4)).not.toBe(data.slice(-4));
    expect(pager.parse(data, "chat-a")).toEqual({ query: LONG, offset: 3 });
    expect(pager.parse(data, "chat-b")).toBe("expired");
    expect(
      pager.parse(
        data.replace(/.$/, (c) => (c === "A" ? "B" : "A")),
        "chat-a",
      ),
    ).toBe("expired");
  });
});
