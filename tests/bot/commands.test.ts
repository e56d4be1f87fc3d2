import { describe, expect, it } from "vitest";
import { parseCommand, parseTime } from "../../src/bot/commands.ts";

describe("parseCommand", () => {
  it("reads Chinese command words and slash commands alike", () => {
    expect(parseCommand("帮助")).toEqual({ name: "help" });
    expect(parseCommand("/help")).toEqual({ name: "help" });
    expect(parseCommand("最新")).toEqual({ name: "latest" });
    expect(parseCommand("/random")).toEqual({ name: "random" });
    expect(parseCommand("今日禅定")).toEqual({ name: "zen" });
    expect(parseCommand("取消订阅")).toEqual({ name: "unsubscribe" });
  });

  it("strips a Telegram @botname suffix from slash commands", () => {
    expect(parseCommand("/zen@article_bot")).toEqual({ name: "zen" });
  });

  it("takes the rest of /search and /s as the query", () => {
    expect(parseCommand("/search AI 视频")).toEqual({ name: "search", query: "AI 视频" });
    expect(parseCommand("/s 墨荷")).toEqual({ name: "search", query: "墨荷" });
  });

  it("passes a subscription time along", () => {
    expect(parseCommand("订阅 21:30")).toEqual({ name: "subscribe", time: "21:30" });
  });

  it("treats a command word followed by other words as a search", () => {
    expect(parseCommand("最新 AI 文章")).toEqual({ name: "search", query: "最新 AI 文章" });
  });

  it("treats anything else as a search for the whole text", () => {
    expect(parseCommand("  墨荷  ")).toEqual({ name: "search", query: "墨荷" });
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
