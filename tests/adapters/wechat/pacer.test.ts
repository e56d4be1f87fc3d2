import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { OutgoingQueue, type PacerOptions } from "../../../adapters/wechat/pacer.ts";
import type { Outgoing } from "../../../adapters/wechat/outgoing.ts";
import { SendError } from "../../../src/chat/sender.ts";
import { captureLog } from "../../push/helpers.ts";

/** A queue whose sends are recorded with their (fake) time; `fail` decides each attempt's fate. */
function queue(
  options: Partial<PacerOptions> = {},
  fail: (chatId: string, text: string, attempt: number) => Error | undefined = () => undefined,
) {
  const { log, lines } = captureLog();
  const sent: Array<{ chatId: string; text: string; at: number }> = [];
  const attempts = new Map<string, number>();
  const q = new OutgoingQueue(
    async (chatId, message) => {
      const text = message.kind === "text" ? message.text : message.kind;
      const n = (attempts.get(text) ?? 0) + 1;
      attempts.set(text, n);
      const error = fail(chatId, text, n);
      if (error) throw error;
      sent.push({ chatId, text, at: Date.now() });
    },
    { intervalMs: 1000, jitterMs: 0, perChatPerMinute: 100, log, random: () => 0, ...options },
  );
  return { q, sent, lines };
}

const text = (s: string): Outgoing => ({ kind: "text", text: s });
const texts = (...s: string[]) => s.map(text);

describe("the WeChat outgoing queue", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date("2026-11-25T08:00:00Z") });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("sends at most one message per interval over all chats", async () => {
    const { q, sent } = queue();
    void q.enqueue("room-a", texts("a1", "a2"));
    void q.enqueue("bob", texts("b1"));
    await vi.advanceTimersByTimeAsync(0);
    expect(sent.map((s) => s.text)).toEqual(["a1"]);
    await vi.advanceTimersByTimeAsync(999);
    expect(sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await vi.advanceTimersByTimeAsync(1000);
    const start = sent[0]!.at;
    expect(sent.map((s) => [s.text, s.at - start])).toEqual([
      ["a1", 0],
      ["b1", 1000],
      ["a2", 2000],
    ]);
  });

  it("adds random jitter to the gap", async () => {
    const { q, sent } = queue({ jitterMs: 500, random: () => 0.5 });
    void q.enqueue("room-a", texts("a1", "a2", "a3"));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sent.map((s) => s.at - sent[0]!.at)).toEqual([0, 1250, 2500]);
  });

  it("keeps each chat under its per-minute cap while other chats go on", async () => {
    const { q, sent } = queue({ perChatPerMinute: 2 });
    void q.enqueue("room-a", texts("a1", "a2", "a3"));
    await vi.advanceTimersByTimeAsync(0);
    void q.enqueue("bob", texts("b1"));
    await vi.advanceTimersByTimeAsync(5000);
    expect(sent.map((s) => s.text)).toEqual(["a1", "b1", "a2"]);
    await vi.advanceTimersByTimeAsync(54_999);
    expect(sent).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent.map((s) => s.text)).toEqual(["a1", "b1", "a2", "a3"]);
    expect(sent[3]!.at - sent[0]!.at).toBe(60_000);
  });

  it("retries a transient failure with backoff, keeps the chat's order, and logs each failure", async () => {
    const { q, sent, lines } = queue({ backoffMs: (n) => 5000 * n }, (_chat, t, n) =>
      t === "a1" && n <= 2 ? new Error("socket hang up") : undefined,
    );
    const done = q.enqueue("room-a", texts("a1", "a2"));
    void q.enqueue("bob", texts("b1"));
    await vi.advanceTimersByTimeAsync(20_000);
    await expect(done).resolves.toBeUndefined();
    expect(sent.map((s) => s.text)).toEqual(["b1", "a1", "a2"]);
    const retries = lines().filter((l) => l.msg === "wechat send failed; will retry");
    expect(retries).toEqual([
      expect.objectContaining({ chatId: "room-a", kind: "text", attempt: 1, retryInMs: 5000, err: "socket hang up" }),
      expect.objectContaining({ chatId: "room-a", kind: "text", attempt: 2, retryInMs: 10_000, err: "socket hang up" }),
    ]);
  });

  it("never gives up on a reply while failures are transient", async () => {
    const { q, sent } = queue({}, (_chat, _t, n) => (n <= 10 ? new Error("network down") : undefined));
    void q.enqueue("room-a", texts("a1"));
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(sent.map((s) => s.text)).toEqual(["a1"]);
  });

  it("gives up after maxAttempts when asked to (the push retries on its own)", async () => {
    const { q, lines } = queue({ backoffMs: () => 1000 }, () => new Error("network down"));
    const done = q.enqueue("room-a", texts("a1"), { maxAttempts: 3 });
    const failure = expect(done).rejects.toMatchObject({ failure: "transient" });
    await vi.advanceTimersByTimeAsync(10_000);
    await failure;
    expect(lines().find((l) => l.msg === "wechat send failed; message dropped")).toMatchObject({
      chatId: "room-a",
      attempts: 3,
    });
  });

  it("drops every message to a chat that is gone, and only those", async () => {
    const { q, sent } = queue({}, (chat) => (chat === "left-room" ? new SendError("gone", "not a member") : undefined));
    const gone = q.enqueue("left-room", texts("x1", "x2"));
    const failure = expect(gone).rejects.toMatchObject({ failure: "gone" });
    void q.enqueue("bob", texts("b1"));
    await vi.advanceTimersByTimeAsync(5000);
    await failure;
    expect(sent.map((s) => s.text)).toEqual(["b1"]);
    expect(q.size).toBe(0);
  });

  it("holds messages while offline and sends them once back online", async () => {
    const { q, sent } = queue();
    q.setOnline(false);
    void q.enqueue("bob", texts("b1"));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sent).toHaveLength(0);
    q.setOnline(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(sent.map((s) => s.text)).toEqual(["b1"]);
  });

  it("refuses a whole reply when the chat's queue is full", async () => {
    const { q, sent, lines } = queue({ maxQueuedPerChat: 3 });
    void q.enqueue("room-a", texts("a1", "a2"));
    await expect(q.enqueue("room-a", texts("a3", "a4"))).rejects.toMatchObject({ failure: "rate_limited" });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sent.map((s) => s.text)).toEqual(["a1", "a2"]);
    expect(lines().some((l) => l.msg === "wechat queue of this chat is full; reply dropped")).toBe(true);
  });

  it("reports a reply it never started as unsent, and one stopped half-way as transient", async () => {
    const { q } = queue();
    const half = q.enqueue("room-a", texts("a1", "a2"));
    const never = q.enqueue("room-b", texts("b1"));
    const halfFailure = expect(half).rejects.toMatchObject({
      failure: "transient",
      message: expect.stringContaining("part of the reply was sent"),
    });
    const neverFailure = expect(never).rejects.toMatchObject({ failure: "unsent" });
    const closed = q.close(500);
    await vi.advanceTimersByTimeAsync(500);
    await closed;
    await Promise.all([halfFailure, neverFailure]);
    await expect(q.enqueue("room-c", texts("c1"))).rejects.toMatchObject({ failure: "unsent" });
  });

  it("on close, sends what it can in time and reports the rest", async () => {
    const { q, sent, lines } = queue();
    const late = q.enqueue("room-a", texts("a1", "a2", "a3"));
    const failure = expect(late).rejects.toMatchObject({ failure: "transient" });
    const closed = q.close(1500);
    await vi.advanceTimersByTimeAsync(1500);
    expect(await closed).toBe(1);
    await failure;
    expect(sent.map((s) => s.text)).toEqual(["a1", "a2"]);
    expect(lines().find((l) => l.msg === "wechat adapter stopped with messages still queued")).toMatchObject({
      dropped: 1,
    });
    await expect(q.enqueue("bob", texts("b1"))).rejects.toBeInstanceOf(SendError);
  });
});
