import pino from "pino";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SendError } from "../../src/chat/sender.ts";
import { snapshotOf, type LibrarySnapshot } from "../../src/catalog/live.ts";
import type { Article } from "../../src/library/article.ts";
import { Announcer } from "../../src/push/announce.ts";
import type { Store } from "../../src/store/store.ts";
import { fakeClock } from "../helpers/bot.ts";
import { FAST, FakeSender, fullDisk, pushService, subscribeMany, tempSqlite } from "./helpers.ts";

const DAY = "2026-11-25";
/** 07:30 in Shanghai on DAY, plus `minutes`. */
const at = (minutes: number) => new Date(Date.parse("2026-11-24T23:30:00Z") + minutes * 60_000).toISOString();

describe("a full disk while the push records what it sent (SQLITE_FULL on 'mark sent')", () => {
  const clock = fakeClock("2026-11-24T12:00:00Z");
  let db: Awaited<ReturnType<typeof tempSqlite>>;

  beforeEach(async () => {
    clock.set("2026-11-24T12:00:00Z");
    db = await tempSqlite(clock);
    await subscribeMany(db.store, 300);
  });
  afterEach(() => db.cleanup());

  it("never pushes a chat again whose message arrived, and records it as sent once the disk has room", async () => {
    const disk = fullDisk(db.store, ["confirmDelivery", "failDelivery"]);
    // c7 timed out: it may have arrived, so it must not be sent again either.
    const sender = new FakeSender("telegram", (chatId, attempt) =>
      chatId === "c7" && attempt === 1 ? new SendError("transient", "sendPhoto timed out") : undefined,
    );
    const { service } = await pushService(disk.store, clock, [sender]);

    // The disk is full from 07:30 to 07:45; a tick every minute until 09:00 (claims go stale after 10 minutes).
    for (let minute = 0; minute <= 90; minute++) {
      disk.full = minute < 15;
      clock.set(at(minute));
      await service.tick();
    }

    expect(disk.failures).toBeGreaterThanOrEqual(300);
    expect(sender.counts().size).toBe(299);
    expect([...sender.counts().values()].every((n) => n === 1)).toBe(true);
    const rows = await db.store.listDeliveries(DAY);
    expect(rows.filter((r) => r.status === "sent")).toHaveLength(299);
    expect(rows.find((r) => r.chatId === "c7")).toMatchObject({
      status: "failed",
      error: "transient: sendPhoto timed out",
    });
    await service.stop();
  });

  it("sends nothing while the store refuses the claims, and everything at the next tick once it takes them", async () => {
    const disk = fullDisk(db.store, ["claimDelivery"]);
    const sender = new FakeSender();
    const { service } = await pushService(disk.store, clock, [sender]);
    clock.set(at(0));
    await service.tick();
    expect(sender.delivered).toEqual([]);

    disk.full = false;
    clock.set(at(1));
    await service.tick();
    expect(sender.counts().size).toBe(300);
    expect([...sender.counts().values()].every((n) => n === 1)).toBe(true);
    await service.stop();
  });

  it("tries a chat again after its claim goes stale when nothing arrived and the store could not record that", async () => {
    const disk = fullDisk(db.store, ["failDelivery"]);
    const sender = new FakeSender("telegram", (chatId, attempt) =>
      chatId === "c3" && attempt === 1 ? new SendError("unsent", "sendPhoto: 500 Internal Server Error") : undefined,
    );
    const { service } = await pushService(disk.store, clock, [sender]);
    clock.set(at(0));
    await service.tick();
    disk.full = false;
    clock.set(at(9));
    await service.tick();
    expect(sender.chats()).not.toContain("c3");

    clock.set(at(10));
    await service.tick();
    expect(sender.chats().filter((c) => c === "c3")).toHaveLength(1);
    expect(sender.delivered).toHaveLength(300);
    await service.stop();
  });

  it("writes what it kept by itself once the disk has room, without waiting for the next run", async () => {
    const disk = fullDisk(db.store, ["confirmDelivery"]);
    const sender = new FakeSender();
    const { service } = await pushService(disk.store, clock, [sender], { outcomeRetryMs: 10 });
    clock.set(at(0));
    await service.tick();
    expect((await db.store.listDeliveries(DAY)).every((r) => r.status === "claimed")).toBe(true);

    disk.full = false;
    await vi.waitFor(
      async () => expect((await db.store.listDeliveries(DAY)).filter((r) => r.status === "sent")).toHaveLength(300),
      { timeout: 280_000, interval: 20 },
    );
    await service.stop();
  });
});

describe("new-article announcements on a full disk", () => {
  const clock = fakeClock("2026-11-25T00:30:00Z");
  const OLD: Article = {
    id: "槽边往事/黄狗追呀追",
    title: "黄狗追呀追",
    date: "2026-11-01",
    summary: "摘要",
    body: "正文。",
    url: "https://mp.weixin.qq.com/s/old",
  };
  const NEW: Article = {
    ...OLD,
    id: "槽边往事/原地慢慢跑",
    title: "原地慢慢跑",
    date: "2026-11-25",
    url: "https://mp.weixin.qq.com/s/new",
  };
  const library = (...articles: Article[]): LibrarySnapshot => snapshotOf({ articles });
  let db: Awaited<ReturnType<typeof tempSqlite>>;

  beforeEach(async () => {
    db = await tempSqlite(clock);
    for (const chatId of ["alice", "bob"])
      await db.store.subscribeNews({ platform: "telegram", chatId, isGroup: false, keywords: [] });
  });
  afterEach(() => db.cleanup());

  const announcer = (store: Store, sender: FakeSender) =>
    new Announcer({
      store,
      senders: () => [sender],
      clock,
      log: pino({ level: "silent" }),
      timeZone: "Asia/Shanghai",
      paces: FAST,
      retryEveryMs: 0,
      storeRetryMs: 0,
    });
  const titles = (sender: FakeSender) =>
    sender.delivered
      .map((d) => `${d.chatId}:${d.reply.kind === "articles" ? d.reply.articles[0]!.title : d.reply.kind}`)
      .sort();

  it("announces an article the store could not record as seen once it takes writes again, without a restart", async () => {
    const disk = fullDisk(db.store, ["markSeen"]);
    disk.full = false;
    const sender = new FakeSender();
    const news = announcer(disk.store, sender);
    await news.start(library(OLD));

    disk.full = true;
    expect(await news.changed(library(OLD, NEW))).toEqual([]);
    await news.flush();
    expect(sender.delivered).toEqual([]);

    disk.full = false;
    await news.flush();
    expect(titles(sender)).toEqual(["alice:原地慢慢跑", "bob:原地慢慢跑"]);
    await news.flush();
    expect(sender.delivered).toHaveLength(2);
    await news.stop();
  });

  it("tries an announcement again whose claim the store refused (nothing was sent)", async () => {
    const disk = fullDisk(db.store, ["claimDelivery"]);
    disk.full = false;
    const sender = new FakeSender();
    const news = announcer(disk.store, sender);
    await news.start(library(OLD));

    disk.full = true;
    await news.changed(library(OLD, NEW));
    expect(sender.delivered).toEqual([]);

    disk.full = false;
    await news.flush();
    expect(titles(sender)).toEqual(["alice:原地慢慢跑", "bob:原地慢慢跑"]);
    await news.stop();
  });

  it("never sends an announcement again that arrived while the store could not record it", async () => {
    const disk = fullDisk(db.store, ["confirmDelivery"]);
    disk.full = false;
    const sender = new FakeSender("telegram", (chatId, attempt) =>
      chatId === "bob" && attempt === 1 ? new SendError("unsent", "connect ECONNREFUSED") : undefined,
    );
    const news = announcer(disk.store, sender);
    await news.start(library(OLD));

    disk.full = true;
    await news.changed(library(OLD, NEW));
    clock.set("2026-11-25T01:30:00Z"); // an hour on: alice's claim looks abandoned
    await news.flush();
    disk.full = false;
    await news.flush();
    await news.flush();

    expect(titles(sender)).toEqual(["alice:原地慢慢跑", "bob:原地慢慢跑"]);
    expect((await db.store.countDeliveries("new:", "2000-01-01T00:00:00Z")).sent).toBe(2);
    await news.stop();
  });
});
