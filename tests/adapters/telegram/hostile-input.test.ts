import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { groupChat, privateChat, user } from "../../helpers/fake-telegram.ts";
import { parseHtml } from "../../helpers/fake-telegram-checks.ts";
import { startTelegram, type Harness } from "./harness.ts";

/**
 * Whatever arrives, the bot answers sanely or stays silent, and keeps
 * answering afterwards. The fake server rejects bad HTML and over-long
 * texts like Telegram, so an escaping mistake fails these tests.
 */
describe("Telegram: bad updates and hostile input", () => {
  let h: Harness;
  let nextUser = 5000;

  beforeAll(async () => void (h = await startTelegram()));
  afterAll(async () => h.close());

  /** Send `text` from a fresh user; resolve with the bot's visible answer. */
  async function ask(text: string): Promise<{ html: string; visible: string }> {
    const from = user(nextUser++);
    h.tg.userMessage(text, { from });
    const call = await h.tg.waitForCall("sendMessage", (c) => c.payload.chat_id === from.id);
    expect(call.outcome).toBe("ok");
    return { html: call.payload.text, visible: parseHtml(call.payload.text) };
  }

  it("escapes HTML in queries", async () => {
    const { html } = await ask('<script>alert("x")</script> & <i>斜体</i><u>');
    // Only our own tags remain; the fake server has already rejected any unbalanced or unknown one.
    expect(html).not.toMatch(/<script|<\/?i>|<u>/);
  });

  it("escapes HTML in articles: titles, summaries, snippets and link URLs", async () => {
    const { html, visible } = await ask("脚本");
    expect(html).toContain(
      '<a href="https://mp.weixin.qq.com/s/hostile?a=1&amp;b=2">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; 朋友们</a>',
    );
    expect(visible).toContain('<script>alert("x")</script> & 朋友们');
    expect(visible).toContain("讲脚本注入");
  });

  it("answers a 10 KB text (and a 100 KB one) within Telegram's limits", async () => {
    for (const size of [10_000, 100_000]) {
      const { visible } = await ask("照相机".repeat(size / 3));
      expect(visible.length).toBeLessThanOrEqual(4096);
    }
  });

  it("answers emoji, markdown and whitespace-only text", async () => {
    expect((await ask("😀🎞️📷")).visible).toBeTruthy();
    expect((await ask("**照相机** _旧_ `code` [x](http://e.com)")).visible).toBeTruthy();
    expect((await ask("   \n\t ")).visible).toMatch(/想找什么文章/);
  });

  it("ignores stickers, photos, edits, channel posts, bots and service messages without crashing", async () => {
    const chat = privateChat(4242);
    const from = user(4242);
    const base = { date: 0, chat, from };
    h.tg.pushUpdate({
      message: {
        ...base,
        message_id: 1,
        sticker: {
          file_id: "s",
          file_unique_id: "s",
          type: "regular",
          width: 1,
          height: 1,
          is_animated: false,
          is_video: false,
        },
      },
    });
    h.tg.pushUpdate({
      message: {
        ...base,
        message_id: 2,
        photo: [{ file_id: "p", file_unique_id: "p", width: 1, height: 1 }],
        caption: "照相机",
      },
    });
    h.tg.pushUpdate({ edited_message: { ...base, message_id: 3, edit_date: 1, text: "照相机" } });
    h.tg.pushUpdate({
      channel_post: { message_id: 4, date: 0, chat: { id: -1009, type: "channel", title: "c" }, text: "照相机" },
    });
    h.tg.pushUpdate({
      message: { ...base, message_id: 5, from: { id: 4243, is_bot: true, first_name: "b" }, text: "照相机" },
    });
    h.tg.pushUpdate({ message: { ...base, message_id: 6, via_bot: h.tg.bot, text: "<b>墨荷与照相机</b>" } });
    h.tg.pushUpdate({ message: { message_id: 7, date: 0, chat: groupChat(-1007), from, new_chat_members: [from] } });
    h.tg.pushUpdate({ message: { ...base, message_id: 8 } });
    h.tg.pushUpdate({ callback_query: { id: "x", from, chat_instance: "c", data: "garbage" } });
    h.tg.pushUpdate({ poll: { id: "p" } });
    h.tg.userMessage("墨荷", { from, chat });

    const reply = await h.tg.waitForCall("sendMessage", (c) => c.payload.chat_id === 4242);
    expect(parseHtml(reply.payload.text)).toMatch(/「墨荷」/);
    expect(h.tg.sent(4242)).toHaveLength(1);
    expect(h.tg.sent(-1007)).toHaveLength(0);
    expect(h.logs.filter((l) => /"level":(50|60)/.test(l))).toEqual([]);
  });

  it("answers a press on a stale button from before a restart with a hint, not an error", async () => {
    const from = user(4300);
    const message = { message_id: 1, date: 0, chat: privateChat(4300), from: h.tg.bot, text: "旧消息" };
    h.tg.pressButton(message, "k:3:zzzz0", from);
    const answer = await h.tg.waitForCall("answerCallbackQuery", (c) => c.payload.text !== undefined);
    expect(answer.payload.text).toMatch(/过期/);
    expect(h.tg.callsOf("editMessageText").filter((c) => c.payload.chat_id === 4300)).toHaveLength(0);
  });
});
