/**
 * The behaviour every {@link Store} backend must show, as a reusable suite:
 * `describeStoreContract("sqlite", (clock) => openSqliteStore(tmpFile, { clock }))`.
 * Each test gets a fresh, empty store; the backend reads time from `clock`.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Clock } from "../../src/clock.ts";
import type { Store } from "../../src/store/store.ts";

/** A clock that only moves when the test says so. */
export class ManualClock implements Clock {
  constructor(private ms: number = Date.parse("2026-11-25T00:00:00Z")) {}
  now(): Date {
    return new Date(this.ms);
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

const DAY = "2026-11-25";
const MINUTE = 60_000;

/** Register the store contract tests for one backend (`suite`: how to describe them, e.g. skippable). */
export function describeStoreContract(
  name: string,
  makeStore: (clock: Clock) => Promise<Store>,
  suite: (name: string, fn: () => void) => void = describe,
): void {
  suite(`Store contract: ${name}`, () => {
    let clock: ManualClock;
    let store: Store;

    beforeEach(async () => {
      clock = new ManualClock();
      store = await makeStore(clock);
    });
    afterEach(async () => {
      await store.close();
    });

    describe("subscriptions", () => {
      it("starts empty", async () => {
        expect(await store.listSubscriptions()).toEqual([]);
        expect(await store.getSubscription("telegram", "1")).toBeUndefined();
      });

      it("remembers a subscription with its chat kind, personal time and subscribe time", async () => {
        await store.subscribe({ platform: "telegram", chatId: "-100200", isGroup: true, time: "21:30" });
        expect(await store.getSubscription("telegram", "-100200")).toEqual({
          platform: "telegram",
          chatId: "-100200",
          isGroup: true,
          time: "21:30",
          createdAt: clock.now().toISOString(),
        });
      });

      it("subscribing again changes the time instead of adding a second subscription", async () => {
        await store.subscribe({ platform: "wechat", chatId: "room@chatroom", isGroup: true, time: null });
        clock.advance(MINUTE);
        await store.subscribe({ platform: "wechat", chatId: "room@chatroom", isGroup: true, time: "06:05" });
        const subs = await store.listSubscriptions();
        expect(subs).toHaveLength(1);
        expect(subs[0]).toMatchObject({ time: "06:05", createdAt: clock.now().toISOString() });
      });

      it("keeps the same chat id on different platforms apart", async () => {
        await store.subscribe({ platform: "telegram", chatId: "42", isGroup: false, time: null });
        await store.subscribe({ platform: "wechat", chatId: "42", isGroup: false, time: "08:00" });
        expect(await store.listSubscriptions("telegram")).toEqual([
          expect.objectContaining({ platform: "telegram", time: null }),
        ]);
        expect(await store.listSubscriptions("wechat")).toEqual([
          expect.objectContaining({ platform: "wechat", time: "08:00" }),
        ]);
        expect(await store.listSubscriptions()).toHaveLength(2);
      });

      it("stores unusual chat ids verbatim (emoji, quotes, long strings)", async () => {
        const ids = ["wxid_😀'\"; DROP TABLE subscriptions;--", "x".repeat(5000), "@@abc"];
        for (const chatId of ids) await store.subscribe({ platform: "wechat", chatId, isGroup: false, time: null });
        const stored = (await store.listSubscriptions("wechat")).map((s) => s.chatId);
        expect(stored.sort()).toEqual([...ids].sort());
      });

      it("unsubscribing tells whether there was a subscription", async () => {
        await store.subscribe({ platform: "telegram", chatId: "7", isGroup: false, time: null });
        expect(await store.unsubscribe("telegram", "7")).toBe(true);
        expect(await store.unsubscribe("telegram", "7")).toBe(false);
        expect(await store.unsubscribe("wechat", "never")).toBe(false);
        expect(await store.listSubscriptions()).toEqual([]);
      });
    });

    describe("delivery log", () => {
      it("lets exactly one owner claim a (platform, chat, day)", async () => {
        expect(await store.claimDelivery("telegram", "1", DAY, "run-a", 10 * MINUTE)).toBe(true);
        expect(await store.claimDelivery("telegram", "1", DAY, "run-b", 10 * MINUTE)).toBe(false);
        expect(await store.listDeliveries(DAY)).toEqual([
          {
            platform: "telegram",
            chatId: "1",
            day: DAY,
            status: "claimed",
            owner: "run-a",
            updatedAt: clock.now().toISOString(),
          },
        ]);
      });

      it("grants only one of many simultaneous claims", async () => {
        const owners = Array.from({ length: 20 }, (_, i) => `run-${i}`);
        const results = await Promise.all(owners.map((o) => store.claimDelivery("telegram", "1", DAY, o, 10 * MINUTE)));
        expect(results.filter(Boolean)).toHaveLength(1);
      });

      it("lets the owner renew its own claim", async () => {
        await store.claimDelivery("telegram", "1", DAY, "run-a", 10 * MINUTE);
        expect(await store.claimDelivery("telegram", "1", DAY, "run-a", 10 * MINUTE)).toBe(true);
      });

      it("never lets anyone claim a delivery that was sent, however old", async () => {
        await store.claimDelivery("telegram", "1", DAY, "run-a", 10 * MINUTE);
        await store.confirmDelivery("telegram", "1", DAY);
        clock.advance(24 * 60 * MINUTE);
        expect(await store.claimDelivery("telegram", "1", DAY, "run-b", 0)).toBe(false);
        expect(await store.claimDelivery("telegram", "1", DAY, "run-a", 0)).toBe(false);
        expect((await store.listDeliveries(DAY))[0]).toMatchObject({ status: "sent", owner: "run-a" });
      });

      it("lets another owner take over a claim only once it is stale", async () => {
        await store.claimDelivery("telegram", "1", DAY, "crashed", 10 * MINUTE);
        clock.advance(10 * MINUTE - 1);
        expect(await store.claimDelivery("telegram", "1", DAY, "restarted", 10 * MINUTE)).toBe(false);
        clock.advance(1);
        expect(await store.claimDelivery("telegram", "1", DAY, "restarted", 10 * MINUTE)).toBe(true);
        expect((await store.listDeliveries(DAY))[0]).toMatchObject({ status: "claimed", owner: "restarted" });
      });

      it("records a failure with its reason and lets it be claimed again", async () => {
        await store.claimDelivery("wechat", "r", DAY, "run-a", 10 * MINUTE);
        await store.failDelivery("wechat", "r", DAY, "HTTP 502");
        expect((await store.listDeliveries(DAY))[0]).toMatchObject({ status: "failed", error: "HTTP 502" });
        expect(await store.claimDelivery("wechat", "r", DAY, "run-b", 10 * MINUTE)).toBe(true);
        const [row] = await store.listDeliveries(DAY);
        expect(row).toMatchObject({ status: "claimed", owner: "run-b" });
        expect(row?.error).toBeUndefined();
      });

      it("does not turn a sent delivery into a failure", async () => {
        await store.claimDelivery("telegram", "1", DAY, "run-a", 10 * MINUTE);
        await store.confirmDelivery("telegram", "1", DAY);
        await store.failDelivery("telegram", "1", DAY, "late error");
        expect((await store.listDeliveries(DAY))[0]?.status).toBe("sent");
      });

      it("keys deliveries by day, chat and platform", async () => {
        const next = "2026-11-26";
        expect(await store.claimDelivery("telegram", "1", DAY, "a", MINUTE)).toBe(true);
        await store.confirmDelivery("telegram", "1", DAY);
        expect(await store.claimDelivery("telegram", "1", next, "a", MINUTE)).toBe(true);
        expect(await store.claimDelivery("telegram", "2", DAY, "a", MINUTE)).toBe(true);
        expect(await store.claimDelivery("wechat", "1", DAY, "a", MINUTE)).toBe(true);
        expect((await store.listDeliveries(DAY)).map((d) => `${d.platform}/${d.chatId}/${d.status}`).sort()).toEqual([
          "telegram/1/sent",
          "telegram/2/claimed",
          "wechat/1/claimed",
        ]);
        expect(await store.listDeliveries(next)).toHaveLength(1);
        expect(await store.listDeliveries("2000-01-01")).toEqual([]);
      });

      it("keeps the log when a chat unsubscribes", async () => {
        await store.subscribe({ platform: "telegram", chatId: "1", isGroup: false, time: null });
        await store.claimDelivery("telegram", "1", DAY, "a", MINUTE);
        await store.confirmDelivery("telegram", "1", DAY);
        await store.unsubscribe("telegram", "1");
        expect(await store.listDeliveries(DAY)).toHaveLength(1);
      });
    });

    describe("locks", () => {
      it("gives a lock to one holder at a time, and again once it is released", async () => {
        const first = await store.tryLock("push:telegram");
        expect(first).toBeDefined();
        expect(await store.tryLock("push:telegram")).toBeUndefined();
        await first!.release();
        const second = await store.tryLock("push:telegram");
        expect(second).toBeDefined();
        await second!.release();
      });

      it("keeps locks of different names apart", async () => {
        const telegram = await store.tryLock("push:telegram");
        const wechat = await store.tryLock("push:wechat");
        expect(telegram).toBeDefined();
        expect(wechat).toBeDefined();
        await telegram!.release();
        await wechat!.release();
      });

      it("ignores a second release instead of freeing the next holder's lock", async () => {
        const first = await store.tryLock("push:telegram");
        await first!.release();
        const second = await store.tryLock("push:telegram");
        await first!.release();
        expect(await store.tryLock("push:telegram")).toBeUndefined();
        await second!.release();
      });
    });

    describe("new-article announcements", () => {
      it("keeps one opt-in per chat with its keywords; subscribing again replaces them", async () => {
        expect(await store.listNewsSubscriptions()).toEqual([]);
        await store.subscribeNews({
          platform: "telegram",
          chatId: "-100",
          isGroup: true,
          keywords: ["墨荷", "AI 视频"],
        });
        clock.advance(MINUTE);
        await store.subscribeNews({ platform: "wechat", chatId: "room@chatroom", isGroup: true, keywords: [] });
        await store.subscribeNews({ platform: "telegram", chatId: "-100", isGroup: true, keywords: ["慢跑"] });
        expect(await store.getNewsSubscription("telegram", "-100")).toEqual({
          platform: "telegram",
          chatId: "-100",
          isGroup: true,
          keywords: ["慢跑"],
          createdAt: clock.now().toISOString(),
        });
        expect((await store.listNewsSubscriptions("wechat")).map((s) => s.chatId)).toEqual(["room@chatroom"]);
        expect(await store.listNewsSubscriptions()).toHaveLength(2);
        // The daily push's subscriptions are another list.
        expect(await store.listSubscriptions()).toEqual([]);
        expect(await store.unsubscribeNews("telegram", "-100")).toBe(true);
        expect(await store.unsubscribeNews("telegram", "-100")).toBe(false);
        expect(await store.getNewsSubscription("telegram", "-100")).toBeUndefined();
      });

      it("tells exactly one caller that an article is new", async () => {
        expect(await store.markSeen(["槽边往事/黄狗追呀追", "槽边往事/从心所欲"])).toEqual([
          "槽边往事/黄狗追呀追",
          "槽边往事/从心所欲",
        ]);
        expect(await store.markSeen(["槽边往事/从心所欲", "记忆承载/墨荷"])).toEqual(["记忆承载/墨荷"]);
        const [a, b] = await Promise.all([store.markSeen(["x/1", "x/2"]), store.markSeen(["x/2", "x/3"])]);
        expect([...a!, ...b!].sort()).toEqual(["x/1", "x/2", "x/3"]);
        expect(await store.markSeen([])).toEqual([]);
      });

      it("claims announcements per (platform, chat, article) and counts them apart from the daily push", async () => {
        const since = clock.now().toISOString();
        expect(await store.claimDelivery("telegram", "1", "new:槽边往事/黄狗", "a", 10 * MINUTE)).toBe(true);
        expect(await store.claimDelivery("telegram", "1", "new:槽边往事/黄狗", "b", 10 * MINUTE)).toBe(false);
        expect(await store.claimDelivery("telegram", "2", "new:槽边往事/黄狗", "a", 10 * MINUTE)).toBe(true);
        await store.confirmDelivery("telegram", "1", "new:槽边往事/黄狗");
        await store.failDelivery("telegram", "2", "new:槽边往事/黄狗", "transient: timeout");
        expect(await store.claimDelivery("telegram", "1", DAY, "a", 10 * MINUTE)).toBe(true);
        await store.confirmDelivery("telegram", "1", DAY);
        expect(await store.countDeliveries("new:", since)).toEqual({ claimed: 0, sent: 1, failed: 1 });
        expect(await store.countDeliveries("new:", new Date(clock.now().getTime() + 1).toISOString())).toEqual({
          claimed: 0,
          sent: 0,
          failed: 0,
        });
        expect(await store.listDeliveries(DAY)).toHaveLength(1);
      });
    });

    describe("forum topics and channels", () => {
      it("keeps the topic and the channel mark of a subscription, and nothing extra for a plain chat", async () => {
        await store.subscribe({ platform: "telegram", chatId: "-100300", isGroup: true, time: null, threadId: "45" });
        await store.subscribe({ platform: "telegram", chatId: "-100400", isGroup: true, time: "06:00", channel: true });
        await store.subscribeNews({
          platform: "telegram",
          chatId: "-100300",
          isGroup: true,
          keywords: ["墨荷"],
          threadId: "45",
        });
        await store.subscribe({ platform: "telegram", chatId: "7", isGroup: false, time: null });
        expect(await store.getSubscription("telegram", "-100300")).toEqual({
          platform: "telegram",
          chatId: "-100300",
          isGroup: true,
          time: null,
          createdAt: clock.now().toISOString(),
          threadId: "45",
        });
        expect(await store.getSubscription("telegram", "-100400")).toMatchObject({ channel: true, time: "06:00" });
        expect(await store.getSubscription("telegram", "-100400")).not.toHaveProperty("threadId");
        expect(await store.getNewsSubscription("telegram", "-100300")).toMatchObject({
          threadId: "45",
          keywords: ["墨荷"],
        });
        expect(await store.getSubscription("telegram", "7")).toEqual({
          platform: "telegram",
          chatId: "7",
          isGroup: false,
          time: null,
          createdAt: clock.now().toISOString(),
        });
      });

      it("moves a group's push to the topic it was subscribed in last", async () => {
        await store.subscribe({ platform: "telegram", chatId: "-100300", isGroup: true, time: null, threadId: "45" });
        await store.subscribe({ platform: "telegram", chatId: "-100300", isGroup: true, time: null, threadId: "46" });
        expect((await store.listSubscriptions()).map((s) => s.threadId)).toEqual(["46"]);
        await store.subscribe({ platform: "telegram", chatId: "-100300", isGroup: true, time: null });
        expect(await store.getSubscription("telegram", "-100300")).not.toHaveProperty("threadId");
      });

      it("unsubscribes one topic (daily push and announcements) and leaves other topics and chats alone", async () => {
        await store.subscribe({ platform: "telegram", chatId: "-100300", isGroup: true, time: null, threadId: "45" });
        await store.subscribeNews({
          platform: "telegram",
          chatId: "-100300",
          isGroup: true,
          keywords: [],
          threadId: "45",
        });
        await store.subscribe({ platform: "telegram", chatId: "-100500", isGroup: true, time: null, threadId: "45" });
        await store.subscribeNews({
          platform: "telegram",
          chatId: "-100600",
          isGroup: true,
          keywords: [],
          threadId: "9",
        });
        expect(await store.unsubscribeTopic("telegram", "-100300", "9")).toBe(0);
        expect(await store.unsubscribeTopic("telegram", "-100300", "45")).toBe(2);
        expect(await store.unsubscribeTopic("telegram", "-100300", "45")).toBe(0);
        expect((await store.listSubscriptions()).map((s) => s.chatId)).toEqual(["-100500"]);
        expect((await store.listNewsSubscriptions()).map((s) => s.chatId)).toEqual(["-100600"]);
      });
    });

    describe("group settings", () => {
      it("knows nothing of a group whose admins never changed anything", async () => {
        expect(await store.getGroupSettings("wechat", "room@chatroom")).toBeUndefined();
        expect(await store.listGroupSettings()).toEqual([]);
      });

      it("stores each setting, changes only what a change names, and records who changed it when", async () => {
        const first = await store.updateGroupSettings(
          "wechat",
          "room@chatroom",
          { state: "enabled" },
          "wechat:wxid_bob",
        );
        expect(first).toEqual({
          platform: "wechat",
          chatId: "room@chatroom",
          state: "enabled",
          updatedAt: clock.now().toISOString(),
          updatedBy: "wechat:wxid_bob",
        });
        clock.advance(MINUTE);
        await store.updateGroupSettings("wechat", "room@chatroom", {
          triggers: ["!", "小助手"],
          linkPreview: false,
          results: 5,
          quietHours: { start: "22:00", end: "08:00" },
          accounts: ["槽边往事", "记忆承载"],
        });
        expect(await store.getGroupSettings("wechat", "room@chatroom")).toEqual({
          platform: "wechat",
          chatId: "room@chatroom",
          state: "enabled",
          triggers: ["!", "小助手"],
          linkPreview: false,
          results: 5,
          quietHours: { start: "22:00", end: "08:00" },
          accounts: ["槽边往事", "记忆承载"],
          updatedAt: clock.now().toISOString(),
        });
        await store.updateGroupSettings(
          "wechat",
          "room@chatroom",
          { linkPreview: true, state: "disabled" },
          "wechat:wxid_bob",
        );
        expect(await store.getGroupSettings("wechat", "room@chatroom")).toMatchObject({
          state: "disabled",
          linkPreview: true,
          results: 5,
        });
      });

      it("resets a setting to the default with null", async () => {
        await store.updateGroupSettings("telegram", "-100", {
          results: 2,
          quietHours: { start: "23:30", end: "07:00" },
          triggers: ["!"],
        });
        const after = await store.updateGroupSettings("telegram", "-100", {
          results: null,
          quietHours: null,
          triggers: null,
        });
        expect(after).not.toHaveProperty("results");
        expect(after).not.toHaveProperty("quietHours");
        expect(after).not.toHaveProperty("triggers");
        expect(await store.getGroupSettings("telegram", "-100")).toEqual(after);
      });

      it("refuses results outside 1–5 and half a quiet-hours range, changing nothing", async () => {
        await store.updateGroupSettings("telegram", "-100", { results: 3 });
        await expect(store.updateGroupSettings("telegram", "-100", { results: 6 })).rejects.toThrow();
        await expect(store.updateGroupSettings("telegram", "-100", { results: 0 })).rejects.toThrow();
        expect((await store.getGroupSettings("telegram", "-100"))?.results).toBe(3);
      });

      it("keeps groups and platforms apart and lists them in a stable order", async () => {
        await store.updateGroupSettings("wechat", "b@chatroom", { state: "enabled" });
        await store.updateGroupSettings("telegram", "-100", { state: "disabled" });
        await store.updateGroupSettings("wechat", "a@chatroom", { results: 1 });
        expect((await store.listGroupSettings()).map((g) => `${g.platform}/${g.chatId}`)).toEqual([
          "telegram/-100",
          "wechat/a@chatroom",
          "wechat/b@chatroom",
        ]);
        expect((await store.listGroupSettings("wechat")).map((g) => g.chatId)).toEqual(["a@chatroom", "b@chatroom"]);
        expect(await store.getGroupSettings("telegram", "a@chatroom")).toBeUndefined();
      });

      it("stores hostile text verbatim", async () => {
        const triggers = ["'; DROP TABLE group_settings;--", "😀", '"quoted"'];
        await store.updateGroupSettings("wechat", "x'\"@chatroom", { triggers, accounts: ["公众号\u0000名"] });
        expect(await store.getGroupSettings("wechat", "x'\"@chatroom")).toMatchObject({
          triggers,
          accounts: ["公众号\u0000名"],
        });
      });
    });

    describe("key-value cache", () => {
      it("stores, overwrites and misses values", async () => {
        expect(await store.getValue("tg:file:abc")).toBeUndefined();
        await store.setValue("tg:file:abc", "AgAD1");
        await store.setValue("tg:file:abc", "AgAD2");
        await store.setValue("emoji 🙂", "值");
        expect(await store.getValue("tg:file:abc")).toBe("AgAD2");
        expect(await store.getValue("emoji 🙂")).toBe("值");
      });
    });
  });
}
