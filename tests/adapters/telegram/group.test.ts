import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { t } from "../../../src/bot/strings.ts";
import { groupChat, user, type ApiCall } from "../../helpers/fake-telegram.ts";
import { parseHtml } from "../../helpers/fake-telegram-checks.ts";
import { startTelegram, type Harness } from "./harness.ts";

/**
 * Groups with BotFather's default privacy mode: Telegram delivers only
 * commands, messages that @mention the bot and replies to the bot. The
 * bot must work well with just those; with privacy off it also sees
 * everything else and answers only the trigger prefix.
 */
describe("Telegram groups", () => {
  let h: Harness;
  let group: Record<string, any>;
  let nextGroup = -1001000000000;
  const member = user(2002);

  beforeAll(async () => void (h = await startTelegram()));
  afterAll(async () => h.close());
  // A fresh group per test keeps each test's replies apart.
  beforeEach(() => void (group = groupChat(nextGroup--)));

  const say = (
    text: string,
    extra: { from?: Record<string, any>; replyTo?: Record<string, any>; entities?: Record<string, any>[] } = {},
  ) => h.tg.userMessage(text, { chat: group, from: member, ...extra }).message;
  const replyIn = (skip = 0): Promise<ApiCall> =>
    h.tg.waitForCall("sendMessage", (c) => c.payload.chat_id === group.id, { skip });
  /** Send a probe the bot must answer, and resolve once it has: everything before it was handled. */
  const settle = async () => {
    const before = h.tg.sent(group.id).length;
    say("/help");
    await replyIn(before);
  };

  it("answers an @mention, without the mention in the query, quoting the question", async () => {
    const asked = say("@article_test_bot 墨荷");
    const reply = await replyIn();
    expect(parseHtml(reply.payload.text)).toMatch(/^找到 1 篇与「墨荷」相关的文章/);
    expect(reply.payload.reply_parameters).toEqual({ message_id: asked.message_id, allow_sending_without_reply: true });
  });

  it("finds the mention anywhere in the text, after emoji too (UTF-16 offsets)", async () => {
    say("😀 墨荷 @Article_Test_Bot");
    expect(parseHtml((await replyIn()).payload.text)).toMatch(/「墨荷」/);
  });

  it("answers a reply to one of its messages as a query", async () => {
    say("/help");
    const helpMessage = (await replyIn()).result;
    say("照相机", { replyTo: helpMessage });
    expect(parseHtml((await replyIn(1)).payload.text)).toMatch(/找到 7 篇与「照相机」/);
  });

  it("answers /commands, with or without its @username, and ignores commands for other bots", async () => {
    say("/search@other_bot 墨荷");
    say("/latest");
    expect(parseHtml((await replyIn()).payload.text)).toMatch(/^最新的 5 篇文章/);
    say("/search@article_test_bot 墨荷");
    expect(parseHtml((await replyIn(1)).payload.text)).toMatch(/「墨荷」/);
    expect(h.tg.sent(group.id)).toHaveLength(2);
  });

  it("stays silent on chatter, and answers the trigger prefix (when privacy mode is off)", async () => {
    say("今天天气不错，有人拍照吗");
    say("照相机");
    say("?墨荷");
    expect(parseHtml((await replyIn()).payload.text)).toMatch(/「墨荷」/);
    await settle();
    expect(h.tg.sent(group.id)).toHaveLength(2);
  });

  it("ignores other bots and automatic forwards from a linked channel", async () => {
    say("@article_test_bot 墨荷", { from: { id: 999, is_bot: true, first_name: "OtherBot", username: "other_bot" } });
    h.tg.pushUpdate({
      message: {
        message_id: 77,
        date: 0,
        chat: group,
        from: user(777000),
        sender_chat: { id: -100555, type: "channel", title: "频道" },
        is_automatic_forward: true,
        text: "/latest",
      },
    });
    await settle();
    expect(h.tg.sent(group.id)).toHaveLength(1);
  });

  describe("subscriptions are for group admins", () => {
    it("refuses a member politely, asking Telegram about rights only for subscription commands", async () => {
      const before = h.tg.callsOf("getChatMember").length;
      say("/latest");
      say("@article_test_bot 墨荷");
      await replyIn(1);
      expect(h.tg.callsOf("getChatMember").length - before).toBe(0);
      say("/subscribe@article_test_bot");
      expect(parseHtml((await replyIn(2)).payload.text)).toBe(t.groupAdminOnly);
      expect(h.tg.callsOf("getChatMember").length - before).toBe(1);
      expect(await h.store.getSubscription("telegram", String(group.id))).toBeUndefined();
    });

    it("lets an admin subscribe and unsubscribe the group, checking admin rights once per minute", async () => {
      h.tg.setMember(group.id, member.id, "administrator");
      const before = h.tg.callsOf("getChatMember").length;
      say("/subscribe 08:00");
      expect(parseHtml((await replyIn()).payload.text)).toContain("每天 08:00");
      expect(await h.store.getSubscription("telegram", String(group.id))).toMatchObject({
        isGroup: true,
        time: "08:00",
      });
      say("/unsubscribe");
      expect(parseHtml((await replyIn(1)).payload.text)).toBe(t.unsubscribed);
      expect(h.tg.callsOf("getChatMember").length - before).toBe(1);
    });

    it("treats an anonymous admin (posting as the group) as an admin", async () => {
      const anonymous = { id: 1087968824, is_bot: true, first_name: "Group", username: "GroupAnonymousBot" };
      h.tg.pushUpdate({
        message: {
          message_id: 5,
          date: 0,
          chat: group,
          from: anonymous,
          sender_chat: group,
          text: "/subscribe",
          entities: [{ type: "bot_command", offset: 0, length: 10 }],
        },
      });
      expect(parseHtml((await replyIn()).payload.text)).toMatch(/^订阅成功/);
    });
  });

  it("unsubscribes a group that removes the bot, and follows a group upgraded to a supergroup", async () => {
    const bot = { id: h.tg.bot.id, is_bot: true, first_name: "Article Bot", username: h.tg.bot.username };
    const old = { id: -4001, type: "group", title: "老群" };
    await h.store.subscribe({ platform: "telegram", chatId: "-4001", isGroup: true, time: "09:15" });
    h.tg.pushUpdate({ message: { message_id: 9, date: 0, chat: old, from: member, migrate_to_chat_id: group.id } });
    await h.tg.drained();
    await expect.poll(() => h.store.getSubscription("telegram", String(group.id))).toMatchObject({ time: "09:15" });
    expect(await h.store.getSubscription("telegram", "-4001")).toBeUndefined();

    h.tg.pushUpdate({
      my_chat_member: {
        chat: group,
        from: member,
        date: 0,
        old_chat_member: { status: "member", user: bot },
        new_chat_member: { status: "left", user: bot },
      },
    });
    await expect.poll(() => h.store.getSubscription("telegram", String(group.id))).toBeUndefined();
  });
});
