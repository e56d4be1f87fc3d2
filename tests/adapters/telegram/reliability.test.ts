import { afterEach, describe, expect, it } from "vitest";
import { user } from "../../helpers/fake-telegram.ts";
import { parseHtml } from "../../helpers/fake-telegram-checks.ts";
import { startTelegram, type Harness } from "./harness.ts";

/** A token shaped like a real one, to prove it never reaches the logs. */
const REAL_LOOKING_TOKEN = "7012345678:AAHk3-realLooking_SecretToken0123456";

describe("Telegram reliability when answering", () => {
  let h: Harness;
  afterEach(async () => h.close());

  const outcomes = (chatId: number) => h.tg.callsOf("sendMessage").filter((c) => c.payload.chat_id === chatId);

  it("retries after a 429, waiting the retry_after Telegram asked for", async () => {
    h = await startTelegram();
    h.tg.fail({ method: "sendMessage", code: 429, retryAfter: 1, times: 1 });
    h.tg.userMessage("墨荷");
    await h.tg.waitForCall("sendMessage", (c) => c.outcome === "ok");
    const [limited, delivered] = outcomes(1001);
    expect([limited!.outcome, delivered!.outcome]).toEqual([429, "ok"]);
    expect(delivered!.at - limited!.at).toBeGreaterThanOrEqual(950);
  });

  it("retries after a 5xx", async () => {
    h = await startTelegram();
    h.tg.fail({ method: "sendMessage", code: 502, description: "Bad Gateway", times: 1 });
    h.tg.userMessage("墨荷");
    await h.tg.waitForCall("sendMessage", (c) => c.outcome === "ok");
    expect(outcomes(1001).map((c) => c.outcome)).toEqual([502, "ok"]);
  });

  it("gives up on a 429 that asks for too long a wait, logs it, and keeps answering others", async () => {
    h = await startTelegram();
    h.tg.fail({ method: "sendMessage", chatId: 1001, code: 429, retryAfter: 3600 });
    h.tg.userMessage("墨荷");
    h.tg.userMessage("墨荷", { from: user(1002) });
    await h.tg.waitForCall("sendMessage", (c) => c.payload.chat_id === 1002 && c.outcome === "ok");
    await expect
      .poll(() => h.logs.find((l) => l.includes("telegram reply failed")))
      .toContain('"failure":"rate_limited"');
    expect(outcomes(1001).map((c) => c.outcome)).toEqual([429]);
  });

  it("unsubscribes a user who blocked the bot (403) instead of retrying", async () => {
    h = await startTelegram();
    await h.store.subscribe({ platform: "telegram", chatId: "1001", isGroup: false, time: null });
    h.tg.fail({ chatId: 1001, code: 403, description: "Forbidden: bot was blocked by the user" });
    h.tg.userMessage("墨荷");
    await expect.poll(() => h.store.getSubscription("telegram", "1001")).toBeUndefined();
    expect(outcomes(1001).map((c) => c.outcome)).toEqual([403]);
    expect(h.logs.join("")).toContain("telegram chat gone; unsubscribed");
  });

  it("unsubscribes a user who blocks the bot as soon as Telegram reports it", async () => {
    h = await startTelegram();
    await h.store.subscribe({ platform: "telegram", chatId: "1001", isGroup: false, time: null });
    const bot = { ...h.tg.bot };
    h.tg.pushUpdate({
      my_chat_member: {
        chat: { id: 1001, type: "private" },
        from: user(1001),
        date: 0,
        old_chat_member: { status: "member", user: bot },
        new_chat_member: { status: "kicked", user: bot, until_date: 0 },
      },
    });
    await expect.poll(() => h.store.getSubscription("telegram", "1001")).toBeUndefined();
  });

  it("sends an answer again, once, when its reused keep-alive connection was reset before the request reached Telegram", async () => {
    h = await startTelegram({ adapter: { reliability: { throttle: false, unsentRetryMs: [10] } } });
    h.tg.userMessage("墨荷");
    await h.tg.waitForCall("sendMessage");
    // The server closed the idle connection just as the next answer was written onto it.
    h.tg.resetReused({ method: "sendMessage" });
    h.tg.userMessage("照相机");
    await expect
      .poll(() => h.tg.sent().length === 2 || h.logs.some((l) => l.includes("telegram reply failed")))
      .toBe(true);
    expect(h.tg.sent().map((c) => parseHtml(c.payload.text).split("\n")[0])).toEqual([
      expect.stringContaining("墨荷"),
      expect.stringContaining("照相机"),
    ]);
    expect(h.logs.filter((l) => l.includes("telegram call failed"))).toEqual([expect.stringContaining("ECONNRESET")]);
  });

  it("times out a hung call, logs the failure with context, and never logs the token", async () => {
    h = await startTelegram({
      fake: { token: REAL_LOOKING_TOKEN },
      adapter: { reliability: { throttle: false, timeouts: { callMs: 200, uploadMs: 200, pollGraceMs: 1000 } } },
    });
    h.tg.delay({ method: "sendMessage", delayMs: 1000, times: 1 });
    h.tg.userMessage("墨荷");
    await expect
      .poll(() => h.logs.find((l) => l.includes("telegram reply failed")))
      .toContain("timed out after 200 ms");
    h.tg.userMessage("照相机");
    const next = await h.tg.waitForCall("sendMessage", (c) => c.outcome === "ok");
    expect(parseHtml(next.payload.text)).toMatch(/「/);
    expect(h.logs.join("")).not.toContain(REAL_LOOKING_TOKEN.split(":")[1]);
  });

  it("never logs the token when the Bot API server is unreachable", async () => {
    h = await startTelegram({ fake: { token: REAL_LOOKING_TOKEN } });
    await h.adapter.stop();
    await h.tg.close();
    await h.adapter.sender.send("1001", { kind: "text", text: "hi" }).catch(() => undefined);
    await expect.poll(() => h.logs.some((l) => l.includes("telegram call failed"))).toBe(true);
    expect(h.logs.join("")).not.toContain(REAL_LOOKING_TOKEN.split(":")[1]);
  });
});
