import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTelegramSender } from "../../adapters/telegram/sender.ts";
import { silentLogger } from "../../src/log.ts";
import { downloadImage } from "../../src/net/download.ts";
import { ImageCache } from "../../src/net/image-cache.ts";
import { fakeClock } from "../helpers/bot.ts";
import { FakeTelegram, type ApiCall } from "../helpers/fake-telegram.ts";
import { ImageServer, jpegBytes, LOCAL_IMAGE_HOSTS } from "../helpers/image-server.ts";
import { pushService, tempSqlite } from "./helpers.ts";

const CHATS = Array.from({ length: 1000 }, (_, i) => String(100_000 + i));
const BLOCKED = CHATS.filter((_, i) => i % 50 === 7);
const RATE_LIMITED = ["100100", "100101", "100102"];

describe("the daily push through the real Telegram sender and a fake Bot API server", () => {
  let tg: FakeTelegram;
  let host: ImageServer;
  let db: Awaited<ReturnType<typeof tempSqlite>>;
  const clock = fakeClock("2026-11-23T00:00:00Z");

  beforeEach(async () => {
    clock.set("2026-11-23T00:00:00Z");
    [tg, host, db] = await Promise.all([FakeTelegram.start(), ImageServer.start(), tempSqlite(clock)]);
    // The fixture library's images live on mmbiz.qpic.cn; serve both from the local host.
    for (const path of ["/mmbiz_jpg/molotus/0", "/mmbiz_png/shanzhong/0"])
      host.route(path, { kind: "image", bytes: jpegBytes(4096) });
    for (const chatId of CHATS) await db.store.subscribe({ platform: "telegram", chatId, isGroup: false, time: null });
    clock.set("2026-11-24T23:30:00Z");
  });
  afterEach(async () => {
    await Promise.all([tg.close(), host.close(), db.cleanup()]);
  });

  it("gives 1,000 subscribers exactly one push through 429s and 403s, and unsubscribes the blocked", async () => {
    for (const chatId of BLOCKED) tg.fail({ chatId, code: 403, description: "Forbidden: bot was blocked by the user" });
    for (const chatId of RATE_LIMITED) tg.fail({ chatId, code: 429, retryAfter: 1, times: 1 });
    const images = new ImageCache({
      download: (url) =>
        downloadImage(url.replace("https://mmbiz.qpic.cn", host.url), { retries: 0, allowHosts: LOCAL_IMAGE_HOSTS }),
      clock,
    });
    const telegram = createTelegramSender({
      token: tg.token,
      apiRoot: tg.apiRoot,
      kv: db.store,
      log: silentLogger(),
      images,
    });
    const { service } = await pushService(db.store, clock, [telegram], {
      images,
      paces: { telegram: { perSecond: 1000, concurrency: 8 } },
    });

    const [report] = (await service.tick())!;

    const active = CHATS.filter((c) => !BLOCKED.includes(c));
    expect(report).toMatchObject({ total: 1000, sent: active.length, gone: BLOCKED.length, failed: 0 });
    for (const chatId of active) expect(tg.sent(chatId)).toHaveLength(1);
    for (const chatId of BLOCKED) expect(tg.sent(chatId)).toHaveLength(0);
    for (const chatId of RATE_LIMITED)
      expect(
        tg
          .callsOf("sendPhoto")
          .filter((c) => String(c.payload.chat_id) === chatId)
          .map((c) => c.outcome),
      ).toEqual([429, "ok"]);
    expect((await db.store.listSubscriptions()).map((s) => s.chatId).sort()).toEqual(active);

    const uploads = tg.callsOf("sendPhoto").filter((c) => Object.keys(c.files).length > 0);
    expect(uploads).toHaveLength(1);
    expect(host.requests).toHaveLength(1);
    expect(host.requests[0]!.headers.referer).toBeUndefined();
    expect(tg.sent(active[0]!)[0]!.payload.caption).toMatch(/^禅定时刻 ·《.+》/);

    // The next minute's tick finds nothing left to do.
    clock.set("2026-11-24T23:31:00Z");
    await service.tick();
    expect(tg.sent()).toHaveLength(active.length);
    await service.stop();
  });

  it("gives every subscriber the push once within the day when a tenth of the calls answer 500, retrying half-hourly", async () => {
    const chats = CHATS.slice(0, 300);
    for (const chatId of CHATS.slice(300)) await db.store.unsubscribe("telegram", chatId);
    let seed = 7;
    const draws = new WeakMap<ApiCall, number>();
    // A seeded tenth of all sendPhoto calls, retries included.
    const tenth = (call: ApiCall) => {
      if (!draws.has(call)) draws.set(call, ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 10);
      return draws.get(call)! < 1;
    };
    tg.fail({ method: "sendPhoto", code: 500, when: tenth });
    const images = new ImageCache({
      download: (url) =>
        downloadImage(url.replace("https://mmbiz.qpic.cn", host.url), { retries: 0, allowHosts: LOCAL_IMAGE_HOSTS }),
      clock,
    });
    const telegram = createTelegramSender({
      token: tg.token,
      apiRoot: tg.apiRoot,
      kv: db.store,
      log: silentLogger(),
      images,
    });
    const { service } = await pushService(db.store, clock, [telegram], {
      images,
      paces: { telegram: { perSecond: 0, concurrency: 8 } },
    });

    const [first] = (await service.tick())!;
    expect(first!.failed).toBeGreaterThan(10);
    // The scheduler's half-hourly retries, 08:00 to 12:00.
    for (let half = 1; half <= 8; half++) {
      clock.set(new Date(Date.parse("2026-11-24T23:30:00Z") + half * 30 * 60_000).toISOString());
      await service.tick();
    }

    expect(tg.callsOf("sendPhoto").filter((c) => c.outcome === 500).length).toBeGreaterThan(first!.failed);
    for (const chatId of chats) expect(tg.sent(chatId)).toHaveLength(1);
    expect((await db.store.listDeliveries("2026-11-25")).every((d) => d.status === "sent")).toBe(true);
    await service.stop();
  });
});
