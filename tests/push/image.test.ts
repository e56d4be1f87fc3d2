import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { downloadImage } from "../../src/net/download.ts";
import { ImageCache } from "../../src/net/image-cache.ts";
import { imageOfDay } from "../../src/zen/gallery.ts";
import { fakeClock } from "../helpers/bot.ts";
import { LOCAL_IMAGE_HOSTS } from "../helpers/image-server.ts";
import { captureLog, FakeSender, pushService, subscribeMany, tempSqlite } from "./helpers.ts";

const DAY = "2026-11-25";

/** A local stand-in for mmbiz.qpic.cn that answers as `mode` says. */
async function imageServer(mode: "ok" | "404" | "slow") {
  const requests: IncomingHttpHeaders[] = [];
  const pending = new Set<() => void>();
  const server: Server = createServer((req, res) => {
    requests.push(req.headers);
    if (mode === "404") return void res.writeHead(404).end("not found");
    if (mode === "slow") return void pending.add(() => res.destroy());
    res.writeHead(200, { "content-type": "image/jpeg" }).end(Buffer.from([0xff, 0xd8, 0xff, 0xe0]));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    requests,
    /** Fetch WeChat image URLs from this server instead (same path and query). */
    // 1 s: long enough for a loaded CI machine to fetch the image, short enough for the "slow" case to give up quickly.
    download: (url: string) =>
      downloadImage(url.replace("https://mmbiz.qpic.cn", origin), {
        timeoutMs: 1_000,
        retries: 1,
        backoffMs: () => 10,
        allowHosts: LOCAL_IMAGE_HOSTS,
      }),
    close: async () => {
      for (const hangUp of pending) hangUp();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

describe("the image of the day", () => {
  let clock: ReturnType<typeof fakeClock>;
  let db: Awaited<ReturnType<typeof tempSqlite>>;
  let server: Awaited<ReturnType<typeof imageServer>> | undefined;

  beforeEach(async () => {
    clock = fakeClock("2026-11-23T00:00:00Z");
    db = await tempSqlite(clock);
    await subscribeMany(db.store, 30);
    await subscribeMany(db.store, 5, { platform: "wechat", prefix: "w" });
    clock.set("2026-11-24T23:30:00Z");
  });
  afterEach(async () => {
    await server?.close();
    await db.cleanup();
  });

  const pushWith = async (mode: "ok" | "404" | "slow") => {
    server = await imageServer(mode);
    const { log, lines } = captureLog();
    const telegram = new FakeSender("telegram");
    const wechat = new FakeSender("wechat");
    const images = new ImageCache({ download: server.download, clock });
    // The senders fetch through the same cache, as the real adapters do.
    for (const s of [telegram, wechat]) {
      const send = s.send.bind(s);
      s.send = async (chatId, reply) => {
        if (reply.kind === "image") await images.get(reply.url);
        return send(chatId, reply);
      };
    }
    const { service, snapshot } = await pushService(db.store, clock, [telegram, wechat], { images, log });
    await service.tick();
    await service.stop();
    return { telegram, wechat, lines, expected: imageOfDay(snapshot.gallery, DAY)! };
  };

  it("is downloaded once, without a Referer, and sent to every platform", async () => {
    const { telegram, wechat, expected } = await pushWith("ok");
    expect(server!.requests).toHaveLength(1);
    expect(server!.requests[0]?.referer).toBeUndefined();
    expect(telegram.delivered).toHaveLength(30);
    expect(wechat.delivered).toHaveLength(5);
    expect(telegram.delivered.every((d) => d.reply.kind === "image" && d.reply.url === expected.image)).toBe(true);
  });

  it.each(["404", "slow"] as const)(
    "falls back to the caption and article link when the image server is %s",
    async (mode) => {
      const { telegram, wechat, lines, expected } = await pushWith(mode);
      const warning = lines().find((l) => l.msg === "push image unavailable; sending text only");
      expect(warning).toMatchObject({ level: 40, day: DAY, url: expected.image });
      expect(String(warning?.err)).toMatch(mode === "404" ? /HTTP 404/ : /timed out/);
      const texts = [...telegram.delivered, ...wechat.delivered].map((d) => d.reply);
      expect(texts).toHaveLength(35);
      for (const reply of texts) {
        expect(reply.kind).toBe("text");
        if (reply.kind !== "text") continue;
        expect(reply.text.split("\n")[0]).toBe(`禅定时刻 ·《${expected.title}》`);
        expect(reply.text).toContain(`出自《${expected.article.title}》 ${expected.article.url}`);
      }
    },
  );
});
