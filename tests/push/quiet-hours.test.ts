import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { snapshotOf, type LibrarySnapshot } from "../../src/catalog/live.ts";
import type { Article } from "../../src/library/article.ts";
import { Announcer } from "../../src/push/announce.ts";
import { fakeClock } from "../helpers/bot.ts";
import { FAST, FakeSender, pushService, tempSqlite } from "./helpers.ts";

/**
 * Quiet hours (「设置 免打扰 22:00-08:00」): a group gets no push and no
 * announcement while they last, and gets what it missed once they end.
 * Asia/Shanghai is UTC+8: 07:30 there on 11-25 is 23:30 UTC on 11-24.
 */
describe("quiet hours of a group", () => {
  const clock = fakeClock("2026-11-23T12:00:00Z");
  let db: Awaited<ReturnType<typeof tempSqlite>>;

  beforeEach(async () => {
    clock.set("2026-11-23T12:00:00Z");
    db = await tempSqlite(clock);
    await db.store.subscribe({ platform: "wechat", chatId: "quiet@chatroom", isGroup: true, time: null });
    await db.store.subscribe({ platform: "wechat", chatId: "busy@chatroom", isGroup: true, time: null });
    await db.store.updateGroupSettings("wechat", "quiet@chatroom", { quietHours: { start: "22:00", end: "08:00" } });
  });
  afterEach(() => db.cleanup());

  it("holds the 07:30 push of a group quiet until 08:00, and delivers it at 08:00, once", async () => {
    const sender = new FakeSender("wechat");
    const { service } = await pushService(db.store, clock, [sender]);
    clock.set("2026-11-24T23:30:00Z");
    await service.tick();
    expect(sender.chats()).toEqual(["busy@chatroom"]);
    clock.set("2026-11-24T23:59:00Z");
    await service.tick();
    expect(sender.chats()).toEqual(["busy@chatroom"]);
    clock.set("2026-11-25T00:00:00Z");
    await service.tick();
    clock.set("2026-11-25T00:01:00Z");
    await service.tick();
    expect(sender.chats()).toEqual(["busy@chatroom", "quiet@chatroom"]);
    await service.stop();
  });

  it("pushes at once when quiet hours are switched off", async () => {
    const sender = new FakeSender("wechat");
    const { service } = await pushService(db.store, clock, [sender]);
    clock.set("2026-11-24T23:40:00Z");
    await service.tick();
    await db.store.updateGroupSettings("wechat", "quiet@chatroom", { quietHours: null });
    clock.set("2026-11-24T23:41:00Z");
    await service.tick();
    expect(sender.chats()).toEqual(["busy@chatroom", "quiet@chatroom"]);
    await service.stop();
  });

  it("holds new-article announcements for a quiet group until the first retry after its quiet hours", async () => {
    await db.store.subscribeNews({ platform: "wechat", chatId: "quiet@chatroom", isGroup: true, keywords: [] });
    await db.store.subscribeNews({ platform: "wechat", chatId: "busy@chatroom", isGroup: true, keywords: [] });
    const article = (id: string, date: string): Article => ({
      id,
      title: id,
      date,
      summary: "摘要",
      body: "正文。",
      url: `https://mp.weixin.qq.com/s/${id}`,
      account: "槽边往事",
    });
    const library = (...articles: Article[]): LibrarySnapshot =>
      snapshotOf({ articles: [article("旧文章", "2026-11-01"), ...articles] });
    const sender = new FakeSender("wechat");
    const news = new Announcer({
      store: db.store,
      senders: () => [sender],
      clock,
      log: pino({ level: "silent" }),
      timeZone: "Asia/Shanghai",
      paces: FAST,
      retryEveryMs: 0,
    });
    clock.set("2026-11-24T15:00:00Z"); // 23:00 in Shanghai
    await news.start(library());
    await news.changed(library(article("新文章", "2026-11-24")));
    expect(sender.chats()).toEqual(["busy@chatroom"]);
    clock.set("2026-11-24T23:00:00Z"); // 07:00: still quiet
    await news.flush();
    expect(sender.chats()).toEqual(["busy@chatroom"]);
    clock.set("2026-11-25T00:30:00Z"); // 08:30
    await news.flush();
    expect(sender.chats()).toEqual(["busy@chatroom", "quiet@chatroom"]);
    await news.stop();
  });
});
