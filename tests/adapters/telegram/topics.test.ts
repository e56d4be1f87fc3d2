import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { t } from "../../../src/bot/strings.ts";
import { announcement } from "../../../src/push/announce.ts";
import { deliverAll } from "../../../src/push/fanout.ts";
import { silentLogger } from "../../../src/log.ts";
import { fakeClock } from "../../helpers/bot.ts";
import { user, type ApiCall } from "../../helpers/fake-telegram.ts";
import { parseHtml } from "../../helpers/fake-telegram-checks.ts";
import { FAST, pushService } from "../../push/helpers.ts";
import { NEXT_NIGHT, snapshotOf, startTelegram, type Harness } from "./harness.ts";

/**
 * Forum groups: Telegram communities split into topics. A question asked
 * in a topic is answered in that topic; `/subscribe` in a topic pushes
 * there; a topic that is closed or deleted loses its subscriptions, as a
 * chat that blocks the bot does.
 */
describe("Telegram forum topics", () => {
  let h: Harness;
  let forum: Record<string, any>;
  let nextForum = -1002000000000;
  const admin = user(3003);
  const TOPIC = 45;
  const OTHER_TOPIC = 46;

  beforeAll(async () => void (h = await startTelegram()));
  afterAll(async () => h.close());
  beforeEach(() => {
    forum = { id: nextForum--, type: "supergroup", title: "读书论坛", is_forum: true };
    h.tg.chats.openTopic(forum.id, TOPIC);
    h.tg.chats.openTopic(forum.id, OTHER_TOPIC);
    h.tg.setMember(forum.id, admin.id, "administrator");
  });

  /** A message in a topic of the forum; `null`: in its General topic. */
  const say = (text: string, topic: number | null = TOPIC, from = admin) =>
    h.tg.userMessage(text, { chat: forum, from, topic: topic ?? undefined }).message;
  const sentIn = (method: string, skip = 0): Promise<ApiCall> =>
    h.tg.waitForCall(method, (c) => String(c.payload.chat_id) === String(forum.id), { skip });
  /** A push service at 01:00 the night after the harness's time: a subscription for 00:00 is due. */
  const tomorrowsPush = async () => {
    const snapshot = await snapshotOf();
    return pushService(h.store, fakeClock(NEXT_NIGHT), [h.adapter.sender], { paces: FAST, library: () => snapshot });
  };

  it("answers a question asked in a topic in that topic, quoting it", async () => {
    const asked = say("@article_test_bot 墨荷");
    const reply = await sentIn("sendMessage");
    expect(parseHtml(reply.payload.text)).toMatch(/^找到 1 篇与「墨荷」相关的文章/);
    expect(reply.payload.message_thread_id).toBe(TOPIC);
    expect(reply.payload.reply_parameters).toMatchObject({ message_id: asked.message_id });
  });

  it("pages and sends photos in the topic too", async () => {
    say("/search 照相机");
    await sentIn("sendMessage");
    say("/more");
    const next = await sentIn("sendMessage", 1);
    expect(parseHtml(next.payload.text)).toMatch(/^找到 7 篇/);
    expect(next.payload.message_thread_id).toBe(TOPIC);
    say("/zen", OTHER_TOPIC);
    const photo = await sentIn("sendPhoto");
    expect(photo.outcome).toBe("ok");
    expect(Number(photo.payload.message_thread_id)).toBe(OTHER_TOPIC);
  });

  it("answers the General topic without a thread, and is not addressed by every message of a topic the bot opened", async () => {
    say("/latest", null);
    const general = await sentIn("sendMessage");
    expect(general.payload.message_thread_id).toBeUndefined();
    // In a topic, a plain message "replies" to the topic's creation message; even when the bot created it, that is chatter.
    const created = {
      message_id: TOPIC,
      date: 0,
      chat: forum,
      from: { id: h.tg.bot.id, is_bot: true, first_name: "Article Bot" },
      forum_topic_created: { name: "文章", icon_color: 0 },
    };
    h.tg.userMessage("今天天气不错", { chat: forum, from: admin, topic: TOPIC, replyTo: created });
    say("/help");
    const help = await sentIn("sendMessage", 1);
    expect(parseHtml(help.payload.text)).toMatch(/^我可以帮你找文章/);
    expect(h.tg.sent(forum.id)).toHaveLength(2);
  });

  it("subscribes the topic /subscribe was sent in, and the daily push arrives there", async () => {
    say("/subscribe 00:00");
    expect(parseHtml((await sentIn("sendMessage")).payload.text)).toMatch(/^订阅成功/);
    expect(await h.store.getSubscription("telegram", String(forum.id))).toMatchObject({
      isGroup: true,
      threadId: String(TOPIC),
    });

    const { service } = await tomorrowsPush();
    const reports = await service.tick();
    expect(reports).toEqual([expect.objectContaining({ sent: 1, gone: 0 })]);
    const push = await sentIn("sendPhoto");
    expect(push.payload.caption).toMatch(/^禅定时刻/);
    expect(Number(push.payload.message_thread_id)).toBe(TOPIC);
    await service.stop();
  });

  it("unsubscribes a deleted topic when the push meets 'message thread not found', and keeps the group's other topics", async () => {
    say("/subscribe 00:00");
    say("/subscribe new", OTHER_TOPIC);
    await sentIn("sendMessage", 1);
    h.tg.chats.deleteTopic(forum.id, TOPIC);

    const { service } = await tomorrowsPush();
    const [report] = (await service.tick())!;
    await service.stop();

    expect(report).toMatchObject({ sent: 0, gone: 1, failed: 0 });
    expect(
      h.tg
        .callsOf("sendPhoto")
        .filter((c) => String(c.payload.chat_id) === String(forum.id))
        .map((c) => c.outcome),
    ).toEqual([400]);
    expect(await h.store.getSubscription("telegram", String(forum.id))).toBeUndefined();
    expect(await h.store.getNewsSubscription("telegram", String(forum.id))).toMatchObject({
      threadId: String(OTHER_TOPIC),
    });
  });

  it("announces new articles into the topic that asked, and unsubscribes it once the topic is closed", async () => {
    say("/subscribe new", OTHER_TOPIC);
    await sentIn("sendMessage");
    const sub = (await h.store.getNewsSubscription("telegram", String(forum.id)))!;
    const article = {
      id: "a/新文章",
      title: "新文章",
      date: "2026-11-25",
      summary: "摘要",
      url: "https://mp.weixin.qq.com/s/new",
      account: "槽边往事",
    };
    const job = (key: string) => ({ chat: sub, key, reply: announcement(article) });
    const options = {
      store: h.store,
      sender: h.adapter.sender,
      log: silentLogger(),
      day: "new-articles",
      owner: "test",
      staleMs: 60_000,
      pace: FAST.telegram,
    };

    expect(await deliverAll([job("new:a/新文章")], options)).toMatchObject({ sent: 1 });
    expect(parseHtml((await sentIn("sendMessage", 1)).payload.text)).toMatch(/^新文章 ·「槽边往事」/);
    expect((await sentIn("sendMessage", 1)).payload.message_thread_id).toBe(OTHER_TOPIC);

    h.tg.chats.closeTopic(forum.id, OTHER_TOPIC);
    expect(await deliverAll([job("new:a/另一篇")], options)).toMatchObject({ sent: 0, gone: 1 });
    expect(await h.store.getNewsSubscription("telegram", String(forum.id))).toBeUndefined();
  });

  it("unsubscribes a topic when Telegram reports it closed", async () => {
    say("/subscribe 21:00");
    await sentIn("sendMessage");
    h.tg.pushUpdate({
      message: {
        message_id: 900,
        date: 0,
        chat: forum,
        from: admin,
        message_thread_id: TOPIC,
        is_topic_message: true,
        forum_topic_closed: {},
      },
    });
    await expect.poll(() => h.store.getSubscription("telegram", String(forum.id))).toBeUndefined();
  });

  it("keeps a subscription in another topic when a closed topic is closed", async () => {
    say("/subscribe", OTHER_TOPIC);
    await sentIn("sendMessage");
    h.tg.pushUpdate({
      message: {
        message_id: 901,
        date: 0,
        chat: forum,
        from: admin,
        message_thread_id: TOPIC,
        is_topic_message: true,
        forum_topic_closed: {},
      },
    });
    await h.tg.drained();
    say("/help", OTHER_TOPIC);
    await sentIn("sendMessage", 1);
    expect(await h.store.getSubscription("telegram", String(forum.id))).toMatchObject({
      threadId: String(OTHER_TOPIC),
    });
  });

  it("unsubscribes a topic whose answer meets TOPIC_CLOSED", async () => {
    say("/subscribe");
    await sentIn("sendMessage");
    h.tg.chats.closeTopic(forum.id, TOPIC);
    say("/help");
    await h.tg.waitForCall("sendMessage", (c) => String(c.payload.chat_id) === String(forum.id) && c.outcome === 400);
    await expect.poll(() => h.store.getSubscription("telegram", String(forum.id))).toBeUndefined();
    expect(h.logs.join("")).toContain("telegram topic gone; unsubscribed it");
  });

  it("refuses a member's /subscribe in a topic, in that topic", async () => {
    say("/subscribe", TOPIC, user(4004));
    const reply = await sentIn("sendMessage");
    expect(parseHtml(reply.payload.text)).toBe(t.groupAdminOnly);
    expect(reply.payload.message_thread_id).toBe(TOPIC);
  });
});
