import { afterEach, describe, expect, it } from "vitest";
import { t } from "../../../src/bot/strings.ts";
import { wechatHarness, type Sent } from "./harness.ts";

type Harness = Awaited<ReturnType<typeof wechatHarness>>;

/** WeChat separates an @name from the text after it with U+2005. */
const MENTION = "\u2005";

/**
 * Rooms under their admins' control, with WeChat's default GROUP_POLICY
 * (opt-in): the bot is silent in a room until its owner (Bob) or an admin
 * sends 「启用」; members (Alice) cannot switch it on, or change 「设置」.
 */
describe("WeChat rooms under GROUP_POLICY=opt-in (the default)", () => {
  let h: Harness;
  afterEach(async () => h.cleanup());

  const from = (who: "alice" | "bob", text: string, mention = true) => {
    const { self } = h.contacts;
    const contact = h.contacts[who];
    if (mention) contact.say(`@文章助手${MENTION}${text}`, [self]).to(h.room);
    else contact.say(text).to(h.room);
  };
  /** Wait for the room's `n`-th message, and what it says to whom. */
  const nth = async (n: number): Promise<Sent> => (await h.received(h.room.id, n))[n - 1]!;
  const said = (who: string, text: string) => `@${who}${MENTION}${text}`;

  it("ignores keywords until the owner sends 启用, refuses a member's 启用, and 停用 silences it again", async () => {
    h = await wechatHarness({ env: { GROUP_POLICY: "" } });
    from("alice", "?墨荷", false);
    from("alice", "墨荷");
    from("alice", "启用");
    // The owner's @mention gets the one sentence on how to switch the bot on: every earlier message was read by then.
    from("bob", "墨荷");
    expect((await nth(1)).text).toBe(said("Bob", t.groupHowToEnable));
    expect(h.to(h.room.id)).toHaveLength(1);
    expect(await h.store.getGroupSettings("wechat", h.room.id)).toBeUndefined();

    from("bob", "启用");
    expect((await nth(2)).text).toBe(said("Bob", t.groupEnabled(["?", "？"])));
    from("alice", "?墨荷", false);
    expect((await nth(3)).text).toMatch(/^@Alice\u2005找到 \d+ 篇与「墨荷」相关的文章/);

    from("alice", "停用");
    expect((await h.received(h.room.id, 5))[4]!.text).toBe(said("Alice", t.groupAdminOnlySwitch));
    from("bob", "停用");
    expect((await nth(6)).text).toBe(said("Bob", t.groupDisabled));
    from("alice", "?墨荷", false);
    from("alice", "帮助");
    from("bob", "随便说点什么");
    expect((await nth(7)).text).toBe(said("Bob", t.groupHowToEnable));
    expect(h.to(h.room.id)).toHaveLength(7);
    expect(await h.store.getGroupSettings("wechat", h.room.id)).toMatchObject({
      state: "disabled",
      updatedBy: "wechat:wxid_bob",
    });
  });

  it("lets a bot admin (ADMIN_IDS) switch on any room", async () => {
    h = await wechatHarness({ env: { GROUP_POLICY: "" }, adminIds: ["wechat:wxid_alice"] });
    from("alice", "启用");
    expect((await nth(1)).text).toBe(said("Alice", t.groupEnabled(["?", "？"])));
  });

  it("serves a room listed in ALLOWED_GROUPS without 启用", async () => {
    h = await wechatHarness({ env: { GROUP_POLICY: "", ALLOWED_GROUPS: "wechat:10001@chatroom" } });
    from("alice", "?墨荷", false);
    expect((await nth(1)).text).toMatch(/找到 \d+ 篇与「墨荷」/);
  });

  it("applies the owner's settings to the next message, and refuses a member's", async () => {
    h = await wechatHarness({ env: { GROUP_POLICY: "open" } });
    from("alice", "设置 结果数 5");
    expect((await nth(1)).text).toBe(said("Alice", t.groupAdminOnlySettings));

    from("bob", "设置 结果数 1");
    expect((await nth(2)).text).toMatch(
      /^@Bob\u2005已更新：结果数 → 1\n\n本群设置（已启用）：\n· 触发词：\? ？（默认）\n· 链接卡片：开（默认）\n· 结果数：1\n/,
    );
    from("alice", "?墨荷", false);
    const [answer, card] = await h.received(h.room.id, 4).then((all) => all.slice(2));
    expect(answer!.text).toMatch(/找到 4 篇与「墨荷」相关的文章：\n还有 3 篇/);
    expect(card!.kind).toBe("card");

    from("bob", "设置 链接卡片 关");
    await nth(5);
    from("alice", "?墨荷", false);
    const plain = await nth(6);
    expect(plain.text).toMatch(/1\. 《墨荷与照相机》 2024-11-20\n.*\nhttps:\/\/mp\.weixin\.qq\.com\/s\/ink-lotus/s);

    from("bob", "设置 触发词 ！ 小助手");
    await nth(7);
    from("alice", "?墨荷", false);
    from("alice", "小助手 墨荷", false);
    expect((await nth(8)).text).toMatch(/^@Alice\u2005找到 4 篇与「墨荷」/);
    // The answer to 「小助手 墨荷」 is the 8th message: 「?墨荷」 got nothing.
    await new Promise((r) => setTimeout(r, 300));
    expect(h.to(h.room.id)).toHaveLength(8);
    expect(await h.store.getGroupSettings("wechat", h.room.id)).toMatchObject({
      results: 1,
      linkPreview: false,
      triggers: ["！", "小助手"],
      updatedBy: "wechat:wxid_bob",
    });
  });

  it("lists the settings for the owner, with the push time of the room's subscription", async () => {
    h = await wechatHarness({ env: { GROUP_POLICY: "open" } });
    from("bob", "设置 推送时间 08:00");
    expect((await nth(1)).text).toBe(said("Bob", t.settingPushNeedsSubscription));
    from("bob", "订阅 21:30");
    await nth(2);
    from("bob", "设置 推送时间 08:00");
    expect((await nth(3)).text).toContain("· 推送时间：08:00\n");
    expect(await h.store.getSubscription("wechat", h.room.id)).toMatchObject({ time: "08:00" });
    from("bob", "设置 免打扰 23:00-07:00");
    expect((await nth(4)).text).toContain("· 免打扰：23:00-07:00\n");
    from("bob", "设置 颜色 红");
    expect((await nth(5)).text).toBe(said("Bob", t.settingUnknown("颜色")));
    from("bob", "设置");
    const listing = (await nth(6)).text!;
    expect(listing).toContain("修改请发送「设置 名称 值」");
    expect(listing).not.toContain("公众号");
  });
});
