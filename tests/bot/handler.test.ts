import { describe, expect, it } from "vitest";
import type { ArticlesReply, ImageReply, TextReply } from "../../src/chat/message.ts";
import { BUNDLED_LIBRARY, dm, fakeClock, groupMsg, HELP, testBotPerTest } from "../helpers/bot.ts";

const setup = testBotPerTest();

describe("a keyword in a private chat", () => {
  it("answers with the matching articles: title, date, summary, link and the matching passage", async () => {
    const { bot } = await setup();
    const [reply] = (await bot.handle(dm("照相机和绘画"))) as [ArticlesReply];
    expect(reply.kind).toBe("articles");
    expect(reply.heading).toBe("找到 1 篇与「照相机 绘画」相关的文章：");
    const card = reply.articles[0]!;
    expect(card).toMatchObject({ title: "独一无二", date: "2024-05-20", url: "https://mp.weixin.qq.com/s/ink-lotus" });
    expect(card.summary.startsWith("大家都喜欢看视频")).toBe(true);
    expect(card.snippet?.text).toContain("为什么人类有了照相机还要绘画");
    const marked = card.snippet!.highlights.map(([s, e]) => card.snippet!.text.slice(s, e));
    expect(marked).toEqual(expect.arrayContaining(["照相机", "绘画"]));
  });

  it("finds an article by its 禅定时刻 image title", async () => {
    const { bot } = await setup();
    const [reply] = (await bot.handle(dm("墨荷"))) as [ArticlesReply];
    expect(reply.articles.map((a) => a.title)).toEqual(["独一无二"]);
  });

  it("finds one Han character in the words that start with it: 猫 → the article about his cat 猫弟 on the first page", async () => {
    const { bot } = await setup({}, BUNDLED_LIBRARY);
    const [reply] = (await bot.handle(dm("猫"))) as [ArticlesReply];
    expect(reply.kind).toBe("articles");
    expect(reply.articles.map((a) => a.title)).toContain("记忆碎片：一年");
  });

  it("says 没有找到 with suggestions instead of listing unrelated articles", async () => {
    const { bot } = await setup();
    const [reply] = (await bot.handle(dm("量子计算机"))) as [TextReply];
    expect(reply).toEqual({ kind: "text", text: expect.stringContaining("没有找到与「量子计算机」相关的文章") });
    expect(reply.text).toContain("最新");
  });

  it("shows weak candidates under an honest header instead of 没有找到, with the passage that matched", async () => {
    const { bot, snapshot } = await setup({}, BUNDLED_LIBRARY);
    const query = "那篇叫人别老说坚持，拿母猫叼小猫来打比方的是哪篇";
    expect(snapshot.index.search(query)).toMatchObject({ lowConfidence: true, tentative: true });
    const [reply] = (await bot.handle(dm(query))) as [ArticlesReply];
    expect(reply.kind).toBe("articles");
    expect(reply.heading).toBe("没有完全对得上的，下面几篇可能相关：");
    expect(reply.articles[0]!.title).toBe("在和菜头的激励下");
    expect(reply.articles[0]!.snippet?.text).toMatch(/坚持|猫/);
    expect(reply.footer).toContain("如果都不是，换个说法或者更短的关键词再试试。");
  });

  it("answers what a reader means: 最近写了什么 → the latest, 随便来一篇 → one at random, the author's name → the author's latest", async () => {
    const { bot } = await setup({ random: () => 0 }, BUNDLED_LIBRARY);
    const [latest] = (await bot.handle(dm("最近写了什么？"))) as [ArticlesReply];
    expect(latest.heading).toBe("最新的 5 篇文章：");
    const [random] = (await bot.handle(dm("随便来一篇"))) as [ArticlesReply];
    expect(random.heading).toBe("随机给你一篇：");
    const [author] = (await bot.handle(dm("和菜头"))) as [ArticlesReply];
    expect(author.heading).toBe("和菜头最新的 5 篇文章：");
    expect(author.articles.map((a) => a.title)).toEqual(latest.articles.map((a) => a.title));
    const [account] = (await bot.handle(dm("槽边往事"))) as [ArticlesReply];
    expect(account.heading).toBe("「槽边往事」最新的 5 篇文章：");
  });

  it("searches the topic inside 「有没有讲…的」", async () => {
    const { bot } = await setup({}, BUNDLED_LIBRARY);
    const [reply] = (await bot.handle(dm("有没有讲猫弟的文章"))) as [ArticlesReply];
    expect(reply.heading).toMatch(/^找到 \d+ 篇与「猫弟」相关的文章：$/);
  });

  it("still says 没有找到 to a short query that only shares a word with some article", async () => {
    const { bot } = await setup({}, BUNDLED_LIBRARY);
    const [reply] = (await bot.handle(dm("周杰伦演唱会"))) as [TextReply];
    expect(reply).toEqual({ kind: "text", text: expect.stringContaining("没有找到与「周杰伦演唱会」相关的文章") });
  });

  it("shows three results per page, tells how many more there are, and pages on 更多", async () => {
    const { bot } = await setup();
    const [first] = (await bot.handle(dm("随笔"))) as [ArticlesReply];
    expect(first.articles).toHaveLength(3);
    expect(first.footer).toBe("还有 1 篇，发送「更多」查看下一页。");
    const [second] = (await bot.handle(dm("更多"))) as [ArticlesReply];
    expect(second.articles).toHaveLength(1);
    expect(second.page?.offset).toBe(3);
    const seen = [...first.articles, ...second.articles].map((a) => a.title);
    expect(new Set(seen).size).toBe(4);
    const [third] = (await bot.handle(dm("更多"))) as [TextReply];
    expect(third.text).toBe("没有更多结果了。换个关键词试试？");
  });

  it("asks for a keyword on 更多 before any search", async () => {
    const { bot } = await setup();
    expect(await bot.handle(dm("更多"))).toEqual([{ kind: "text", text: expect.stringContaining("还没有搜索过") }]);
  });
});

describe("commands", () => {
  it("帮助 explains keywords, the group trigger and every command", async () => {
    const { bot } = await setup();
    const [reply] = (await bot.handle(dm("帮助"))) as [TextReply];
    for (const word of ["关键词", "「?」", "最新", "随机", "禅定", "订阅"]) expect(reply.text).toContain(word);
    // Generated from the command table: every command with a help line, in the table's order.
    expect(reply.text).toBe(HELP);
  });

  it("最新 lists the newest articles first and leaves out digest posts", async () => {
    const { bot } = await setup();
    const [reply] = (await bot.handle(dm("最新"))) as [ArticlesReply];
    expect(reply.articles.map((a) => a.title)).toEqual(["萝卜跑起来", "呼吸机答疑", "独一无二"]);
  });

  it("随机 picks one article with the injected randomness", async () => {
    const { bot } = await setup({ random: () => 0.99 });
    const [reply] = (await bot.handle(dm("随机"))) as [ArticlesReply];
    expect(reply.articles.map((a) => a.title)).toEqual(["独一无二"]);
  });

  it("禅定 sends today's image (in Asia/Shanghai) with its title and the article it closes", async () => {
    const clock = fakeClock("2026-11-25T15:59:00Z");
    const { bot } = await setup({ clock });
    const [today] = (await bot.handle(dm("禅定"))) as [ImageReply];
    expect(today.kind).toBe("image");
    expect(today.caption).toMatch(/^禅定时刻 ·《.+》$/);
    expect(today.article?.title).toBeTruthy();
    clock.set("2026-11-25T16:01:00Z"); // midnight in Shanghai: a new day, a new image
    const [tomorrow] = (await bot.handle(dm("禅定"))) as [ImageReply];
    expect(tomorrow.url).not.toBe(today.url);
    clock.set("2026-11-26T10:00:00Z");
    expect(((await bot.handle(dm("/zen"))) as [ImageReply])[0].url).toBe(tomorrow.url);
  });

  it("订阅 stores the subscription with an optional personal time; 取消订阅 removes it", async () => {
    const { bot, store } = await setup();
    expect(await bot.handle(dm("订阅"))).toEqual([{ kind: "text", text: expect.stringContaining("每天 07:30") }]);
    expect(await store.getSubscription("test", "u1")).toMatchObject({ time: null, isGroup: false });
    expect(await bot.handle(dm("订阅 21:30"))).toEqual([
      { kind: "text", text: expect.stringContaining("改为每天 21:30") },
    ]);
    expect(await store.getSubscription("test", "u1")).toMatchObject({ time: "21:30" });
    expect(await bot.handle(dm("订阅 25:00"))).toEqual([
      { kind: "text", text: expect.stringContaining("不是有效的时间") },
    ]);
    expect(await bot.handle(dm("取消订阅"))).toEqual([{ kind: "text", text: expect.stringContaining("已取消订阅") }]);
    expect(await store.getSubscription("test", "u1")).toBeUndefined();
  });

  it("admin commands are refused to everyone not in ADMIN_IDS", async () => {
    const { bot } = await setup({ admin: { pushNow: async () => "pushed", stats: async () => "stats" } });
    expect(await bot.handle(dm("/stats"))).toEqual([{ kind: "text", text: expect.stringContaining("只有管理员") }]);
    const admin = dm("/stats", { platform: "telegram", userId: "42", chatId: "42" });
    expect(await bot.handle(admin)).toEqual([{ kind: "text", text: "stats" }]);
  });
});

describe("in a group", () => {
  it("stays silent when not addressed: members talk about other things", async () => {
    const { bot } = await setup();
    expect(await bot.handle(groupMsg("墨荷"))).toEqual([]);
    expect(await bot.handle(groupMsg("今天吃什么"))).toEqual([]);
  });

  it("answers when mentioned, or when the text starts with a trigger", async () => {
    const { bot } = await setup();
    for (const msg of [groupMsg("墨荷", { mentioned: true }), groupMsg("?墨荷"), groupMsg("？ 墨荷")]) {
      const [reply] = (await bot.handle(msg)) as [ArticlesReply];
      expect(reply.articles[0]!.title).toBe("独一无二");
    }
  });

  it("answers slash commands (Telegram groups deliver them even in privacy mode)", async () => {
    const { bot } = await setup();
    expect((await bot.handle(groupMsg("/latest@article_bot")))[0]!.kind).toBe("articles");
    expect((await bot.handle(groupMsg("/search 墨荷")))[0]!.kind).toBe("articles");
  });

  it("ignores other text starting with / in groups: WeChat emoticons like /::) are chatter, not commands", async () => {
    const { bot } = await setup();
    for (const text of ["/::)", "/::D 哈哈", "/微笑", "/foo 墨荷", "/usr/bin"])
      expect(await bot.handle(groupMsg(text)), text).toEqual([]);
  });

  it("lets only group admins change the group's subscription", async () => {
    const { bot, store } = await setup();
    expect(await bot.handle(groupMsg("?订阅"))).toEqual([
      { kind: "text", text: expect.stringContaining("只有群管理员") },
    ]);
    expect(await store.getSubscription("test", "g1")).toBeUndefined();
    await bot.handle(groupMsg("?订阅", { isGroupAdmin: true }));
    expect(await store.getSubscription("test", "g1")).toMatchObject({ isGroup: true });
  });
});

describe("hostile or odd input", () => {
  it("gets a sane reply, never an exception", async () => {
    const { bot } = await setup();
    const inputs = [
      "",
      "   ",
      "<script>alert(1)</script>",
      "**墨荷**",
      "😀".repeat(1000),
      "墨荷".repeat(50_000),
      "\u0000\u202e",
      "[墨荷](javascript:x)",
    ];
    for (const text of inputs) {
      const replies = await bot.handle(dm(text));
      expect(replies.length).toBeLessThanOrEqual(1);
      expect(JSON.stringify(replies).length).toBeLessThan(10_000);
    }
  });

  it("never echoes a huge message back whole", async () => {
    const { bot } = await setup();
    for (const text of [`订阅 ${"x".repeat(100_000)}`, "量子".repeat(50_000)]) {
      const [reply] = (await bot.handle(dm(text))) as [TextReply];
      expect(reply.text.length).toBeLessThan(200);
    }
  });

  it("answers an empty private message with a hint and an empty group trigger with silence", async () => {
    const { bot } = await setup();
    expect(await bot.handle(dm(""))).toEqual([{ kind: "text", text: expect.stringContaining("想找什么文章") }]);
    expect(await bot.handle(groupMsg("?"))).toEqual([]);
  });

  it("answers a query of filler words only with 没有找到", async () => {
    const { bot } = await setup();
    expect(await bot.handle(dm("那篇文章"))).toEqual([{ kind: "text", text: expect.stringContaining("没有找到") }]);
  });
});
