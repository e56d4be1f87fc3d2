import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ImageReply } from "../../src/chat/message.ts";
import { SendError } from "../../src/chat/sender.ts";
import { imageOfDay } from "../../src/zen/gallery.ts";
import { fakeClock } from "../helpers/bot.ts";
import { FakeSender, pushService, subscribeMany, tempSqlite } from "./helpers.ts";

// Asia/Shanghai is UTC+8 without daylight saving: 07:30 on 11-25 there is 23:30 UTC on 11-24.
const YESTERDAY = "2026-11-23T12:00:00Z";
const BEFORE_PUSH = "2026-11-24T23:29:00Z";
const PUSH_TIME = "2026-11-24T23:30:00Z";
const DAY = "2026-11-25";

describe("daily push schedule", () => {
  let clock: ReturnType<typeof fakeClock>;
  let db: Awaited<ReturnType<typeof tempSqlite>>;

  beforeEach(async () => {
    clock = fakeClock(YESTERDAY);
    db = await tempSqlite(clock);
  });
  afterEach(() => db.cleanup());

  it("pushes at 07:30 Shanghai time, keyed by the Shanghai day, once", async () => {
    await subscribeMany(db.store, 3);
    const sender = new FakeSender();
    const { service } = await pushService(db.store, clock, [sender]);

    clock.set(BEFORE_PUSH);
    await service.tick();
    expect(sender.delivered).toHaveLength(0);

    clock.set(PUSH_TIME);
    await service.tick();
    expect(sender.chats().sort()).toEqual(["c0", "c1", "c2"]);
    expect((await db.store.listDeliveries(DAY)).map((d) => d.status)).toEqual(["sent", "sent", "sent"]);

    clock.set("2026-11-24T23:31:00Z");
    await service.tick();
    clock.set("2026-11-25T15:59:00Z");
    await service.tick();
    expect(sender.delivered).toHaveLength(3);

    clock.set("2026-11-25T23:30:00Z");
    await service.tick();
    expect(sender.delivered).toHaveLength(6);
    expect(await db.store.listDeliveries("2026-11-26")).toHaveLength(3);
    await service.stop();
  });

  it("pushes the image of the day that 禅定 shows, with its article and 那年今日", async () => {
    await subscribeMany(db.store, 1);
    const sender = new FakeSender();
    const { service, snapshot } = await pushService(db.store, clock, [sender]);
    clock.set(PUSH_TIME);
    await service.tick();
    const expected = imageOfDay(snapshot.gallery, DAY)!;
    const reply = sender.delivered[0]?.reply as ImageReply;
    expect(reply).toMatchObject({ kind: "image", url: expected.image, article: { title: expected.article.title } });
    const [caption, onThisDay] = reply.caption.split("\n");
    expect(caption).toBe(`禅定时刻 ·《${expected.title}》`);
    // The digest of 2022-11-25 only lists titles; the 2021 article is the one worth remembering.
    expect(onThisDay).toBe("那年今日（2021）：《第一次坐无人出租车》 https://mp.weixin.qq.com/s/robotaxi");
    await service.stop();
  });

  it("pushes personal times at their minute and not at the default time", async () => {
    await db.store.subscribe({ platform: "telegram", chatId: "night", isGroup: false, time: "21:30" });
    await db.store.subscribe({ platform: "telegram", chatId: "morning", isGroup: false, time: null });
    const sender = new FakeSender();
    const { service } = await pushService(db.store, clock, [sender]);

    clock.set(PUSH_TIME);
    await service.tick();
    expect(sender.chats()).toEqual(["morning"]);

    clock.set("2026-11-25T13:29:00Z"); // 21:29
    await service.tick();
    expect(sender.chats()).toEqual(["morning"]);

    clock.set("2026-11-25T13:30:00Z"); // 21:30
    await service.tick();
    expect(sender.chats()).toEqual(["morning", "night"]);
    await service.stop();
  });

  it("catches up on start when the process was down at push time, for today only", async () => {
    await subscribeMany(db.store, 2);
    clock.set("2026-11-25T02:00:00Z"); // 10:00 Shanghai, 2.5 hours late
    await db.store.subscribe({ platform: "telegram", chatId: "new-today", isGroup: false, time: null });
    const sender = new FakeSender();
    const { service, ticker } = await pushService(db.store, clock, [sender]);

    service.start();
    await service.idle();
    expect(sender.chats().sort()).toEqual(["c0", "c1"]);
    expect((await db.store.listDeliveries(DAY)).every((d) => d.day === DAY)).toBe(true);

    ticker.fire();
    await service.idle();
    expect(sender.delivered).toHaveLength(2);
    await service.stop();
    expect(ticker.stopped).toBe(true);
  });

  it("does not push yesterday's image after a restart the next day", async () => {
    await subscribeMany(db.store, 1);
    const sender = new FakeSender();
    clock.set("2026-11-25T15:00:00Z"); // 23:00 on 11-25: already pushed today
    await db.store.claimDelivery("telegram", "c0", DAY, "old", 1);
    await db.store.confirmDelivery("telegram", "c0", DAY);

    clock.set("2026-11-25T22:00:00Z"); // 06:00 on 11-26: before today's push time
    const { service } = await pushService(db.store, clock, [sender]);
    service.start();
    await service.idle();
    expect(sender.delivered).toHaveLength(0);
    await service.stop();
  });

  it("tries a rate-limited or unsent chat again half an hour later, but never resends after an ambiguous failure", async () => {
    await subscribeMany(db.store, 4);
    const first = new FakeSender("telegram", (id) => {
      if (id === "c1") return new SendError("transient", "sendPhoto timed out (the message may have arrived)");
      if (id === "c2") return new SendError("rate_limited", "Too Many Requests", 1);
      if (id === "c3") return new SendError("unsent", "connect ECONNREFUSED");
      return undefined;
    });
    const { service } = await pushService(db.store, clock, [first], { fanout: { rateLimitRetries: 0 } });
    clock.set(PUSH_TIME);
    await service.tick();
    expect(first.chats()).toEqual(["c0"]);

    const later = new FakeSender();
    const again = await pushService(db.store, clock, [later]);
    clock.set("2026-11-24T23:59:00Z"); // 29 minutes on: too early
    await again.service.tick();
    clock.set("2026-11-25T00:00:00Z");
    await again.service.tick();
    clock.set("2026-11-25T03:00:00Z");
    await again.service.tick();
    expect(later.chats().sort()).toEqual(["c2", "c3"]);
    expect((await db.store.listDeliveries(DAY)).find((d) => d.chatId === "c1")).toMatchObject({ status: "failed" });
    await Promise.all([service.stop(), again.service.stop()]);
  });

  it("lets the subscribers of a platform without a running adapter wait, unclaimed", async () => {
    await subscribeMany(db.store, 2, { platform: "wechat" });
    const wechat = new FakeSender("wechat");
    const senders: FakeSender[] = [];
    const { service } = await pushService(db.store, clock, [], { senders: () => senders });
    clock.set(PUSH_TIME);
    await service.tick();
    expect(await db.store.listDeliveries(DAY)).toEqual([]);

    senders.push(wechat);
    clock.set("2026-11-24T23:45:00Z");
    await service.tick();
    expect(wechat.chats().sort()).toEqual(["c0", "c1"]);
    await service.stop();
  });
});
