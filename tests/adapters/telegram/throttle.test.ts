import { describe, expect, it } from "vitest";
import { SendThrottle, TELEGRAM_LIMITS } from "../../../adapters/telegram/throttle.ts";

/** A throttle on virtual time: `run()` moves the clock from wake-up to wake-up until nothing waits. */
function virtualThrottle() {
  let now = 0;
  const timers: Array<{ at: number; wake: () => void }> = [];
  const throttle = new SendThrottle(
    TELEGRAM_LIMITS,
    () => now,
    (ms) => new Promise<void>((wake) => void timers.push({ at: now + ms, wake })),
  );
  const started: Array<[string, number]> = [];
  const send = (chat: string, isGroup = false) =>
    throttle.schedule(chat, isGroup, async () => void started.push([chat, now]));
  const settle = async () => {
    for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
  };
  const run = async (until = Number.POSITIVE_INFINITY) => {
    await settle();
    for (
      timers.sort((a, b) => a.at - b.at);
      timers.length > 0 && timers[0]!.at <= until;
      timers.sort((a, b) => a.at - b.at)
    ) {
      const timer = timers.shift()!;
      now = timer.at;
      timer.wake();
      await settle();
    }
    now = Math.max(now, Number.isFinite(until) ? until : now);
  };
  return { throttle, send, run, started, at: (ms: number) => void (now = ms) };
}

describe("the answering path's send throttle", () => {
  it("sends at most 30 messages a second overall", async () => {
    const t = virtualThrottle();
    for (let i = 0; i < 75; i++) void t.send(`chat${i}`);
    await t.run();
    expect(t.started.filter(([, at]) => at === 0)).toHaveLength(30);
    expect(t.started.filter(([, at]) => at === 1_000)).toHaveLength(30);
    expect(t.started.filter(([, at]) => at === 2_000)).toHaveLength(15);
  });

  it("sends one message a second to a chat, in the order they were given", async () => {
    const t = virtualThrottle();
    const order: number[] = [];
    for (let i = 0; i < 3; i++) void t.throttle.schedule("1001", false, async () => void order.push(i));
    await t.run();
    expect(order).toEqual([0, 1, 2]);
    expect(t.started).toEqual([]);
    void t.send("1001");
    await t.run();
    expect(t.started).toEqual([["1001", 3_000]]);
  });

  it("sends at most 20 messages a minute to a group", async () => {
    const t = virtualThrottle();
    for (let i = 0; i < 21; i++) void t.send("-100123", true);
    await t.run();
    expect(t.started.map(([, at]) => at).slice(-2)).toEqual([19_000, 60_000]);
  });

  it("serves the chat answered longest ago first: one question during a flood goes in the next free slot", async () => {
    const t = virtualThrottle();
    // 100 chats with a backlog of 5 answers each, all wanting their next answer every second.
    for (let c = 0; c < 100; c++) for (let i = 0; i < 5; i++) void t.send(`flood${c}`);
    await t.run(10_000);
    t.at(10_250);
    void t.send("reader");
    await t.run();
    expect(t.started.find(([chat]) => chat === "reader")).toEqual(["reader", 11_000]);
    // The flood itself is served in turns, nobody starved: 500 answers at 30 a second.
    expect(Math.max(...t.started.map(([, at]) => at))).toBe(16_000);
  });

  it("fails only the send that throws at once; the others still go", async () => {
    const t = virtualThrottle();
    // The second is full: the broken send and the one after it start on the throttle's next wake-up.
    for (let i = 0; i < 30; i++) void t.send(`chat${i}`);
    const broken = t.throttle.schedule("1001", false, () => {
      throw new Error("bad payload");
    });
    const failed = expect(broken).rejects.toThrow("bad payload");
    void t.send("1002");
    await t.run();
    await failed;
    expect(t.started.at(-1)).toEqual(["1002", 1_000]);
  });

  it("lets calls that are not addressed to a chat (getUpdates, inline answers) pass at once", async () => {
    const throttle = new SendThrottle(
      TELEGRAM_LIMITS,
      () => 0,
      () => new Promise(() => {}),
    );
    const calls: string[] = [];
    const prev = async (method: string) => (calls.push(method), { ok: true as const, result: true });
    const transformer = throttle.transformer();
    for (let i = 0; i < 40; i++)
      await transformer(prev as never, "answerInlineQuery", { inline_query_id: String(i), results: [] } as never);
    expect(calls).toHaveLength(40);
  });
});
