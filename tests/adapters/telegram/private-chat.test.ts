import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { t } from "../../../src/bot/strings.ts";
import { parseHtml } from "../../helpers/fake-telegram-checks.ts";
import { buttonsOf, callbackOf, startTelegram, type Harness } from "./harness.ts";

const USER = 1001;

describe("Telegram private chat", () => {
  let h: Harness;
  beforeEach(async () => void (h = await startTelegram()));
  afterEach(async () => h.close());

  it("treats any text as a search and lists the top results as an HTML card list", async () => {
    h.tg.userMessage("照相机");
    const { payload } = await h.tg.waitForCall("sendMessage");
    expect(payload).toMatchObject({ chat_id: USER, parse_mode: "HTML", link_preview_options: { is_disabled: true } });
    const lines = payload.text.split("\n");
    expect(lines[0]).toBe("<b>找到 7 篇与「照相机」相关的文章：</b>");
    expect(payload.text).toContain('<b>1. <a href="https://mp.weixin.qq.com/s/camera-2">旧照相机</a></b> · 2024-02-12');
    expect(payload.text).toMatch(/这是第 2 篇写<b>照相机<\/b>的文章/);
    expect(parseHtml(payload.text)).toContain("还有 4 篇");
    expect(buttonsOf(payload)).toEqual([
      [
        "原文 1 → https://mp.weixin.qq.com/s/camera-2",
        "原文 2 → https://mp.weixin.qq.com/s/ink-lotus",
        "原文 3 → https://mp.weixin.qq.com/s/camera-5",
      ],
      [`${t.nextPage} → ${callbackOf(payload, t.nextPage)}`],
    ]);
  });

  it("pages through the results in place with 下一页 and 上一页", async () => {
    h.tg.userMessage("照相机");
    const first = await h.tg.waitForCall("sendMessage");

    h.tg.pressButton(first.result, callbackOf(first.payload, t.nextPage));
    const second = await h.tg.waitForCall("editMessageText");
    expect(second.payload).toMatchObject({ chat_id: USER, message_id: first.result.message_id, parse_mode: "HTML" });
    expect(parseHtml(second.payload.text)).toMatch(/^找到 7 篇/);
    expect(second.payload.text).toContain("<b>4. ");
    expect(
      buttonsOf(second.payload)
        .at(-1)!
        .map((b) => b.split(" → ")[0]),
    ).toEqual([t.prevPage, t.nextPage]);
    await h.tg.waitForCall("answerCallbackQuery");

    h.tg.pressButton(second.result, callbackOf(second.payload, t.nextPage));
    const third = await h.tg.waitForCall("editMessageText", () => true, { skip: 1 });
    expect(third.payload.text).toContain("<b>7. ");
    expect(third.payload.text).not.toContain("<b>8. ");
    expect(
      buttonsOf(third.payload)
        .at(-1)!
        .map((b) => b.split(" → ")[0]),
    ).toEqual([t.prevPage]);

    h.tg.pressButton(third.result, callbackOf(third.payload, t.prevPage));
    const back = await h.tg.waitForCall("editMessageText", () => true, { skip: 2 });
    expect(back.payload.text).toBe(second.payload.text);
    await h.tg.waitForCall("answerCallbackQuery", () => true, { skip: 2 });
    expect(h.tg.sent(USER).filter((c) => c.method === "sendMessage")).toHaveLength(1);
  });

  it("answers a double-pressed button without an error", async () => {
    h.tg.userMessage("照相机");
    const first = await h.tg.waitForCall("sendMessage");
    const next = callbackOf(first.payload, t.nextPage);
    h.tg.pressButton(first.result, next);
    await h.tg.waitForCall("answerCallbackQuery");
    h.tg.pressButton(first.result, next);
    await h.tg.waitForCall("answerCallbackQuery", () => true, { skip: 1 });
    expect(h.tg.callsOf("editMessageText").map((c) => c.outcome)).toEqual(["ok", 400]);
    expect(h.logs.filter((l) => l.includes('"level":50'))).toEqual([]);
  });

  it("keeps 「更多」 working after paging with buttons", async () => {
    h.tg.userMessage("照相机");
    const first = await h.tg.waitForCall("sendMessage");
    h.tg.pressButton(first.result, callbackOf(first.payload, t.nextPage));
    await h.tg.waitForCall("answerCallbackQuery");
    h.tg.userMessage("更多");
    const more = await h.tg.waitForCall("sendMessage", () => true, { skip: 1 });
    expect(more.payload.text).toContain("<b>7. ");
  });

  it("answers the commands of the menu", async () => {
    const cases: Array<[string, RegExp]> = [
      ["/start", /我可以帮你找文章/],
      ["/help", /直接发关键词/],
      ["/s 墨荷", /找到 1 篇与「墨荷」/],
      ["/search 墨荷", /找到 1 篇与「墨荷」/],
      ["/latest", /最新的 5 篇文章/],
      ["/random", /随机给你一篇/],
      ["/search", /想找什么文章/],
    ];
    for (const [i, [text]] of cases.entries())
      h.tg.userMessage(text, { from: { id: 2000 + i, is_bot: false, first_name: "U" } });
    for (const [i, [text, expected]] of cases.entries()) {
      const call = await h.tg.waitForCall("sendMessage", (c) => c.payload.chat_id === 2000 + i);
      expect(parseHtml(call.payload.text), text).toMatch(expected);
    }
  });

  it("subscribes and unsubscribes the chat through the store", async () => {
    h.tg.userMessage("/subscribe 21:30");
    expect(parseHtml((await h.tg.waitForCall("sendMessage")).payload.text)).toContain("每天 21:30");
    expect(await h.store.getSubscription("telegram", String(USER))).toMatchObject({ isGroup: false, time: "21:30" });
    h.tg.userMessage("/unsubscribe");
    expect(parseHtml((await h.tg.waitForCall("sendMessage", () => true, { skip: 1 })).payload.text)).toBe(
      t.unsubscribed,
    );
    expect(await h.store.getSubscription("telegram", String(USER))).toBeUndefined();
  });

  it("shows a single article with a 阅读原文 button, and an article without a link without one", async () => {
    h.tg.userMessage("山中");
    const noLink = await h.tg.waitForCall("sendMessage");
    expect(noLink.payload.text).toContain("<b>1. 山中一日</b>");
    expect(noLink.payload.reply_markup).toBeUndefined();
    h.tg.userMessage("墨荷");
    const one = await h.tg.waitForCall("sendMessage", () => true, { skip: 1 });
    expect(buttonsOf(one.payload)).toEqual([[`${t.openArticle} → https://mp.weixin.qq.com/s/ink-lotus`]]);
  });
});
