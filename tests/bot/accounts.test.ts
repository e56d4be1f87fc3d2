import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderPlain } from "../../adapters/console/render.ts";
import { Pager } from "../../adapters/telegram/paging.ts";
import { render, type RenderedMessage } from "../../adapters/telegram/render.ts";
import { renderReply } from "../../adapters/wechat/render.ts";
import type { ArticlesReply } from "../../src/chat/message.ts";
import { silentLogger } from "../../src/log.ts";
import { dm, testBot } from "../helpers/bot.ts";

let dir = "";
let single = "";

const article = (title: string, account: string | undefined, date: string, body: string) =>
  `---\ntitle: ${title}\ndate: ${date}\nurl: https://mp.weixin.qq.com/s/${encodeURIComponent(title + (account ?? ""))}\n${account ? `account: ${account}\n` : ""}---\n${body}\n`;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "accounts-"));
  await mkdir(path.join(dir, "槽边往事"));
  await mkdir(path.join(dir, "记忆承载"));
  await writeFile(
    path.join(dir, "槽边往事", "墨荷.md"),
    article("墨荷", "槽边往事", "2025-02-01", "一幅墨荷挂在墙上，照相机拍不出它的样子。"),
  );
  await writeFile(
    path.join(dir, "槽边往事", "慢跑.md"),
    article("原地慢慢跑", "槽边往事", "2025-02-02", "每天早上原地慢跑半小时。"),
  );
  await writeFile(
    path.join(dir, "记忆承载", "墨荷.md"),
    article("墨荷", "记忆承载", "2025-01-01", "另一个号也写过墨荷，讲的是池塘。"),
  );
  single = await mkdtemp(path.join(os.tmpdir(), "accounts-single-"));
  await writeFile(path.join(single, "墨荷.md"), article("墨荷", "槽边往事", "2025-02-01", "一幅墨荷挂在墙上。"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(single, { recursive: true, force: true });
});

describe("several official accounts in one library", () => {
  it("lists the accounts with their article counts (/accounts, 公众号)", async () => {
    const { bot, cleanup } = await testBot({}, dir);
    for (const text of ["/accounts", "公众号"]) {
      expect(await bot.handle(dm(text))).toEqual([
        { kind: "text", text: "收录了 2 个公众号：\n· 槽边往事：2 篇\n· 记忆承载：1 篇" },
      ]);
    }
    await cleanup();
  });

  it("names the account of every article in answers, and finds the same title in both accounts", async () => {
    const { bot, cleanup } = await testBot({}, dir);
    const [reply] = (await bot.handle(dm("墨荷"))) as ArticlesReply[];
    expect(reply!.articles.map((a) => [a.title, a.account]).sort()).toEqual([
      ["墨荷", "槽边往事"],
      ["墨荷", "记忆承载"],
    ]);
    expect(renderPlain(reply!)).toContain("《墨荷》 2025-02-01 · 槽边往事");
    expect((render(reply!, new Pager()) as RenderedMessage).html).toContain("</b> · 2025-01-01 · 记忆承载");
    const wechat = await renderReply(reply!, { image: async () => undefined as never, log: silentLogger() });
    expect(wechat[0]).toMatchObject({ kind: "text", text: expect.stringContaining("《墨荷》 2025-02-01 · 槽边往事") });
    const [latest] = (await bot.handle(dm("最新"))) as ArticlesReply[];
    expect(latest!.articles.map((a) => a.account)).toEqual(["槽边往事", "槽边往事", "记忆承载"]);
    await cleanup();
  });

  it("does not repeat the account when the library holds only one", async () => {
    const { bot, cleanup } = await testBot({}, single);
    const [reply] = (await bot.handle(dm("墨荷"))) as ArticlesReply[];
    expect(reply!.articles[0]!.account).toBeUndefined();
    expect(renderPlain(reply!)).toContain("1. 《墨荷》 2025-02-01\n");
    expect(await bot.handle(dm("公众号"))).toEqual([{ kind: "text", text: "收录了 1 个公众号：\n· 槽边往事：1 篇" }]);
    await cleanup();
  });
});
