import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { t } from "../../../src/bot/strings.ts";
import { groupChat, user } from "../../helpers/fake-telegram.ts";
import { parseHtml } from "../../helpers/fake-telegram-checks.ts";
import { buttonsOf, startTelegram, ZEN_PATH, type Harness } from "./harness.ts";

describe("Telegram 禅定时刻 photo", () => {
  let h: Harness;
  beforeEach(async () => void (h = await startTelegram()));
  afterEach(async () => h.close());

  it("downloads the image without a Referer, uploads the bytes once, then reuses Telegram's file_id", async () => {
    h.tg.userMessage("/zen");
    const upload = await h.tg.waitForCall("sendPhoto");
    expect(upload.payload).toMatchObject({ chat_id: "1001", parse_mode: "HTML" });
    expect(parseHtml(upload.payload.caption)).toBe("禅定时刻 ·《墨荷》\n出自《墨荷与照相机》");
    expect(upload.payload.caption).toContain('<a href="https://mp.weixin.qq.com/s/ink-lotus">');
    expect(buttonsOf(upload.payload)).toEqual([[`${t.openArticle} → https://mp.weixin.qq.com/s/ink-lotus`]]);
    const [file] = Object.values(upload.files);
    expect(file!.bytes.length).toBe(3000);
    expect(h.host.hits(ZEN_PATH)).toHaveLength(1);
    expect(h.host.hits(ZEN_PATH)[0]!.headers.referer).toBeUndefined();

    h.tg.userMessage("禅定", { from: user(1002) });
    h.tg.userMessage("/zen@article_test_bot", { chat: groupChat(), from: user(1003) });
    const again = await h.tg.waitForCall("sendPhoto", () => true, { skip: 2 });
    const fileId = upload.result.photo.at(-1).file_id;
    expect(
      h.tg
        .callsOf("sendPhoto")
        .slice(1)
        .map((c) => [c.payload.photo, Object.keys(c.files).length]),
    ).toEqual([
      [fileId, 0],
      [fileId, 0],
    ]);
    expect(again.outcome).toBe("ok");
    expect(h.host.hits(ZEN_PATH)).toHaveLength(1);
    expect(await h.store.getValue(`telegram:123456:photo:https://mmbiz.qpic.cn${ZEN_PATH}?wx_fmt=jpeg`)).toBe(fileId);
  });

  it("does not upload again when a send read the store before the first upload was stored (a slow shared store)", async () => {
    // Every read answers as a store would that was read just before the first upload's file_id was written.
    h.store.getValue = async () => undefined;
    h.tg.userMessage("/zen");
    const upload = await h.tg.waitForCall("sendPhoto");
    h.tg.userMessage("禅定", { from: user(1002) });
    await h.tg.waitForCall("sendPhoto", () => true, { skip: 1 });
    const fileId = upload.result.photo.at(-1).file_id;
    expect(h.tg.callsOf("sendPhoto").map((c) => Object.keys(c.files).length)).toEqual([1, 0]);
    expect(h.tg.callsOf("sendPhoto")[1]!.payload.photo).toBe(fileId);
    expect(h.host.hits(ZEN_PATH)).toHaveLength(1);
  });

  it("sends the caption and link as text when the image host fails", async () => {
    h.host.route(ZEN_PATH, { kind: "status", status: 503 });
    h.tg.userMessage("/zen");
    const text = await h.tg.waitForCall("sendMessage");
    expect(parseHtml(text.payload.text)).toBe("禅定时刻 ·《墨荷》\n出自《墨荷与照相机》");
    expect(h.tg.callsOf("sendPhoto")).toHaveLength(0);
    expect(h.logs.join("")).toContain("telegram photo unavailable");
  });
});
