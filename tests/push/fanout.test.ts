import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Reply } from "../../src/chat/message.ts";
import { SendError } from "../../src/chat/sender.ts";
import { fanOut, type FanoutOptions } from "../../src/push/fanout.ts";
import type { Store } from "../../src/store/store.ts";
import { fakeClock } from "../helpers/bot.ts";
import {
  blocked,
  captureLog,
  FakeSender,
  subscribeMany,
  tempSqlite,
  tooManyRequests,
  type Behaviour,
} from "./helpers.ts";

const DAY = "2026-11-25";
const REPLY: Reply = { kind: "text", text: "禅定时刻 ·《墨荷》" };

describe("fan-out", () => {
  let db: Awaited<ReturnType<typeof tempSqlite>>;
  let store: Store;

  beforeEach(async () => {
    db = await tempSqlite(fakeClock("2026-11-24T23:30:00Z"));
    store = db.store;
  });
  afterEach(() => db.cleanup());

  const run = async (sender: FakeSender, extra: Partial<FanoutOptions> = {}) =>
    fanOut(await store.listSubscriptions(sender.platform), REPLY, {
      store,
      sender,
      log: captureLog().log,
      day: DAY,
      owner: "test-run",
      staleMs: 600_000,
      pace: { perSecond: 5000, concurrency: 8 },
      ...extra,
    });

  it("reaches 1,000 subscribers exactly once through 429s and 403s; blocked chats are unsubscribed", async () => {
    await subscribeMany(store, 1000);
    const isBlocked = (id: string) => Number(id.slice(1)) % 50 === 7;
    const behaviour: Behaviour = (id, attempt) => {
      if (isBlocked(id)) return blocked();
      if (Number(id.slice(1)) % 97 === 0 && attempt === 1) return tooManyRequests(20);
      return undefined;
    };
    const sender = new FakeSender("telegram", behaviour);

    const report = await run(sender);

    const blockedIds = Array.from({ length: 1000 }, (_, i) => `c${i}`).filter(isBlocked);
    expect(report).toMatchObject({
      total: 1000,
      sent: 1000 - blockedIds.length,
      gone: blockedIds.length,
      failed: 0,
      notStarted: 0,
    });
    expect(sender.counts().size).toBe(1000 - blockedIds.length);
    expect([...sender.counts().values()].every((n) => n === 1)).toBe(true);
    expect(blockedIds.some((id) => sender.counts().has(id))).toBe(false);
    expect(await store.listSubscriptions()).toHaveLength(1000 - blockedIds.length);
    const log = await store.listDeliveries(DAY);
    expect(log.filter((d) => d.status === "sent")).toHaveLength(1000 - blockedIds.length);
    expect(log.filter((d) => d.status === "failed").every((d) => d.error?.startsWith("gone:"))).toBe(true);
  });

  it("holds the whole platform back for retry_after after a 429", async () => {
    await subscribeMany(store, 20);
    const times: number[] = [];
    const sender = new FakeSender("telegram", (id, attempt) => {
      times.push(performance.now());
      return id === "c0" && attempt === 1 ? tooManyRequests(150) : undefined;
    });
    await run(sender, { pace: { perSecond: 5000, concurrency: 1 } });
    // c0 failed first; nothing at all was sent until its retry_after had passed.
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(140);
    expect(sender.chats()[0]).toBe("c0");
  });

  it("does not resend after a transient error or a rejected request, and goes on with the others", async () => {
    await subscribeMany(store, 4);
    const sender = new FakeSender("telegram", (id) => {
      if (id === "c1")
        return new SendError(
          "transient",
          "sendPhoto: 502 Bad Gateway (the server answered; the message may have arrived)",
        );
      if (id === "c2") return new SendError("rejected", "Bad Request: message caption is too long");
      return undefined;
    });
    const report = await run(sender);
    expect(sender.chats().sort()).toEqual(["c0", "c3"]);
    expect(report).toMatchObject({ sent: 2, failed: 2, gone: 0 });
    const byChat = new Map((await store.listDeliveries(DAY)).map((d) => [d.chatId, d]));
    expect(byChat.get("c1")).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/^transient: sendPhoto: 502/),
    });
    expect(byChat.get("c2")).toMatchObject({
      status: "failed",
      error: "rejected: Bad Request: message caption is too long",
    });
    expect(await store.getSubscription("telegram", "c2")).toBeDefined();
  });

  it("treats a sender that throws something other than SendError as a transient failure", async () => {
    await subscribeMany(store, 2);
    const sender = new FakeSender("telegram");
    sender.send = async () => {
      throw new TypeError("undefined is not a function");
    };
    const report = await run(sender);
    expect(report).toMatchObject({ sent: 0, failed: 2 });
  });

  it("skips chats already delivered or claimed by another live process", async () => {
    await subscribeMany(store, 3);
    await store.claimDelivery("telegram", "c0", DAY, "earlier", 1);
    await store.confirmDelivery("telegram", "c0", DAY);
    await store.claimDelivery("telegram", "c1", DAY, "other-process", 600_000);
    const sender = new FakeSender();
    const report = await run(sender);
    expect(sender.chats()).toEqual(["c2"]);
    expect(report).toMatchObject({ sent: 1, skipped: 2 });
  });

  it("logs progress and a summary", async () => {
    await subscribeMany(store, 10);
    const { log, lines } = captureLog();
    await run(new FakeSender(), { log, progressEvery: 5 });
    const progress = lines().filter((l) => l.msg === "push progress");
    expect(progress.map((l) => l.done)).toEqual([5, 10]);
    expect(lines().find((l) => l.msg === "push fan-out finished")).toMatchObject({
      platform: "telegram",
      sent: 10,
      day: DAY,
    });
  });

  it("starts no new chat once stopped, and leaves those unclaimed", async () => {
    await subscribeMany(store, 10);
    const sender = new FakeSender();
    const report = await run(sender, {
      pace: { perSecond: 5000, concurrency: 1 },
      stopped: () => sender.delivered.length >= 4,
    });
    expect(report).toMatchObject({ sent: 4, notStarted: 6 });
    expect(await store.listDeliveries(DAY)).toHaveLength(4);
  });
});
