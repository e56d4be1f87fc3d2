import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ArticlesReply, Reply } from "../../src/chat/message.ts";
import type { Article } from "../../src/library/article.ts";
import { LiveLibrary, snapshotOf, type LibrarySnapshot } from "../../src/catalog/live.ts";
import { Announcer, type AnnouncerDeps } from "../../src/push/announce.ts";
import { SendError } from "../../src/chat/sender.ts";
import type { Store } from "../../src/store/store.ts";
import { dm, fakeClock, groupMsg, testBot } from "../helpers/bot.ts";
import { blocked, FAST, FakeSender, tempSqlite } from "./helpers.ts";

// 2026-11-25 08:30 in Asia/Shanghai.
const clock = fakeClock("2026-11-25T00:30:00Z");
let db: Awaited<ReturnType<typeof tempSqlite>>;
let store: Store;
let telegram: FakeSender;
let wechat: FakeSender;

const article = (id: string, date: string, extra: Partial<Article> = {}): Article => ({
  id,
  title: id.split("/").pop()!,
  date,
  summary: `${id} 的摘要`,
  body: `${id} 的正文。`,
  url: `https://mp.weixin.qq.com/s/${encodeURIComponent(id)}`,
  cover: `https://mmbiz.qpic.cn/cover/${encodeURIComponent(id)}`,
  account: id.split("/")[0],
  ...extra,
});
const OLD = [article("槽边往事/黄狗追呀追", "2026-11-01"), article("记忆承载/墨荷", "2026-10-01")];
const library = (...articles: Article[]): LibrarySnapshot => snapshotOf({ articles: [...OLD, ...articles] });

function announcer(overrides: Partial<AnnouncerDeps> = {}): Announcer {
  return new Announcer({
    store,
    senders: () => [telegram, wechat],
    clock,
    log: pino({ level: "silent" }),
    timeZone: "Asia/Shanghai",
    paces: FAST,
    retryEveryMs: 0,
    ...overrides,
  });
}

const titles = (sender: FakeSender, chatId: string) =>
  sender.delivered
    .filter((d) => d.chatId === chatId)
    .map((d) =>
      d.reply.kind === "articles" ? d.reply.articles[0]!.title : d.reply.kind === "text" ? d.reply.text : "image",
    );

beforeEach(async () => {
  db = await tempSqlite(clock);
  store = db.store;
  telegram = new FakeSender("telegram");
  wechat = new FakeSender("wechat");
  await store.subscribeNews({ platform: "telegram", chatId: "alice", isGroup: false, keywords: [] });
  await store.subscribeNews({ platform: "wechat", chatId: "room@chatroom", isGroup: true, keywords: [] });
});
afterEach(async () => db.cleanup());

describe("new-article announcements", () => {
  it("takes the library at the first start as it is, then announces each new article once to each opted-in chat", async () => {
    const news = announcer();
    expect(await news.start(library())).toEqual([]);
    const three = library(
      article("槽边往事/原地慢慢跑", "2026-11-25"),
      article("槽边往事/还是找个老师吧", "2026-11-24"),
      article("记忆承载/肉都烂在锅里", "2026-11-23"),
    );
    await news.changed(three);
    expect(titles(telegram, "alice").sort()).toEqual(["原地慢慢跑", "肉都烂在锅里", "还是找个老师吧"]);
    expect(titles(wechat, "room@chatroom").sort()).toEqual(["原地慢慢跑", "肉都烂在锅里", "还是找个老师吧"]);
    const first = telegram.delivered.find(
      (d) => d.reply.kind === "articles" && d.reply.articles[0]!.title === "原地慢慢跑",
    )!.reply as ArticlesReply;
    expect(first).toMatchObject({ kind: "articles", heading: "新文章 ·「槽边往事」", showCover: true });
    expect(first.articles[0]).toMatchObject({
      title: "原地慢慢跑",
      date: "2026-11-25",
      account: "槽边往事",
      summary: "槽边往事/原地慢慢跑 的摘要",
      url: expect.any(String),
      cover: expect.any(String),
    });
    // A reload with nothing new, a restart, a second instance on the same store: nothing more.
    await news.changed(three);
    await announcer().start(three);
    await announcer().changed(three);
    expect(telegram.delivered).toHaveLength(3);
    expect(wechat.delivered).toHaveLength(3);
    expect(await news.stats()).toBe("新文章通知：订阅 2 个会话；最近 24 小时已发送 6，失败 0，进行中 0");
  });

  it("announces articles that arrived while the bot was down, but not an old backfill", async () => {
    await announcer().start(library());
    const later = library(article("槽边往事/原地慢慢跑", "2026-11-24"), article("槽边往事/旧文", "2026-11-10"));
    await announcer().start(later);
    expect(titles(telegram, "alice")).toEqual(["原地慢慢跑"]);
  });

  it("with keywords, announces only the articles matching one of them, through search normalisation (繁體, case)", async () => {
    await store.subscribeNews({ platform: "telegram", chatId: "runner", isGroup: false, keywords: ["慢跑"] });
    await store.subscribeNews({
      platform: "telegram",
      chatId: "tw",
      isGroup: false,
      keywords: ["獨一無二", "midjourney"],
    });
    const news = announcer();
    await news.start(library());
    await news.changed(
      library(
        article("槽边往事/原地慢慢跑", "2026-11-25", { body: "每天早上原地慢跑半小时。" }),
        article("槽边往事/独一无二", "2026-11-25", { body: "世界上独一无二的东西。" }),
        article("记忆承载/画", "2026-11-24", { body: "这张图是用 MidJourney 画的。" }),
        article("记忆承载/天气", "2026-11-24", { body: "今天下雨。" }),
      ),
    );
    expect(titles(telegram, "runner")).toEqual(["原地慢慢跑"]);
    expect(titles(telegram, "tw").sort()).toEqual(["独一无二", "画"]);
    expect(titles(telegram, "alice")).toHaveLength(4);
  });

  it("sends one digest per chat for a large batch instead of one message per article", async () => {
    const news = announcer();
    await news.start(library());
    const many = Array.from({ length: 300 }, (_, i) => article(`槽边往事/补档${i}`, "2026-11-24"));
    await news.changed(library(...many, article("记忆承载/另一篇", "2026-11-25")));
    expect(telegram.delivered).toHaveLength(1);
    expect(wechat.delivered).toHaveLength(1);
    const text = (telegram.delivered[0]!.reply as Extract<Reply, { kind: "text" }>).text;
    expect(text.split("\n")[0]).toBe("有 301 篇新文章（槽边往事 300 篇，记忆承载 1 篇）：");
    expect(text).toContain("……还有 291 篇");
  });

  it("unsubscribes a chat that blocked the bot, and keeps announcements for a platform until it connects", async () => {
    telegram = new FakeSender("telegram", () => blocked());
    let connected = [telegram];
    const news = announcer({ senders: () => connected });
    await news.start(library());
    await news.changed(library(article("槽边往事/原地慢慢跑", "2026-11-25")));
    expect(await store.getNewsSubscription("telegram", "alice")).toBeUndefined();
    expect(wechat.delivered).toEqual([]);
    connected = [telegram, wechat];
    await news.flush();
    expect(titles(wechat, "room@chatroom")).toEqual(["原地慢慢跑"]);
    await news.flush();
    expect(wechat.delivered).toHaveLength(1);
  });
});

describe("announcements that did not leave", () => {
  it("are tried again when nothing arrived (unsent), never after a transient failure (it may have arrived)", async () => {
    await store.subscribeNews({ platform: "telegram", chatId: "flaky", isGroup: false, keywords: [] });
    telegram = new FakeSender("telegram", (chatId, attempt) => {
      if (chatId === "alice" && attempt === 1) return new SendError("unsent", "fetch failed: ECONNREFUSED");
      if (chatId === "flaky" && attempt === 1) return new SendError("transient", "timeout");
      return undefined;
    });
    const news = announcer({ retryEveryMs: 0 });
    await news.start(library());
    await news.changed(library(article("槽边往事/原地慢慢跑", "2026-11-25")));
    expect(telegram.delivered).toEqual([]);
    await news.flush();
    expect(titles(telegram, "alice")).toEqual(["原地慢慢跑"]);
    expect(titles(telegram, "flaky")).toEqual([]);
    await news.flush();
    expect(telegram.delivered).toHaveLength(1);
  });
});

describe("a file dropped into the article folder", () => {
  it("is announced once the live library reloads", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "announce-live-"));
    await writeFile(
      path.join(dir, "old.md"),
      "---\ntitle: 旧文\ndate: 2026-11-01\n---\n很久以前的文章，正文足够长。\n",
    );
    const live = await LiveLibrary.open(dir, pino({ level: "silent" }));
    try {
      const news = announcer();
      await news.start(live.current);
      const announced = new Promise<void>((resolve) =>
        live.onChange((next) => void news.changed(next).then(() => resolve())),
      );
      await live.watch(50);
      await writeFile(
        path.join(dir, "new.md"),
        "---\ntitle: 刚写好的\ndate: 2026-11-25\naccount: 槽边往事\n---\n这是今天刚放进文件夹的文章。\n",
      );
      await announced;
      expect(titles(telegram, "alice")).toEqual(["刚写好的"]);
    } finally {
      await live.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("「订阅新文章」 and 「取消订阅新文章」", () => {
  it("opts a chat in, with keywords, and out again; in groups only admins may", async () => {
    const { bot, store: s, cleanup } = await testBot();
    expect(await bot.handle(dm("订阅新文章"))).toEqual([
      { kind: "text", text: "订阅成功！有新文章时会通知你。发送「取消订阅新文章」可随时退订。" },
    ]);
    expect(await bot.handle(dm("/subscribe new 墨荷, AI视频"))).toEqual([
      {
        kind: "text",
        text: "已更新新文章通知，只通知与「墨荷」「AI视频」相关的文章。发送「取消订阅新文章」可随时退订。",
      },
    ]);
    expect(await s.getNewsSubscription("test", "u1")).toMatchObject({ keywords: ["墨荷", "AI视频"] });
    // The daily push is a separate subscription.
    expect(await s.getSubscription("test", "u1")).toBeUndefined();
    expect(await bot.handle(groupMsg("/subscribe new", { isGroupAdmin: false }))).toEqual([
      { kind: "text", text: "抱歉，只有群管理员可以更改本群的订阅。" },
    ]);
    expect(await bot.handle(groupMsg("/subscribe new", { isGroupAdmin: true }))).toMatchObject([
      { text: expect.stringContaining("订阅成功") },
    ]);
    expect(await bot.handle(dm("/unsubscribe new"))).toEqual([
      { kind: "text", text: "已取消新文章通知。想回来随时发送「订阅新文章」。" },
    ]);
    expect(await bot.handle(dm("取消订阅新文章"))).toEqual([
      { kind: "text", text: "这里还没有订阅新文章通知。发送「订阅新文章」开始。" },
    ]);
    expect(
      await bot.handle(dm(`订阅新文章 ${Array.from({ length: 11 }, (_, i) => `词${i}`).join(" ")}`)),
    ).toMatchObject([{ text: expect.stringContaining("最多 10 个") }]);
    await cleanup();
  });
});
