import { afterEach, describe, expect, it } from "vitest";
import { dm, groupMsg } from "../helpers/bot.ts";
import { observedBot } from "./harness.ts";

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

async function setUp(level?: string) {
  const made = await observedBot({ level });
  cleanup = made.cleanup;
  return made;
}

const handled = (lines: Array<Record<string, unknown>>) => lines.filter((l) => l.msg === "message handled");

describe("one log line per handled message", () => {
  it("tells platform, chat kind, command, query length, result count and latency, never the text", async () => {
    const { bot, lines } = await setUp();
    await bot.handle(dm("我的秘密：呼吸机"));
    const [line, ...rest] = handled(lines());
    expect(rest).toHaveLength(0);
    expect(line).toMatchObject({
      level: 30,
      platform: "test",
      chat: "private",
      command: "search",
      queryLength: 8,
      results: 1,
      replies: 1,
    });
    expect(typeof line!.ms).toBe("number");
    expect(JSON.stringify(lines())).not.toContain("秘密");
  });

  it("logs group messages addressed to the bot, and only counts the chatter around them", async () => {
    const { bot, lines, observability } = await setUp();
    await bot.handle(groupMsg("今天天气不错"));
    await bot.handle(groupMsg("?墨荷"));
    expect(handled(lines())).toEqual([
      expect.objectContaining({ chat: "group", command: "search", queryLength: 3, results: 1 }),
    ]);
    const metrics = (await observability.metrics.render()).body;
    expect(metrics).toContain('article_bot_messages_total{platform="test",chat="group",outcome="ignored"} 1');
    expect(metrics).toContain('article_bot_messages_total{platform="test",chat="group",outcome="answered"} 1');
  });

  it("counts no results for a search that found nothing, and the articles shown for 最新", async () => {
    const { bot, lines } = await setUp();
    await bot.handle(dm("量子计算机"));
    await bot.handle(dm("最新"));
    expect(handled(lines()).map((l) => [l.command, l.results])).toEqual([
      ["search", 0],
      ["latest", 4],
    ]);
  });

  it("writes the text at debug level only, cut to 200 characters", async () => {
    const { bot, lines } = await setUp("debug");
    await bot.handle(dm("墨".repeat(1000)));
    const debug = lines().find((l) => l.msg === "message text");
    expect(debug).toMatchObject({ level: 20, text: "墨".repeat(200) });
  });

  it("logs an error line when answering fails, and the chat gets a short apology", async () => {
    const { bot, lines, observability, breakLibrary } = await setUp();
    breakLibrary(new Error("disk gone"));
    expect(await bot.handle(dm("墨荷"))).toEqual([
      { kind: "text", text: "抱歉，出了点问题，这次没有办成，请稍后再试。" },
    ]);
    expect(lines().find((l) => l.msg === "message failed")).toMatchObject({
      level: 50,
      platform: "test",
      err: { message: "disk gone" },
    });
    expect((await observability.metrics.render()).body).toContain('outcome="error"} 1');
  });
});
