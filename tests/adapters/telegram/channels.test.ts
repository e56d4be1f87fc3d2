import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { t } from "../../../src/bot/strings.ts";
import { silentLogger } from "../../../src/log.ts";
import { announcement } from "../../../src/push/announce.ts";
import { deliverAll } from "../../../src/push/fanout.ts";
import { fakeClock } from "../../helpers/bot.ts";
import { groupChat, privateChat, user, type ApiCall } from "../../helpers/fake-telegram.ts";
import { parseHtml } from "../../helpers/fake-telegram-checks.ts";
import { FAST, pushService } from "../../push/helpers.ts";
import { NEXT_NIGHT, snapshotOf, startTelegram, type Harness } from "./harness.ts";

/**
 * Channels: an admin of a channel the bot administers subscribes it from a
 * private chat with `/subscribe_channel @channel`; the bot checks both
 * admin rights with getChatMember first. The daily push and new-article
 * announcements then go to the channel.
 */
describe("Telegram channel subscriptions", () => {
  let h: Harness;
  let channel: Record<string, any>;
  let next = 1;
  const owner = user(5005);
  const stranger = user(6006);

  beforeAll(async () => void (h = await startTelegram()));
  afterAll(async () => h.close());
  beforeEach(() => {
    const n = next++;
    channel = h.tg.chats.addChannel({ id: -1003000000000 - n, username: `zen_channel_${n}`, title: `禅定频道${n}` });
  });

  const botIsAdmin = (rights: { can_post_messages?: boolean } = {}) =>
    h.tg.setMember(channel.id, h.tg.bot.id, "administrator", rights);
  /** Say `text` privately as `from`; resolves to the answer the user sees. */
  const ask = async (text: string, from = owner): Promise<string> => {
    const before = h.tg.sent(from.id).length;
    h.tg.userMessage(text, { from, chat: privateChat(from.id) });
    const reply: ApiCall = await h.tg.waitForCall("sendMessage", (c) => String(c.payload.chat_id) === String(from.id), {
      skip: before,
    });
    return parseHtml(reply.payload.text);
  };
  const stored = () =>
    Promise.all([
      h.store.getSubscription("telegram", String(channel.id)),
      h.store.getNewsSubscription("telegram", String(channel.id)),
    ]);

  it("subscribes a channel when the bot may post there and the sender administers it", async () => {
    botIsAdmin();
    h.tg.setMember(channel.id, owner.id, "creator");
    expect(await ask(`/subscribe_channel @${channel.username} 08:15`)).toBe(
      t.channelSubscribed(channel.title, "08:15"),
    );
    const [daily, news] = await stored();
    expect(daily).toMatchObject({ chatId: String(channel.id), channel: true, time: "08:15" });
    expect(news).toMatchObject({ chatId: String(channel.id), channel: true, keywords: [] });
    const checked = h.tg
      .callsOf("getChatMember")
      .filter((c) => String(c.payload.chat_id) === String(channel.id))
      .map((c) => Number(c.payload.user_id));
    expect(checked).toEqual([h.tg.bot.id, owner.id]);
  });

  it("accepts the channel's id and its t.me link, and an administrator as well as the creator", async () => {
    botIsAdmin();
    h.tg.setMember(channel.id, owner.id, "administrator");
    expect(await ask(`/subscribe_channel ${channel.id}`)).toBe(t.channelSubscribed(channel.title, "07:30"));
    expect(await ask(`/subscribe_channel https://t.me/${channel.username}`)).toBe(
      t.channelSubscribed(channel.title, "07:30"),
    );
  });

  it("refuses while the bot is not an admin of the channel, or may not post there", async () => {
    h.tg.setMember(channel.id, owner.id, "creator");
    expect(await ask(`/subscribe_channel @${channel.username}`)).toBe(t.channelBotNotAdmin(channel.title));
    botIsAdmin({ can_post_messages: false });
    expect(await ask(`/subscribe_channel @${channel.username}`)).toBe(t.channelBotNotAdmin(channel.title));
    expect(await stored()).toEqual([undefined, undefined]);
  });

  it("refuses a sender who is not an admin of the channel", async () => {
    botIsAdmin();
    h.tg.setMember(channel.id, stranger.id, "member");
    expect(await ask(`/subscribe_channel @${channel.username}`, stranger)).toBe(t.channelSenderNotAdmin(channel.title));
    expect(await stored()).toEqual([undefined, undefined]);
  });

  it("says so for an unknown channel, a group, a missing name, and in a group chat", async () => {
    expect(await ask("/subscribe_channel @no_such_channel")).toBe(t.channelNotFound("@no_such_channel"));
    expect(await ask("/subscribe_channel not a name")).toBe(t.channelNotFound("not"));
    expect(await ask("/subscribe_channel")).toBe(t.channelUsage);
    const group = groupChat(-1004000000001);
    const before = h.tg.callsOf("getChat").length;
    h.tg.userMessage(`/subscribe_channel @${channel.username}`, { chat: group, from: owner });
    const reply = await h.tg.waitForCall("sendMessage", (c) => c.payload.chat_id === group.id);
    expect(parseHtml(reply.payload.text)).toBe(t.channelInPrivate);
    expect(h.tg.callsOf("getChat").length).toBe(before);
  });

  it("pushes the daily image and announces new articles to the channel", async () => {
    botIsAdmin();
    h.tg.setMember(channel.id, owner.id, "creator");
    await ask(`/subscribe_channel @${channel.username} 00:00`);
    const snapshot = await snapshotOf();
    const { service } = await pushService(h.store, fakeClock(NEXT_NIGHT), [h.adapter.sender], {
      paces: FAST,
      library: () => snapshot,
    });
    expect(await service.tick()).toEqual([expect.objectContaining({ sent: 1 })]);
    await service.stop();
    const photo = await h.tg.waitForCall("sendPhoto", (c) => String(c.payload.chat_id) === String(channel.id));
    expect(photo.payload.caption).toMatch(/^禅定时刻/);

    const news = (await h.store.getNewsSubscription("telegram", String(channel.id)))!;
    const article = {
      id: "a/新文章",
      title: "新文章",
      date: "2026-11-25",
      summary: "摘要",
      url: "https://mp.weixin.qq.com/s/new",
      account: "槽边往事",
    };
    const options = {
      store: h.store,
      sender: h.adapter.sender,
      log: silentLogger(),
      day: "new-articles",
      owner: "test",
      staleMs: 60_000,
      pace: FAST.telegram,
    };
    expect(
      await deliverAll([{ chat: news, key: "new:a/新文章", reply: announcement(article) }], options),
    ).toMatchObject({ sent: 1 });
    const post = await h.tg.waitForCall("sendMessage", (c) => String(c.payload.chat_id) === String(channel.id));
    expect(parseHtml(post.payload.text)).toMatch(/^新文章 ·「槽边往事」\n\n1\. 新文章/);
  });

  it("lets only a channel admin unsubscribe it, and drops it when the bot is removed from the channel", async () => {
    botIsAdmin();
    h.tg.setMember(channel.id, owner.id, "creator");
    await ask(`/subscribe_channel @${channel.username}`);
    expect(await ask(`/unsubscribe_channel @${channel.username}`, stranger)).toBe(
      t.channelSenderNotAdmin(channel.title),
    );
    expect((await stored()).every(Boolean)).toBe(true);
    expect(await ask(`/unsubscribe_channel @${channel.username}`)).toBe(t.channelUnsubscribed(channel.title));
    expect(await stored()).toEqual([undefined, undefined]);

    await ask(`/subscribe_channel @${channel.username}`);
    const bot = { id: h.tg.bot.id, is_bot: true, first_name: "Article Bot", username: h.tg.bot.username };
    h.tg.pushUpdate({
      my_chat_member: {
        chat: channel,
        from: owner,
        date: 0,
        old_chat_member: { status: "administrator", user: bot },
        new_chat_member: { status: "left", user: bot },
      },
    });
    await expect.poll(stored).toEqual([undefined, undefined]);
  });
});
