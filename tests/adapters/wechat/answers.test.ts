import { FileBox } from "file-box";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ArticlesReply } from "../../../src/chat/message.ts";
import { t } from "../../../src/bot/strings.ts";
import { markSnippet } from "../../../src/search/snippet.ts";
import { dm, HELP } from "../../helpers/bot.ts";
import { replayMessage, WAIT, wechatHarness, ZEN_IMAGE, ZEN_IMAGE_PATH } from "./harness.ts";

type Harness = Awaited<ReturnType<typeof wechatHarness>>;
const MENTION = "\u2005";

describe("WeChat answers", () => {
  let h: Harness;
  /** What the core answers to `query`: the adapter's job is to show exactly this. */
  const searchFor = async (query: string) =>
    (await h.bot.handle(dm(query, { chatId: "expected", userId: "expected" })))[0] as ArticlesReply;
  beforeEach(async () => {
    h = await wechatHarness();
  });
  afterEach(async () => {
    await h.cleanup();
  });

  describe("in a room", () => {
    it("answers an @mention with the result list for the sender, then the top article as a link card", async () => {
      const { alice, self } = h.contacts;
      const expected = await searchFor("墨荷");
      alice.say(`@文章助手${MENTION}墨荷`, [self]).to(h.room);

      const [list, card] = await h.received(h.room.id, 2);
      expect(list!.kind).toBe("text");
      expect(list!.mentionIds).toEqual([alice.id]);
      expect(list!.text).toMatch(
        new RegExp(`^@Alice${MENTION}${expected.heading}\n1\\. 《墨荷与照相机》 2024-11-20\n2\\. `),
      );
      for (const a of expected.articles.slice(1)) {
        expect(list!.text).toContain(
          [`《${a.title}》 ${a.date}`, ...(a.snippet ? [markSnippet(a.snippet)] : []), a.url].join("\n"),
        );
      }
      expect(card).toMatchObject({
        kind: "card",
        link: {
          title: "墨荷与照相机",
          description: "一幅墨荷，几笔浓淡，照相机拍不出来的东西。",
          thumbnailUrl: `${h.images.url}/cover/ink-lotus.jpg`,
          url: "https://mp.weixin.qq.com/s/ink-lotus",
        },
      });
      expect(h.to(h.room.id)).toHaveLength(2);
    });

    it("answers a message that starts with the trigger prefix", async () => {
      h.contacts.alice.say("？墨荷").to(h.room);
      const [list] = await h.received(h.room.id, 2);
      expect(list!.text).toContain((await searchFor("墨荷")).heading);
    });

    it("stays silent when it is neither mentioned nor triggered", async () => {
      const { alice } = h.contacts;
      alice.say("墨荷").to(h.room);
      alice.say("今天天气不错").to(h.room);
      // Messages of one room are answered in order: once this one is answered, the others were read.
      alice.say("?帮助").to(h.room);
      const replies = await h.received(h.room.id, 1);
      expect(replies).toHaveLength(1);
      expect(replies[0]!.text).toContain("我可以帮你找文章");
    });
  });

  describe("in a private chat", () => {
    it("reads any text as a query, without @mentions", async () => {
      const { alice, self } = h.contacts;
      alice.say("墨荷").to(self);
      const [list, card] = await h.received(alice.id, 2);
      expect(list!.mentionIds).toBeUndefined();
      expect(list!.text!.startsWith((await searchFor("墨荷")).heading)).toBe(true);
      expect(card!.kind).toBe("card");
    });

    it("answers the commands in Chinese", async () => {
      const { alice, self } = h.contacts;
      alice.say("帮助").to(self);
      alice.say("最新").to(self);
      alice.say("随机").to(self);
      const replies = await h.received(alice.id, 5);
      expect(replies[0]!.text).toBe(HELP);
      expect(replies[1]!.text).toMatch(/^最新的 5 篇文章：\n1\. 《萝卜跑起来》 2024-12-11/);
      expect(replies[2]).toMatchObject({ kind: "card", link: { title: "萝卜跑起来" } });
      expect(replies[3]!.text).toBe(t.random);
      expect(["card", "text"]).toContain(replies[4]!.kind);
    });

    it("sends 禅定 as the image itself, downloaded without a Referer", async () => {
      const { alice, self } = h.contacts;
      alice.say("禅定").to(self);
      const [caption, image] = await h.received(alice.id, 2);
      expect(caption!.text).toBe(
        `${t.zenCaption("墨荷")}\n${t.zenFrom("墨荷与照相机")} https://mp.weixin.qq.com/s/ink-lotus`,
      );
      expect(image!.kind).toBe("image");
      expect(await image!.file!.toBuffer()).toEqual(ZEN_IMAGE);
      expect(h.images.hits(ZEN_IMAGE_PATH)).toHaveLength(1);
      expect(h.images.hits(ZEN_IMAGE_PATH)[0]!.headers.referer).toBeUndefined();
    });

    it("sends the caption alone when the image cannot be downloaded", async () => {
      h.images.route(ZEN_IMAGE_PATH, { kind: "status", status: 404 });
      const { alice, self } = h.contacts;
      alice.say("禅定").to(self);
      const [caption] = await h.received(alice.id, 1);
      expect(caption!.text).toContain(t.zenCaption("墨荷"));
      expect(h.logs().some((l) => l.msg === "zen image unavailable; sending the caption only")).toBe(true);
      expect(h.to(alice.id)).toHaveLength(1);
    });
  });

  describe("ignores", () => {
    it("its own messages", async () => {
      const { alice, self } = h.contacts;
      // The bot's own answers come back as messages from itself; answering them would loop.
      alice.say("帮助").to(self);
      await h.received(alice.id, 1);
      await waitForLog(h, "own message");
      expect(h.to(alice.id)).toHaveLength(1);
    });

    it("official accounts", async () => {
      const { official, self } = h.contacts;
      official.say("墨荷").to(self);
      await waitForLog(h, "official account");
      expect(h.to(official.id)).toHaveLength(0);
    });

    it("pictures, files and other messages that are not text", async () => {
      const { alice, self } = h.contacts;
      alice.say(FileBox.fromBase64(Buffer.from("not really a photo").toString("base64"), "photo.jpg")).to(self);
      await waitForLog(h, "not text");
      expect(h.to(alice.id)).toHaveLength(0);
    });

    it("messages from before start-up that the puppet replays", async () => {
      const { alice } = h.contacts;
      replayMessage(h, alice, "墨荷", Date.now() - 3_600_000);
      await waitForLog(h, "older than start-up");
      expect(h.to(alice.id)).toHaveLength(0);
    });
  });

  describe("hostile input", () => {
    it("answers 100 KB of text, markup and emoji sanely", async () => {
      const { alice, self } = h.contacts;
      alice.say(`<b>墨荷</b>**${"🙂".repeat(50_000)}`).to(self);
      alice.say("").to(self);
      const [first, second] = await h.received(alice.id, 2);
      expect(first!.text!.length).toBeLessThan(2100);
      expect(second!.text).toBe(t.emptyQuery);
    });
  });
});

describe("WeChat room subscriptions", () => {
  let h: Harness;
  afterEach(async () => {
    await h.cleanup();
  });

  it("lets the room owner subscribe the room and unsubscribe it", async () => {
    h = await wechatHarness();
    const { bob, self } = h.contacts;
    bob.say(`@文章助手${MENTION}订阅 21:30`, [self]).to(h.room);
    const [done] = await h.received(h.room.id, 1);
    expect(done!.text).toBe(`@Bob${MENTION}${t.subscribed("21:30")}`);
    expect(await h.store.getSubscription("wechat", h.room.id)).toMatchObject({ isGroup: true, time: "21:30" });

    bob.say(`@文章助手${MENTION}取消订阅`, [self]).to(h.room);
    const replies = await h.received(h.room.id, 2);
    expect(replies[1]!.text).toBe(`@Bob${MENTION}${t.unsubscribed}`);
    expect(await h.store.getSubscription("wechat", h.room.id)).toBeUndefined();
  });

  it("refuses members who are neither the owner nor a bot admin", async () => {
    h = await wechatHarness();
    const { alice, self } = h.contacts;
    alice.say(`@文章助手${MENTION}订阅`, [self]).to(h.room);
    const [refusal] = await h.received(h.room.id, 1);
    expect(refusal!.text).toBe(`@Alice${MENTION}${t.groupAdminOnly}`);
    expect(await h.store.getSubscription("wechat", h.room.id)).toBeUndefined();
  });

  it("counts the room's admins (群管理员) as well as its owner, as the puppet reports them", async () => {
    h = await wechatHarness();
    const { alice, self } = h.contacts;
    h.mocker.roomPayload(h.room.id, { ...h.mocker.roomPayload(h.room.id), adminIdList: [alice.id] });
    alice.say(`@文章助手${MENTION}订阅`, [self]).to(h.room);
    const [done] = await h.received(h.room.id, 1);
    expect(done!.text).toBe(`@Alice${MENTION}${t.subscribed("07:30")}`);
  });

  it("recognises a member made admin after the bot read the room, without a puppet call for ordinary messages", async () => {
    h = await wechatHarness();
    const { alice, self } = h.contacts;
    alice.say(`@文章助手${MENTION}帮助`, [self]).to(h.room);
    await h.received(h.room.id, 1);
    const lookups = vi.spyOn(h.puppet, "roomRawPayload");
    alice.say(`@文章助手${MENTION}帮助`, [self]).to(h.room);
    await h.received(h.room.id, 2);
    expect(lookups).not.toHaveBeenCalled();

    h.mocker.roomPayload(h.room.id, { ...h.mocker.roomPayload(h.room.id), adminIdList: [alice.id] });
    alice.say(`@文章助手${MENTION}订阅`, [self]).to(h.room);
    const replies = await h.received(h.room.id, 3);
    expect(replies[2]!.text).toBe(`@Alice${MENTION}${t.subscribed("07:30")}`);
    expect(lookups).toHaveBeenCalledWith(h.room.id);
  });

  it("lets a bot admin (ADMIN_IDS) subscribe any room", async () => {
    h = await wechatHarness({ adminIds: ["wechat:wxid_alice"] });
    const { alice, self } = h.contacts;
    alice.say(`@文章助手${MENTION}订阅`, [self]).to(h.room);
    const [done] = await h.received(h.room.id, 1);
    expect(done!.text).toBe(`@Alice${MENTION}${t.subscribed("07:30")}`);
  });
});

/** Wait until the adapter logged that it ignored a message for `reason`. */
async function waitForLog(h: Harness, reason: string): Promise<void> {
  await vi.waitFor(() => {
    if (!h.logs().some((l) => l.reason === reason)) throw new Error(`no "${reason}" log yet`);
  }, WAIT);
}
