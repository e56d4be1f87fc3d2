import { describe, expect, it, vi } from "vitest";
import type { Handled } from "../../src/bot/core.ts";
import {
  compose,
  Pipeline,
  type Addressed,
  type Commanded,
  type RequestContext,
  type Stage,
} from "../../src/bot/pipeline.ts";
import { ChatRateLimiter } from "../../src/bot/rate-limit.ts";
import { t } from "../../src/bot/strings.ts";
import { UserError } from "../../src/bot/user-error.ts";
import type { ArticlesReply, Incoming } from "../../src/chat/message.ts";
import { dm, fakeClock, groupMsg, HELP, testBotPerTest } from "../helpers/bot.ts";
import { dialogue } from "../helpers/dialogue.ts";

/** readIntent as it is, counting its calls: a request's intent is read once. */
const intents = vi.hoisted(() => ({ reads: 0 }));
vi.mock("../../src/bot/intents.ts", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../../src/bot/intents.ts")>();
  return {
    ...actual,
    readIntent: (...args: Parameters<typeof actual.readIntent>) => (intents.reads++, actual.readIntent(...args)),
  };
});

/**
 * One way in: every request — a message, a paging button, an inline list —
 * passes addressing → admission → parsing → group policy → the empty-text hint →
 * policies → the command (its authority, then its handler), with one error
 * boundary and one observer; what a stage finds out is found once.
 */

const setup = testBotPerTest();

/** A stage that remembers what it saw of each request, then hands it on. */
function recorder(seen: Array<{ text?: string; command?: string; limited?: string }>): Stage {
  return (ctx, next) => {
    seen.push({ text: ctx.text, command: ctx.command?.spec.name, limited: ctx.limited });
    return next();
  };
}

describe("compose", () => {
  it("refuses a stage that calls next() twice, naming it, instead of running the rest of the pipeline twice", async () => {
    const answered: string[] = [];
    const twice: Stage = async function retryBlindly(_ctx, next) {
      await next();
      return next();
    };
    const answer: Stage = async () => (answered.push("answer"), [{ kind: "text", text: "好" }]);
    await expect(compose([twice, answer])({ msg: dm("墨荷") })).rejects.toThrow(
      "pipeline stage 0 (retryBlindly) called next() twice",
    );
    expect(answered).toEqual(["answer"]);
  });
});

describe("each request's facts, found once and kept on the request", () => {
  it("reads each text with the command table once, in private chats and in groups, served or not", async () => {
    const { bot } = await setup({ groups: { policy: "opt-in", allowed: [] } });
    const parse = vi.spyOn(bot.commands, "parse");
    const parsesOf = async (msg: Incoming) => {
      parse.mockClear();
      const replies = await bot.handle(msg);
      return [msg.text, parse.mock.calls.length, replies.length];
    };
    expect(await parsesOf(dm("墨荷"))).toEqual(["墨荷", 1, 1]);
    // A group not yet served: a member is not answered, an admin's 启用 is, each read once.
    expect(await parsesOf(groupMsg("墨荷", { mentioned: true }))).toEqual(["墨荷", 1, 0]);
    expect(await parsesOf(groupMsg("?启用", { isGroupAdmin: true }))).toEqual(["?启用", 1, 1]);
    expect(await parsesOf(groupMsg("?最新"))).toEqual(["?最新", 1, 1]);
    expect(await parsesOf(groupMsg("/latest@article_bot"))).toEqual(["/latest@article_bot", 1, 1]);
    expect(await parsesOf(groupMsg("今天天气不错"))).toEqual(["今天天气不错", 0, 0]);
  });

  it("reads a group's settings from the store once per request, never in private chats", async () => {
    const { bot, store } = await setup();
    const reads = vi.spyOn(store, "getGroupSettings");
    const readsOf = async (msg: Incoming) => {
      reads.mockClear();
      await bot.handle(msg);
      return reads.mock.calls.length;
    };
    expect(await readsOf(groupMsg("?随笔"))).toBe(1);
    expect(await readsOf(groupMsg("?设置 结果数 2", { isGroupAdmin: true }))).toBe(1);
    expect(await readsOf(groupMsg("更多", { mentioned: true }))).toBe(1);
    expect(await readsOf(dm("随笔"))).toBe(0);
  });

  it("keeps a request's settings with the request, not with its message: the same message handled again reads them again", async () => {
    const { bot } = await setup();
    const ask = groupMsg("?随笔");
    expect(((await bot.handle(ask))[0] as ArticlesReply).articles).toHaveLength(3);
    await bot.handle(groupMsg("?设置 结果数 1", { isGroupAdmin: true }));
    expect(((await bot.handle(ask))[0] as ArticlesReply).articles).toHaveLength(1);
  });

  it("reads what a search text means once", async () => {
    const { bot } = await setup();
    for (const text of ["随笔", "有没有讲照相机的", "最近写了什么"]) {
      intents.reads = 0;
      expect((await bot.handle(dm(text)))[0]!.kind).toBe("articles");
      expect([text, intents.reads]).toEqual([text, 1]);
    }
  });

  it("puts a stage only after the stages whose facts it reads, by their types", async () => {
    const named: Stage = async (ctx) => [{ kind: "text", text: ctx.command.spec.name }];
    const addressed: Stage<RequestContext, Addressed> = (ctx, next) => next(Object.assign(ctx, { text: ctx.msg.text }));
    // @ts-expect-error: before anything has read the command, a stage cannot read ctx.command
    Pipeline.start().use(named);
    // @ts-expect-error: nor after addressing alone
    Pipeline.start().use(addressed).use(named);
    const parsed: Stage<Addressed, Commanded> = (ctx, next) =>
      next(
        Object.assign(ctx, {
          command: {
            spec: { name: ctx.text, aliases: [], authority: "anyone" as const, run: () => [] },
            args: undefined,
          },
        }),
      );
    const echo = Pipeline.start().use(addressed).use(parsed).use(named).build();
    expect(await echo({ msg: dm("最新") })).toEqual([{ kind: "text", text: "最新" }]);
  });
});

describe("the request pipeline", () => {
  it("runs a policy stage after parsing and before the command, only for requests addressed to the bot and admitted", async () => {
    const seen: Array<{ text?: string; command?: string }> = [];
    const { bot } = await setup({ policies: [recorder(seen)] });
    await bot.handle(groupMsg("今天天气不错"));
    await bot.handle(groupMsg("？ 最新"));
    await bot.handle(dm("/s 墨荷"));
    expect(seen).toEqual([
      { text: "最新", command: "latest", limited: undefined },
      { text: "/s 墨荷", command: "search", limited: undefined },
    ]);
  });

  it("lets a policy refuse a command in one group, with its own sentence, while other chats are answered", async () => {
    const quiet: Stage = (ctx, next) => {
      if (ctx.msg.chatId === "g1" && ctx.command?.spec.name === "random") throw new UserError("本群关闭了「随机」。");
      return next();
    };
    const { bot } = await setup({ policies: [quiet], random: () => 0 });
    await dialogue(bot, { chatId: "g1", isGroup: true }).shouldReply("?随机", "本群关闭了「随机」。");
    await dialogue(bot).shouldReply("随机", /^随机给你一篇：\n\n1\. 《.+》/);
  });

  it("has one error boundary: a refusal is its sentence and no error; anything else is the apology, observed with the request", async () => {
    const observed: Handled[] = [];
    let failure: Error = new UserError(t.pushDisabled);
    const failing: Stage = () => {
      throw failure;
    };
    const { bot } = await setup({ policies: [failing], observe: (h) => observed.push(h) });
    expect(await bot.handle(dm("最新"))).toEqual([{ kind: "text", text: t.pushDisabled }]);
    failure = new Error("disk full");
    expect(await bot.handle(dm("随机"))).toEqual([{ kind: "text", text: t.failed }]);
    expect(observed.map((h) => [h.msg.text, h.command, h.error])).toEqual([
      ["最新", "latest", undefined],
      ["随机", "random", failure],
    ]);
  });

  it("asks the adapter whether the sender is a group admin only when a command needs it", async () => {
    const { bot, store } = await setup();
    const isGroupAdmin = vi.fn(async () => false);
    const chat = dialogue(bot, { chatId: "g1", isGroup: true, isGroupAdmin });
    await chat.shouldReply("?最新", /^最新的 3 篇文章：/);
    expect(isGroupAdmin).not.toHaveBeenCalled();
    await chat.shouldReply("?订阅", t.groupAdminOnly);
    expect(isGroupAdmin).toHaveBeenCalledTimes(1);
    isGroupAdmin.mockResolvedValue(true);
    await chat.shouldReply("?订阅 8:00", "订阅成功！每天 08:00 给你送上禅定时刻。发送「取消订阅」可随时退订。");
    expect(await store.getSubscription("test", "g1")).toMatchObject({ isGroup: true, time: "08:00" });
  });

  it("gives bot admins (ADMIN_IDS) group-admin authority in every group, and keeps bot-admin commands to them", async () => {
    const { bot, store } = await setup({
      adminIds: ["test:boss"],
      admin: { pushNow: async () => "pushed", stats: async () => "统计" },
    });
    const boss = dialogue(bot, { chatId: "g1", userId: "boss", isGroup: true, isGroupAdmin: false });
    await boss.shouldReply("?订阅新文章 猫", /^订阅成功！有新文章时会通知你，只通知与「猫」相关的文章。/);
    expect(await store.getNewsSubscription("test", "g1")).toMatchObject({ keywords: ["猫"] });
    await boss.shouldReply("/stats", "统计");
    await dialogue(bot, { chatId: "g1", isGroup: true, isGroupAdmin: true }).shouldReply("/stats", t.adminOnly);
  });

  it("answers 帮助 with the help the command table generates", async () => {
    const { bot } = await setup();
    await dialogue(bot).shouldReply("帮助", HELP);
    await dialogue(bot).shouldReply("/start", HELP);
  });
});

describe("requests that are not typed text", () => {
  /** A press on a paging button of a search for `query`. */
  const press = (query: string, offset: number): Incoming => dm(query, { action: { kind: "page", query, offset } });
  /** An inline query from user u1. */
  const inline = (query: string, offset = 0): Incoming =>
    dm(query, { action: { kind: "list", query, offset, limit: 50 } });

  it("a paging button asks for that page of its query, and 更多 then continues from it", async () => {
    const { bot } = await setup();
    const [page] = (await bot.handle(press("随笔", 3))) as [ArticlesReply];
    expect(page.page).toEqual({ query: "随笔", offset: 3, total: 4, pageSize: 3 });
    expect(page.articles).toHaveLength(1);
    await dialogue(bot).shouldReply("更多", t.noMorePages);
  });

  it("an inline query lists plain cards beyond a chat page; without words, the newest", async () => {
    const { bot } = await setup();
    const [found] = (await bot.handle(inline("照相机"))) as [ArticlesReply];
    expect(found.kind).toBe("articles");
    expect(found.articles.length).toBeGreaterThan(0);
    expect(found.articles.every((a) => a.snippet === undefined)).toBe(true);
    const [newest] = (await bot.handle(inline(""))) as [ArticlesReply];
    expect(newest.articles.map((a) => a.title).slice(0, 3)).toEqual(["萝卜跑起来", "呼吸机答疑", "独一无二"]);
    expect((await bot.handle(inline("", 50)))[0]).toMatchObject({ kind: "articles", articles: [] });
  });

  it("counts buttons and inline queries against the user's own budget, shared with the private chat, and observes them", async () => {
    const observed: Handled[] = [];
    const rateLimit = new ChatRateLimiter(fakeClock("2026-11-25T00:30:00Z"), { burst: 2, perMinute: 1 });
    const { bot } = await setup({ rateLimit, observe: (h) => observed.push(h) });
    await bot.handle(dm("墨荷"));
    await bot.handle(press("墨荷", 3));
    expect(await bot.handle(inline("墨荷"))).toEqual([{ kind: "text", text: t.slowDown }]);
    expect(await bot.handle(press("墨荷", 6))).toEqual([]);
    expect(observed.map((h) => [h.command, h.limited])).toEqual([
      ["search", undefined],
      ["more", undefined],
      [undefined, "warn"],
      [undefined, "drop"],
    ]);
  });
});
