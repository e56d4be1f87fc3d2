import { afterEach, describe, expect, it } from "vitest";
import { t } from "../../../src/bot/strings.ts";
import { groupChat, user, type ApiCall } from "../../helpers/fake-telegram.ts";
import { parseHtml } from "../../helpers/fake-telegram-checks.ts";
import { buttonsOf, callbackOf, startTelegram, type Harness } from "./harness.ts";

/**
 * Telegram groups under their admins' control: /enable and /disable under
 * GROUP_POLICY=opt-in, and /settings as an inline keyboard whose buttons
 * only admins may press.
 */
describe("Telegram group settings and policy", () => {
  let h: Harness;
  afterEach(async () => h.close());

  const group = groupChat(-1005000000001);
  const admin = user(7007);
  const member = user(8008);
  const say = (text: string, from = admin) => h.tg.userMessage(text, { chat: group, from }).message;
  const reply = (skip = 0): Promise<ApiCall> =>
    h.tg.waitForCall("sendMessage", (c) => c.payload.chat_id === group.id, { skip });
  const shown = async (skip = 0) => parseHtml((await reply(skip)).payload.text);

  it("shows the settings as buttons; an admin's press changes the setting and the message, a member's changes nothing", async () => {
    h = await startTelegram();
    h.tg.setMember(group.id, admin.id, "administrator");
    say("/settings");
    const listing = await reply();
    expect(parseHtml(listing.payload.text)).toMatch(
      /^本群设置（已启用）：\n· 触发词：\? ？（默认）\n· 链接预览：关（默认）\n· 结果数：3（默认）\n· 免打扰：关（默认）\n· 推送时间：未订阅\n点下面的按钮切换/,
    );
    expect(buttonsOf(listing.payload)).toEqual([
      ["链接预览：关 › → c:/settings 链接预览 开"],
      ["结果数：3 › → c:/settings 结果数 4"],
      ["免打扰：关 › → c:/settings 免打扰 22:00-08:00"],
    ]);

    h.tg.pressButton(listing.result, callbackOf(listing.payload, "结果数：3 ›"), member);
    const refused = await h.tg.waitForCall("answerCallbackQuery");
    expect(refused.payload.text).toBe(t.groupAdminOnlySettings);
    expect(await h.store.getGroupSettings("telegram", String(group.id))).toBeUndefined();

    h.tg.pressButton(listing.result, callbackOf(listing.payload, "结果数：3 ›"), admin);
    const edit = await h.tg.waitForCall("editMessageText");
    expect(parseHtml(edit.payload.text)).toMatch(/^已更新：结果数 → 4\n\n本群设置（已启用）：[\s\S]*· 结果数：4\n/);
    expect(buttonsOf(edit.payload)).toContainEqual(["结果数：4 › → c:/settings 结果数 5"]);
    expect(await h.store.getGroupSettings("telegram", String(group.id))).toMatchObject({
      results: 4,
      updatedBy: "telegram:7007",
    });

    // The next search in the group pages by four.
    say("/search 照相机", member);
    const answer = await reply(1);
    expect(parseHtml(answer.payload.text)).toMatch(
      /^找到 7 篇与「照相机」相关的文章：\n\n1\. [\s\S]*\n\n4\. [\s\S]*还有 3 篇/,
    );
    expect(answer.payload.link_preview_options).toEqual({ is_disabled: true });
  });

  it("previews the top result's link once an admin switched previews on", async () => {
    h = await startTelegram();
    h.tg.setMember(group.id, admin.id, "creator");
    say("/settings 链接预览 开");
    expect(await shown()).toMatch(/^已更新：链接预览 → 开/);
    say("/search 照相机", member);
    const answer = await reply(1);
    expect(answer.payload.link_preview_options).toEqual({ url: expect.stringMatching(/^https:\/\//) });
  });

  it("under GROUP_POLICY=opt-in stays silent until an admin sends /enable, and again after /disable", async () => {
    h = await startTelegram({ core: { groups: { policy: "opt-in", allowed: [] } } });
    h.tg.setMember(group.id, admin.id, "administrator");
    say("/latest", member);
    say("/enable", member);
    say("@article_test_bot 墨荷", admin);
    expect(await shown()).toBe(t.groupHowToEnable);
    say("/enable");
    expect(await shown(1)).toBe(t.groupEnabled(["?", "？"]));
    say("/latest", member);
    expect(await shown(2)).toMatch(/^最新的 5 篇文章/);
    say("/disable");
    expect(await shown(3)).toBe(t.groupDisabled);
    say("/latest", member);
    say("@article_test_bot 墨荷", admin);
    expect(await shown(4)).toBe(t.groupHowToEnable);
    expect(h.tg.sent(group.id)).toHaveLength(5);
  });

  it("lists groups with their state and settings in /stats", async () => {
    h = await startTelegram({
      core: {
        groups: { policy: "opt-in", allowed: [] },
        admin: { pushNow: async () => "", stats: async () => "订阅：暂无" },
      },
    });
    h.tg.setMember(group.id, admin.id, "administrator");
    say("/enable");
    await reply();
    say("/settings 免打扰 22:00-08:00");
    await reply(1);
    h.tg.userMessage("/stats", { from: user(42) });
    const stats = await h.tg.waitForCall("sendMessage", (c) => c.payload.chat_id === 42);
    expect(parseHtml(stats.payload.text)).toBe(
      `订阅：暂无\n群（启用、停用或改过设置的）：\n· telegram ${group.id}，已启用，免打扰 22:00-08:00（opt-in）`,
    );
  });
});
