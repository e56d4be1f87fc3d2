import { describe, expect, it } from "vitest";
import { isServed, mayEnable, policyOf } from "../../src/bot/group-policy.ts";
import {
  inQuietHours,
  readSetting,
  settingsButtons,
  viewSettings,
  type SettingsContext,
} from "../../src/bot/group-settings.ts";
import { t } from "../../src/bot/strings.ts";
import { knownPlatforms } from "../../src/cli/platforms.ts";
import { loadConfig } from "../../src/config.ts";
import { ConfigError } from "../../src/env.ts";

const platforms = knownPlatforms();
const wechat: SettingsContext = {
  link: platforms.linkPreview("wechat"),
  defaultTriggers: ["?", "？"],
  defaultResults: 3,
  accounts: ["槽边往事", "记忆承载"],
  defaultPushTime: "07:30",
};
const telegram: SettingsContext = { ...wechat, link: platforms.linkPreview("telegram"), accounts: ["槽边往事"] };

describe("group policy", () => {
  // Each platform's own default (its module's `groupPolicy` trait) when GROUP_POLICY is not set.
  const none = { allowed: [], defaultPolicy: (p: string) => platforms.groupPolicy(p) };

  it("reads GROUP_POLICY and ALLOWED_GROUPS from the environment, and refuses an unknown policy", () => {
    expect(loadConfig({}).groups).toEqual({ policy: undefined, allowed: [] });
    expect(loadConfig({ GROUP_POLICY: " ", ALLOWED_GROUPS: "" }).groups).toEqual({ policy: undefined, allowed: [] });
    expect(
      loadConfig({ GROUP_POLICY: "allow-list", ALLOWED_GROUPS: "wechat:a@chatroom, telegram:-100" }).groups,
    ).toEqual({
      policy: "allow-list",
      allowed: ["wechat:a@chatroom", "telegram:-100"],
    });
    expect(() => loadConfig({ GROUP_POLICY: "closed" })).toThrow(ConfigError);
    expect(() => loadConfig({ GROUP_POLICY: "closed" })).toThrow(/GROUP_POLICY/);
  });

  it("defaults to opt-in on WeChat and open elsewhere; GROUP_POLICY applies everywhere", () => {
    expect(policyOf(none, "wechat")).toBe("opt-in");
    expect(policyOf(none, "telegram")).toBe("open");
    expect(policyOf({ policy: "allow-list", allowed: [] }, "telegram")).toBe("allow-list");
    expect(policyOf({ policy: "open", allowed: [] }, "wechat")).toBe("open");
  });

  it("serves an open group until its admins disable it", () => {
    expect(isServed(none, "telegram", "-1", undefined)).toBe(true);
    expect(isServed(none, "telegram", "-1", "disabled")).toBe(false);
    expect(isServed(none, "telegram", "-1", "enabled")).toBe(true);
  });

  it("serves an opt-in group once enabled or when listed, and never once disabled", () => {
    const listed = { allowed: ["wechat:a@chatroom", "b@chatroom"] };
    expect(isServed(none, "wechat", "a@chatroom", undefined)).toBe(false);
    expect(isServed(none, "wechat", "a@chatroom", "enabled")).toBe(true);
    expect(isServed(listed, "wechat", "a@chatroom", undefined)).toBe(true);
    expect(isServed(listed, "wechat", "b@chatroom", undefined)).toBe(true);
    expect(isServed({ ...listed, policy: "opt-in" }, "telegram", "a@chatroom", undefined)).toBe(false);
    expect(isServed(listed, "wechat", "a@chatroom", "disabled")).toBe(false);
  });

  it("serves only listed groups under allow-list, whatever an admin sends", () => {
    const config = { policy: "allow-list" as const, allowed: ["telegram:-100"] };
    expect(isServed(config, "telegram", "-100", undefined)).toBe(true);
    expect(isServed(config, "telegram", "-200", "enabled")).toBe(false);
    expect(mayEnable(config, "telegram", "-200")).toBe(false);
    expect(mayEnable(config, "telegram", "-100")).toBe(true);
    expect(mayEnable(none, "wechat", "x")).toBe(true);
  });
});

describe("reading 「设置 名称 值」", () => {
  it("reads each setting by its Chinese or English name", () => {
    expect(readSetting("结果数", "5", wechat)).toEqual({ ok: { key: "results", change: { results: 5 } } });
    expect(readSetting("results", "1", wechat)).toEqual({ ok: { key: "results", change: { results: 1 } } });
    expect(readSetting("链接卡片", "关", wechat)).toEqual({
      ok: { key: "linkPreview", change: { linkPreview: false } },
    });
    expect(readSetting("预览", "on", telegram)).toEqual({ ok: { key: "linkPreview", change: { linkPreview: true } } });
    expect(readSetting("免打扰", "22:00-8:00", wechat)).toEqual({
      ok: { key: "quietHours", change: { quietHours: { start: "22:00", end: "08:00" } } },
    });
    expect(readSetting("免打扰", "23：30 到 07：00", wechat)).toEqual({
      ok: { key: "quietHours", change: { quietHours: { start: "23:30", end: "07:00" } } },
    });
    expect(readSetting("触发词", "! 小助手，!", wechat)).toEqual({
      ok: { key: "triggers", change: { triggers: ["!", "小助手"] } },
    });
    expect(readSetting("公众号", "记忆承载", wechat)).toEqual({
      ok: { key: "accounts", change: { accounts: ["记忆承载"] } },
    });
    expect(readSetting("推送时间", "8:05", wechat)).toEqual({ ok: { key: "pushTime", time: "08:05" } });
  });

  it("resets a setting with 默认 (and 关 / 全部 where they mean the default)", () => {
    expect(readSetting("结果数", "默认", wechat)).toEqual({ ok: { key: "results", change: { results: null } } });
    expect(readSetting("免打扰", "关", wechat)).toEqual({ ok: { key: "quietHours", change: { quietHours: null } } });
    expect(readSetting("公众号", "全部", wechat)).toEqual({ ok: { key: "accounts", change: { accounts: null } } });
    expect(readSetting("推送时间", "默认", wechat)).toEqual({ ok: { key: "pushTime", time: null } });
    expect(readSetting("触发词", "默认", wechat)).toEqual({ ok: { key: "triggers", change: { triggers: null } } });
  });

  it("refuses what cannot be stored, saying what is allowed", () => {
    expect(readSetting("结果数", "6", wechat)).toEqual({ error: t.settingBadResults(1, 5) });
    expect(readSetting("结果数", "0", wechat)).toEqual({ error: t.settingBadResults(1, 5) });
    expect(readSetting("结果数", "3.5", wechat)).toEqual({ error: t.settingBadResults(1, 5) });
    expect(readSetting("链接卡片", "也许", wechat)).toEqual({ error: t.settingBadSwitch("链接卡片") });
    expect(readSetting("免打扰", "22:00", wechat)).toEqual({ error: t.settingBadQuietHours });
    expect(readSetting("免打扰", "22:00-22:00", wechat)).toEqual({ error: t.settingBadQuietHours });
    expect(readSetting("免打扰", "25:00-08:00", wechat)).toEqual({ error: t.settingBadQuietHours });
    expect(readSetting("触发词", "a b c d e f", wechat)).toEqual({ error: t.settingBadTriggers(5, 8) });
    expect(readSetting("触发词", "太长太长太长太长太长", wechat)).toEqual({ error: t.settingBadTriggers(5, 8) });
    expect(readSetting("公众号", "九边", wechat)).toEqual({
      error: t.settingUnknownAccounts(["九边"], wechat.accounts),
    });
    expect(readSetting("公众号", "槽边往事", telegram)).toEqual({ error: t.settingOneAccount });
    expect(readSetting("推送时间", "早上", wechat)).toEqual({ error: t.badTime("早上") });
    expect(readSetting("颜色", "红", wechat)).toEqual({ error: t.settingUnknown("颜色") });
    expect(readSetting("结果数", "", wechat)).toEqual({ error: t.settingNeedsValue("结果数") });
  });
});

describe("the settings listing and keyboard", () => {
  it("shows defaults, the platform's name for links, accounts only when there are several", () => {
    const view = viewSettings(undefined, undefined, wechat, "已启用");
    expect(view.lines.map((l) => `${l.name}=${l.value}${l.isDefault ? "*" : ""}`)).toEqual([
      "触发词=? ？*",
      "链接卡片=开*",
      "结果数=3*",
      "免打扰=关*",
      "公众号=全部*",
      `推送时间=${t.settingNotSubscribed}`,
    ]);
    const tg = viewSettings(
      { platform: "telegram", chatId: "-1", updatedAt: "", results: 5, quietHours: { start: "22:00", end: "08:00" } },
      "21:30",
      telegram,
      "已启用",
    );
    expect(tg.lines.map((l) => `${l.name}=${l.value}${l.isDefault ? "*" : ""}`)).toEqual([
      "触发词=? ？*",
      "链接预览=关*",
      "结果数=5",
      "免打扰=22:00-08:00",
      "推送时间=21:30",
    ]);
  });

  it("offers one button per cycled setting, each sending the command for the next value", () => {
    const view = viewSettings(
      { platform: "wechat", chatId: "r", updatedAt: "", results: 5, accounts: ["记忆承载"] },
      null,
      wechat,
      "已启用",
    );
    expect(settingsButtons(view, wechat)).toEqual([
      [{ text: "链接卡片：开 ›", command: "/settings 链接卡片 关" }],
      [{ text: "结果数：5 ›", command: "/settings 结果数 1" }],
      [{ text: "免打扰：关 ›", command: "/settings 免打扰 22:00-08:00" }],
      [{ text: "公众号：记忆承载 ›", command: "/settings 公众号 全部" }],
    ]);
  });
});

describe("quiet hours", () => {
  it("covers a range within a day and one that wraps past midnight, end minute excluded", () => {
    const night = { start: "22:00", end: "08:00" };
    expect(["22:00", "23:59", "00:00", "07:59"].map((x) => inQuietHours(night, x))).toEqual([true, true, true, true]);
    expect(["08:00", "12:00", "21:59"].map((x) => inQuietHours(night, x))).toEqual([false, false, false]);
    const noon = { start: "12:00", end: "14:00" };
    expect(["11:59", "12:00", "13:59", "14:00"].map((x) => inQuietHours(noon, x))).toEqual([false, true, true, false]);
    expect(inQuietHours(undefined, "03:00")).toBe(false);
  });
});
