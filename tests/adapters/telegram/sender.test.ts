import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTelegramSender, type TelegramSender } from "../../../adapters/telegram/sender.ts";
import type { Reply } from "../../../src/chat/message.ts";
import { SendError } from "../../../src/chat/sender.ts";
import { silentLogger } from "../../../src/log.ts";
import { downloadImage } from "../../../src/net/download.ts";
import { ImageCache } from "../../../src/net/image-cache.ts";
import type { Store } from "../../../src/store/store.ts";
import { tempStore } from "../../helpers/bot.ts";
import { FakeTelegram } from "../../helpers/fake-telegram.ts";
import { ImageServer, jpegBytes, LOCAL_IMAGE_HOSTS } from "../../helpers/image-server.ts";

const zen = (url: string): Reply => ({
  kind: "image",
  url,
  caption: "禅定时刻 ·《墨荷》",
  article: { title: "墨荷与照相机", url: "https://mp.weixin.qq.com/s/ink-lotus" },
});

describe("Telegram sender (the push's way into Telegram)", () => {
  let tg: FakeTelegram;
  let images: ImageServer;
  let db: { store: Store; cleanup(): Promise<void> };
  let sender: TelegramSender;

  beforeEach(async () => {
    [tg, images, db] = await Promise.all([FakeTelegram.start(), ImageServer.start(), tempStore()]);
    const cache = new ImageCache({
      download: (url) => downloadImage(url, { retries: 0, allowHosts: LOCAL_IMAGE_HOSTS }),
    });
    sender = createTelegramSender({
      token: tg.token,
      apiRoot: tg.apiRoot,
      kv: db.store,
      log: silentLogger(),
      images: cache,
    });
  });
  afterEach(async () => {
    await Promise.all([tg.close(), images.close(), db.cleanup()]);
  });

  it("sends text as escaped HTML", async () => {
    await sender.send("1001", { kind: "text", text: "<b>不是标签</b> & 朋友" });
    const [call] = tg.sent("1001");
    expect(call!.payload).toMatchObject({ parse_mode: "HTML", text: "&lt;b&gt;不是标签&lt;/b&gt; &amp; 朋友" });
  });

  it("uploads the image of the day once and reuses Telegram's file_id for every later chat", async () => {
    const url = images.route("/mmbiz_jpg/molotus/0", { kind: "image", bytes: jpegBytes(4096) });
    await sender.send("1", zen(url));
    await Promise.all(["2", "3", "4"].map((chat) => sender.send(chat, zen(url))));

    const photos = tg.callsOf("sendPhoto");
    expect(photos).toHaveLength(4);
    const [upload, ...reuses] = photos;
    expect(Object.values(upload!.files).map((f) => f.bytes.length)).toEqual([4096]);
    const fileId = upload!.result.photo.at(-1).file_id;
    expect(reuses.map((c) => c.payload.photo)).toEqual([fileId, fileId, fileId]);
    expect(reuses.every((c) => Object.keys(c.files).length === 0)).toBe(true);
    expect(upload!.payload).toMatchObject({
      parse_mode: "HTML",
      caption: expect.stringContaining("禅定时刻 ·《墨荷》"),
    });
    expect(images.hits("/mmbiz_jpg/molotus/0")).toHaveLength(1);
    expect(images.requests[0]!.headers.referer).toBeUndefined();
  });

  it("keeps the file_id in the store, so a restarted bot does not upload again", async () => {
    const url = images.route("/kept.jpg", { kind: "image", bytes: jpegBytes() });
    await sender.send("1", zen(url));
    const restarted = createTelegramSender({ token: tg.token, apiRoot: tg.apiRoot, kv: db.store, log: silentLogger() });
    await restarted.send("2", zen(url));
    expect(tg.callsOf("sendPhoto").map((c) => Object.keys(c.files).length)).toEqual([1, 0]);
    expect(images.hits("/kept.jpg")).toHaveLength(1);
  });

  it("uploads again when Telegram no longer knows a stored file_id", async () => {
    const url = images.route("/stale.jpg", { kind: "image", bytes: jpegBytes() });
    await db.store.setValue(`telegram:123456:photo:${url}`, "forgotten-file-id");
    await sender.send("1", zen(url));
    expect(tg.callsOf("sendPhoto").map((c) => c.outcome)).toEqual([400, "ok"]);
    expect(await db.store.getValue(`telegram:123456:photo:${url}`)).toBe(
      tg.callsOf("sendPhoto")[1]!.result.photo.at(-1).file_id,
    );
  });

  it("uploads once when many chats ask for a new image at the same moment", async () => {
    const url = images.route("/new.png", { kind: "image", bytes: jpegBytes(1000), contentType: "image/png" });
    await Promise.all(Array.from({ length: 10 }, (_, i) => sender.send(String(100 + i), zen(url))));
    const uploads = tg.callsOf("sendPhoto").filter((c) => Object.keys(c.files).length > 0);
    expect(uploads).toHaveLength(1);
    expect(tg.sent()).toHaveLength(10);
  });

  it("lets the other chats go on while one upload hangs, and leaves the hung chat's result to itself", async () => {
    const url = images.route("/hangs.jpg", { kind: "image", bytes: jpegBytes(4096) });
    const cache = new ImageCache({ download: (u) => downloadImage(u, { retries: 0, allowHosts: LOCAL_IMAGE_HOSTS }) });
    // The upload timeout stays a minute; the other sends wait a second for an upload in flight.
    const patient = createTelegramSender({
      token: tg.token,
      apiRoot: tg.apiRoot,
      kv: db.store,
      log: silentLogger(),
      images: cache,
      uploadPatienceMs: 1000,
    });
    tg.delay({ method: "sendPhoto", chatId: "1", delayMs: 120_000 });
    const first = patient.send("1", zen(url)).then(
      () => "sent",
      (err: unknown) => err,
    );
    await tg.waitForCall("sendPhoto", (c) => c.payload.chat_id === "1", { arrived: true });

    await Promise.all(["2", "3", "4", "5", "6"].map((chat) => patient.send(chat, zen(url))));

    expect(tg.sent().map((c) => c.payload.chat_id)).toEqual(expect.arrayContaining(["2", "3", "4", "5", "6"]));
    expect(tg.callsOf("sendPhoto")[0]!.outcome).toBe("pending");
    // One of the waiters took over the upload; the others reused its file_id.
    expect(tg.callsOf("sendPhoto").filter((c) => Object.keys(c.files).length > 0)).toHaveLength(2);
    await tg.close();
    expect(await first).toMatchObject({ name: "SendError", failure: "transient" });
  });

  it("a store that cannot be read for the photo's file_id is unsent: nothing was sent, so it may be tried again", async () => {
    const url = images.route("/lookup.jpg", { kind: "image", bytes: jpegBytes() });
    const locked: Store = Object.create(db.store, {
      getValue: {
        value: () => Promise.reject(Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY" })),
      },
    });
    const broken = createTelegramSender({ token: tg.token, apiRoot: tg.apiRoot, kv: locked, log: silentLogger() });
    const err = await broken.send("8", zen(url)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({
      name: "SendError",
      failure: "unsent",
      message: expect.stringContaining("database is locked"),
    });
    expect(tg.calls).toHaveLength(0);
  });

  it("falls back to the caption and link as text when the image cannot be fetched", async () => {
    const url = images.route("/gone.jpg", { kind: "status", status: 404 });
    await sender.send("7", zen(url));
    expect(tg.callsOf("sendPhoto")).toHaveLength(0);
    const [call] = tg.sent("7");
    expect(call!.method).toBe("sendMessage");
    expect(call!.payload.text).toContain("禅定时刻 ·《墨荷》");
    expect(call!.payload.text).toContain('<a href="https://mp.weixin.qq.com/s/ink-lotus">出自《墨荷与照相机》</a>');
  });

  describe("classifies failures so the push can act", () => {
    const failureOf = async (promise: Promise<unknown>) => {
      const err = await promise.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(SendError);
      return err as SendError;
    };

    it("a user who blocked the bot (403) is gone", async () => {
      tg.fail({ chatId: 5, code: 403, description: "Forbidden: bot was blocked by the user" });
      const err = await failureOf(sender.send("5", { kind: "text", text: "hi" }));
      expect(err.failure).toBe("gone");
      expect(err.message).toContain("blocked");
    });

    it("429 is rate_limited with Telegram's retry_after, answered at once (the push waits, not the sender)", async () => {
      tg.fail({ method: "sendMessage", code: 429, retryAfter: 7 });
      const err = await failureOf(sender.send("5", { kind: "text", text: "hi" }));
      expect(err).toMatchObject({ failure: "rate_limited", retryAfterMs: 7000 });
      expect(tg.callsOf("sendMessage")).toHaveLength(1);
    });

    it("5xx is unsent: Telegram answered that the call failed, so the push may try again", async () => {
      tg.fail({ code: 500, description: "Internal Server Error" });
      const err = await failureOf(sender.send("5", { kind: "text", text: "hi" }));
      expect(err).toMatchObject({ failure: "unsent", message: "sendMessage: 500 Internal Server Error" });
      expect(tg.sent("5")).toHaveLength(0);
    });

    it("a malformed request (400) is rejected, a vanished chat (400 chat not found) is gone", async () => {
      tg.fail({ chatId: 6, code: 400, description: "Bad Request: message text is empty", times: 1 });
      expect((await failureOf(sender.send("6", { kind: "text", text: "x" }))).failure).toBe("rejected");
      tg.fail({ chatId: 6, code: 400, description: "Bad Request: chat not found" });
      expect((await failureOf(sender.send("6", { kind: "text", text: "x" }))).failure).toBe("gone");
    });

    it("a server that does not answer in time is transient", async () => {
      const slow = createTelegramSender({
        token: tg.token,
        apiRoot: tg.apiRoot,
        kv: db.store,
        log: silentLogger(),
        timeouts: { callMs: 100, uploadMs: 100, pollGraceMs: 100 },
      });
      tg.delay({ method: "sendMessage", delayMs: 1000 });
      const err = await failureOf(slow.send("5", { kind: "text", text: "hi" }));
      expect(err.failure).toBe("transient");
      expect(err.message).toContain("timed out");
    });

    it("a reused connection reset before any answer is unsent (the server closed it idle); a fresh one reset after reading is transient", async () => {
      await sender.send("5", { kind: "text", text: "hi" });
      tg.resetReused({ method: "sendMessage" });
      expect((await failureOf(sender.send("5", { kind: "text", text: "hi" }))).failure).toBe("unsent");
      expect(tg.sent("5")).toHaveLength(1);
      // The reset connection is gone, so this goes over a fresh one; read, then reset: the message may have arrived.
      tg.delay({ method: "sendMessage", delayMs: 1000, times: 1 });
      const sending = failureOf(sender.send("5", { kind: "text", text: "hi" }));
      await tg.waitForCall("sendMessage", () => true, { skip: 1, arrived: true });
      tg.dropConnections();
      expect((await sending).failure).toBe("transient");
    });

    it("a server that refuses the connection is unsent: nothing can have arrived", async () => {
      await tg.close();
      expect((await failureOf(sender.send("5", { kind: "text", text: "hi" }))).failure).toBe("unsent");
    });
  });
});
