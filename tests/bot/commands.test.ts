import { describe, expect, it } from "vitest";
import { CommandTable, defineCommand } from "../../src/bot/command.ts";
import { commandTable } from "../../src/bot/commands.ts";
import { parseTime } from "../../src/bot/subscriptions.ts";

/** Services that fail the spec if parsing ever touches them: reading a command runs nothing. */
const untouched = new Proxy(
  {},
  {
    get: () => {
      throw new Error("parsing ran a command");
    },
  },
) as never;
const table = commandTable({ answers: untouched, subscriptions: untouched, channels: untouched, groups: untouched });

/** The command `text` asks for, by name, with what it read after the command word. */
function read(text: string): { name: string; args: unknown } {
  const { spec, args } = table.parse(text);
  return { name: spec.name, args };
}

describe("the command table", () => {
  it("reads Chinese command words and slash commands alike", () => {
    expect(read("帮助")).toEqual({ name: "help", args: undefined });
    expect(read("/help")).toEqual({ name: "help", args: undefined });
    expect(read("最新")).toEqual({ name: "latest", args: undefined });
    expect(read("/random")).toEqual({ name: "random", args: undefined });
    expect(read("今日禅定")).toEqual({ name: "zen", args: undefined });
    expect(read("取消订阅")).toEqual({ name: "unsubscribe", args: undefined });
  });

  it("strips a Telegram @botname suffix from slash commands", () => {
    expect(read("/zen@article_bot")).toEqual({ name: "zen", args: undefined });
  });

  it("takes the rest of /search and /s as the query", () => {
    expect(read("/search AI 视频")).toEqual({ name: "search", args: "AI 视频" });
    expect(read("/s 墨荷")).toEqual({ name: "search", args: "墨荷" });
  });

  it("passes a subscription time along", () => {
    expect(read("订阅 21:30")).toEqual({ name: "subscribe", args: "21:30" });
    expect(read("订阅")).toEqual({ name: "subscribe", args: "" });
  });

  it("reads the two-word forms of the new-article announcements before the daily push's words", () => {
    expect(read("/subscribe new 墨荷, AI视频 墨荷")).toEqual({ name: "subscribe_news", args: ["墨荷", "AI视频"] });
    expect(read("订阅 新文章")).toEqual({ name: "subscribe_news", args: [] });
    expect(read("订阅新文章 猫")).toEqual({ name: "subscribe_news", args: ["猫"] });
    expect(read("/unsubscribe NEW")).toEqual({ name: "unsubscribe_news", args: undefined });
    expect(read("退订 新文章")).toEqual({ name: "unsubscribe_news", args: undefined });
    expect(read("订阅 newest")).toEqual({ name: "subscribe", args: "newest" });
  });

  it("reads a channel and an optional time after the channel commands", () => {
    expect(read("/subscribe_channel @reading 21:30")).toEqual({
      name: "subscribe_channel",
      args: { channel: "@reading", time: "21:30" },
    });
    expect(read("/unsubscribe_channel @reading 21:30")).toEqual({
      name: "unsubscribe_channel",
      args: { channel: "@reading" },
    });
    expect(read("/subscribe_channel")).toEqual({ name: "subscribe_channel", args: { channel: "" } });
  });

  it("treats a command word followed by other words as a search", () => {
    expect(read("最新 AI 文章")).toEqual({ name: "search", args: "最新 AI 文章" });
    expect(read("取消订阅 新文章 明天")).toEqual({ name: "search", args: "取消订阅 新文章 明天" });
  });

  it("treats anything else as a search for the whole text", () => {
    expect(read("  墨荷  ")).toEqual({ name: "search", args: "墨荷" });
    expect(read("/unknown 墨荷")).toEqual({ name: "search", args: "/unknown 墨荷" });
  });

  it("knows its own slash commands from other text that starts with /", () => {
    expect(table.isSlashCommand("/latest")).toBe(true);
    expect(table.isSlashCommand("/search@article_bot 墨荷")).toBe(true);
    expect(table.isSlashCommand("/微笑")).toBe(false);
    expect(table.isSlashCommand("/::)")).toBe(false);
  });

  it("says who may run each command", () => {
    const authority = Object.fromEntries(table.commands.map((c) => [c.name, c.authority]));
    expect(authority).toEqual({
      help: "anyone",
      search: "anyone",
      latest: "anyone",
      random: "anyone",
      accounts: "anyone",
      zen: "anyone",
      more: "anyone",
      subscribe: "group_admin",
      unsubscribe: "group_admin",
      subscribe_news: "group_admin",
      unsubscribe_news: "group_admin",
      subscribe_channel: "anyone",
      unsubscribe_channel: "anyone",
      enable: "group_admin",
      disable: "group_admin",
      settings: "group_admin",
      push_now: "bot_admin",
      stats: "bot_admin",
    });
  });
});

describe("group commands", () => {
  it("gives platforms a command menu from the table: every entry a slash command that calls it, group admins' own marked", () => {
    const menu = table.menu();
    for (const entry of menu)
      expect(read(`/${entry.command}`).name, entry.command).toBe(
        table.commands.find((c) => c.menu?.[entry.command])!.name,
      );
    expect(menu.filter((e) => e.audience === "group_admins").map((e) => e.command)).toEqual([
      "enable",
      "disable",
      "settings",
    ]);
    expect(menu.map((e) => e.command)).not.toContain("push_now");
    expect(
      () =>
        new CommandTable(
          [
            defineCommand({
              name: "zen",
              aliases: ["/zen"],
              authority: "anyone",
              menu: { today: "今日" },
              run: () => [],
            }),
            table.get("search"),
          ],
          "search",
        ),
    ).toThrow("menu entry /today is not an alias of zen");
  });

  it("reads 启用, 停用 and 设置 with its name and value, in Chinese and as slash commands", () => {
    expect(read("启用")).toEqual({ name: "enable", args: undefined });
    expect(read("/enable@article_test_bot")).toEqual({ name: "enable", args: undefined });
    expect(read("停用")).toEqual({ name: "disable", args: undefined });
    expect(read("/disable")).toEqual({ name: "disable", args: undefined });
    expect(read("设置")).toEqual({ name: "settings", args: "" });
    expect(read("设置 免打扰 22:00-08:00")).toEqual({ name: "settings", args: "免打扰 22:00-08:00" });
    expect(read("/settings 结果数 5")).toEqual({ name: "settings", args: "结果数 5" });
    // A word that merely starts like a command is a search.
    expect(read("启用仪式")).toEqual({ name: "search", args: "启用仪式" });
  });
});

describe("parseTime", () => {
  it("accepts H:MM and HH:MM, with a full-width colon too", () => {
    expect(parseTime("7:05")).toBe("07:05");
    expect(parseTime("21：30")).toBe("21:30");
  });

  it("rejects times that do not exist", () => {
    expect(parseTime("24:00")).toBeUndefined();
    expect(parseTime("12:60")).toBeUndefined();
    expect(parseTime("明天")).toBeUndefined();
  });
});
