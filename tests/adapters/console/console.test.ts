import { PassThrough } from "node:stream";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { ConsoleAdapter } from "../../../adapters/console/index.ts";
import { renderPlain } from "../../../adapters/console/render.ts";
import { Core, type CoreDeps } from "../../../src/bot/core.ts";
import type { Store } from "../../../src/store/store.ts";
import { Metrics } from "../../../src/observability/metrics.ts";
import { messageObserver } from "../../../src/observability/message-log.ts";
import { capturedLog } from "../../observability/harness.ts";
import { testBot } from "../../helpers/bot.ts";

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => cleanup?.());

/** Type lines into the console chat and collect what it prints until input ends. */
async function chat(
  lines: string[],
  overrides: (store: Store) => Partial<CoreDeps> = () => ({}),
  tty = false,
): Promise<string> {
  const t = await testBot();
  const bot = new Core({ ...t.deps, ...overrides(t.store) });
  cleanup = t.cleanup;
  const input = Object.assign(new PassThrough(), { isTTY: tty });
  const output = new PassThrough();
  let printed = "";
  output.on("data", (d: Buffer) => (printed += d.toString()));
  const closed = new Promise<void>((resolve) => {
    const adapter = new ConsoleAdapter(bot, { input, output }, resolve);
    void adapter.start().then(() => input.end(lines.map((l) => `${l}\n`).join("")));
  });
  await closed;
  return printed;
}

describe("the console chat", () => {
  it("on a terminal, shows a 你> prompt before each line and again after each answer", async () => {
    const out = await chat(["墨荷"], () => ({}), true);
    const prompts = out.split("你> ").length - 1;
    expect(prompts).toBeGreaterThanOrEqual(2);
    expect(out.indexOf("你> ")).toBeLessThan(out.indexOf("找到 1 篇与「墨荷」相关的文章"));
    expect(out.lastIndexOf("你> ")).toBeGreaterThan(out.indexOf("找到 1 篇与「墨荷」相关的文章"));
  });

  it("piped (not a terminal): no prompt, only the answers", async () => {
    expect(await chat(["墨荷"])).not.toContain("你> ");
  });

  it("answers each typed line in order, like a private chat", async () => {
    const out = await chat(["墨荷", "最新"]);
    expect(out).toContain("article-bot 已启动");
    const search = out.indexOf("找到 1 篇与「墨荷」相关的文章");
    const latest = out.indexOf("最新的 3 篇文章");
    expect(search).toBeGreaterThan(0);
    expect(latest).toBeGreaterThan(search);
    expect(out).toContain("1. 《独一无二》 2024-05-20");
    expect(out).toContain("https://mp.weixin.qq.com/s/ink-lotus");
  });

  it("marks the matched words of a snippet", async () => {
    const out = await chat(["照相机和绘画"]);
    expect(out).toContain("为什么人类有了【照相机】还要【绘画】？");
  });

  it("answers a store write that fails (disk full) with a short apology, logs it, and goes on chatting", async () => {
    const { log, lines } = capturedLog();
    const full = new Database.SqliteError("database or disk is full", "SQLITE_FULL");
    const out = await chat(["订阅", "墨荷"], (store) => ({
      log,
      observe: messageObserver(log, new Metrics()),
      store: Object.assign(Object.create(store) as Store, { subscribe: async () => Promise.reject(full) }),
    }));
    expect(out).toContain("抱歉，出了点问题，这次没有办成，请稍后再试。");
    expect(out).toContain("找到 1 篇与「墨荷」相关的文章");
    expect(lines()).toContainEqual(
      expect.objectContaining({
        level: 50,
        msg: "message failed",
        command: "subscribe",
        err: expect.objectContaining({ code: "SQLITE_FULL" }),
      }),
    );
  });

  it("prints today's image with its caption and source article", () => {
    const text = renderPlain({
      kind: "image",
      url: "https://img.example.com/z.jpg",
      caption: "禅定时刻 ·《墨荷》",
      article: { title: "独一无二", url: "https://x/1" },
    });
    expect(text.split("\n")).toEqual([
      "🖼 禅定时刻 ·《墨荷》",
      "https://img.example.com/z.jpg",
      "出自《独一无二》 https://x/1",
    ]);
  });
});
