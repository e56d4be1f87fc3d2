import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Core } from "../../src/bot/core.ts";
import type { PushService } from "../../src/push/service.ts";
import { t } from "../../src/bot/strings.ts";
import { dm, fakeClock, groupMsg, testBot } from "../helpers/bot.ts";
import { FakeSender, pushService, subscribeMany, tempSqlite } from "./helpers.ts";

const ADMIN = { platform: "telegram", userId: "42" };

describe("subscription and admin commands", () => {
  let clock: ReturnType<typeof fakeClock>;
  let db: Awaited<ReturnType<typeof tempSqlite>>;
  let sender: FakeSender;
  let service: PushService;
  let bot: Core;
  let cleanupBot: () => Promise<void>;

  beforeEach(async () => {
    clock = fakeClock("2026-11-24T12:00:00Z");
    db = await tempSqlite(clock);
    sender = new FakeSender("telegram");
    ({ service } = await pushService(db.store, clock, [sender]));
    const built = await testBot({ store: db.store, clock, admin: service, adminIds: ["telegram:42"] });
    bot = built.bot;
    cleanupBot = built.cleanup;
  });
  afterEach(async () => {
    await service.stop();
    await cleanupBot();
    await db.cleanup();
  });

  const say = async (msg: Parameters<Core["handle"]>[0]) =>
    (await bot.handle(msg)).map((r) => (r.kind === "text" ? r.text : r.kind));

  it("refuses a group subscription from a member who is not a group admin", async () => {
    const member = groupMsg("/subscribe", { platform: "telegram", chatId: "-100", isGroupAdmin: false });
    expect(await say(member)).toEqual([t.groupAdminOnly]);
    expect(await say({ ...member, text: "取消订阅", mentioned: true })).toEqual([t.groupAdminOnly]);
    expect(await db.store.listSubscriptions()).toEqual([]);
  });

  it("lets a group admin subscribe the group with a personal time", async () => {
    const admin = groupMsg("订阅 21:30", {
      platform: "wechat",
      chatId: "room@chatroom",
      isGroupAdmin: true,
      mentioned: true,
    });
    expect(await say(admin)).toEqual([t.subscribed("21:30")]);
    expect(await db.store.getSubscription("wechat", "room@chatroom")).toMatchObject({ isGroup: true, time: "21:30" });
  });

  it("/push_now pushes at once to everyone who has not had today's image, once", async () => {
    await subscribeMany(db.store, 3, { time: "21:30" });
    await db.store.claimDelivery("telegram", "c0", "2026-11-24", "earlier", 1);
    await db.store.confirmDelivery("telegram", "c0", "2026-11-24");

    expect(await say(dm("/push_now", ADMIN))).toEqual([t.pushStarted(2)]);
    await service.idle();
    expect(sender.chats().sort()).toEqual(["c1", "c2"]);

    expect(await say(dm("/push_now", ADMIN))).toEqual([t.pushNothingToDo()]);
    clock.set("2026-11-24T13:30:00Z"); // 21:30: their personal time, already served
    await service.tick();
    expect(sender.delivered).toHaveLength(2);
  });

  it("/push_now resends only what surely did not arrive, and says how many it left alone as uncertain", async () => {
    await subscribeMany(db.store, 5, { time: "19:00" });
    const failed = {
      c1: "transient: sendPhoto timed out",
      c2: "unsent: sendPhoto: 500 Internal Server Error",
      c3: "rejected: Bad Request: not enough rights",
    };
    for (const [chatId, error] of Object.entries(failed)) {
      await db.store.claimDelivery("telegram", chatId, "2026-11-24", "earlier", 1);
      await db.store.failDelivery("telegram", chatId, "2026-11-24", error);
    }
    await db.store.claimDelivery("telegram", "c0", "2026-11-24", "earlier", 1);
    await db.store.confirmDelivery("telegram", "c0", "2026-11-24");

    const [answer] = await say(dm("/push_now", ADMIN));
    expect(answer).toBe(t.pushStarted(3, 1));
    expect(answer).toContain("另有 1 个会话上次发送没有得到确认（可能已经收到），不会重发。");
    await service.idle();
    expect(sender.chats().sort()).toEqual(["c2", "c3", "c4"]);

    expect(await say(dm("/push_now", ADMIN))).toEqual([t.pushNothingToDo(1)]);
    expect(sender.delivered).toHaveLength(3);
  });

  it("/push_now and /stats are for bot admins only", async () => {
    expect(await say(dm("/push_now", { platform: "telegram", userId: "7" }))).toEqual([t.adminOnly]);
    expect(await say(dm("/stats", { platform: "telegram", userId: "7" }))).toEqual([t.adminOnly]);
  });

  it("/stats shows subscribers per platform, today's deliveries and the next run", async () => {
    await subscribeMany(db.store, 2);
    await subscribeMany(db.store, 1, { platform: "wechat", time: "22:15" });
    await db.store.claimDelivery("telegram", "c0", "2026-11-24", "x", 1);
    await db.store.confirmDelivery("telegram", "c0", "2026-11-24");
    await db.store.claimDelivery("telegram", "c1", "2026-11-24", "x", 1);
    await db.store.failDelivery("telegram", "c1", "2026-11-24", "transient: HTTP 502");

    const [text] = await say(dm("/stats", ADMIN)); // 20:00 in Shanghai
    expect(text).toBe(
      ["订阅：telegram 2，wechat 1", "今日（2026-11-24）已推送 1，失败 1，进行中 0", "下次推送：今天 22:15"].join("\n"),
    );
  });
});
