import { describe, expect, it } from "vitest";
import { dm, groupMsg, testBotPerTest } from "../helpers/bot.ts";

/**
 * "This chat is gone, unsubscribe it" is the core's, written once
 * (`src/bot/gone-chats.ts`): the push meeting a blocked chat, an adapter
 * told the bot was removed, a channel's admin stopping its pushes all
 * go through it, so a gone chat never keeps half its subscriptions.
 */

const setup = testBotPerTest();
const ADMIN = { mentioned: true, isGroupAdmin: true };

describe("Core.chatGone", () => {
  it("removes a chat's daily push and its new-article announcements, once; other chats keep theirs", async () => {
    const { bot, store } = await setup();
    await bot.handle(dm("订阅 21:30"));
    await bot.handle(dm("订阅新文章 墨荷"));
    await bot.handle(dm("订阅", { chatId: "u9", userId: "u9" }));

    expect(await bot.chatGone({ platform: "test", chatId: "u1" })).toBe(2);
    expect(await store.getSubscription("test", "u1")).toBeUndefined();
    expect(await store.getNewsSubscription("test", "u1")).toBeUndefined();
    expect(await bot.chatGone({ platform: "test", chatId: "u1" })).toBe(0);
    expect(await store.getSubscription("test", "u9")).toMatchObject({ chatId: "u9" });
  });

  it("removes only what goes to a forum topic that is gone; the group's other topics keep theirs", async () => {
    const { bot, store } = await setup();
    await bot.handle(groupMsg("订阅", { ...ADMIN, threadId: "7" }));
    await bot.handle(groupMsg("订阅新文章", { ...ADMIN, threadId: "8" }));

    expect(await bot.chatGone({ platform: "test", chatId: "g1", threadId: "7" })).toBe(1);
    expect(await store.getSubscription("test", "g1")).toBeUndefined();
    expect(await store.getNewsSubscription("test", "g1")).toMatchObject({ threadId: "8" });
  });
});

describe("Core.chatMoved", () => {
  it("moves a group's daily push, at its own time, to the group's new id", async () => {
    const { bot, store } = await setup();
    await bot.handle(groupMsg("订阅 21:30", ADMIN));

    expect(await bot.chatMoved("test", "g1", "g2")).toBe(true);
    expect(await store.getSubscription("test", "g1")).toBeUndefined();
    expect(await store.getSubscription("test", "g2")).toMatchObject({ isGroup: true, time: "21:30" });
    expect(await bot.chatMoved("test", "g1", "g3")).toBe(false);
  });
});
