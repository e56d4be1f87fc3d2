import pino from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Article } from "../../../src/library/article.ts";
import { snapshotOf } from "../../../src/catalog/live.ts";
import { Announcer } from "../../../src/push/announce.ts";
import { fakeClock } from "../../helpers/bot.ts";
import { FAST } from "../../push/helpers.ts";
import { wechatHarness } from "./harness.ts";

let h: Awaited<ReturnType<typeof wechatHarness>> | undefined;
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
});

const fresh: Article = {
  id: "槽边往事/原地慢慢跑",
  title: "原地慢慢跑",
  date: "2026-11-24",
  summary: "每天早上原地慢跑半小时。",
  body: "每天早上原地慢跑半小时。",
  url: "https://mp.weixin.qq.com/s/run",
  cover: "https://mmbiz.qpic.cn/mmbiz_jpg/run/640",
  account: "槽边往事",
};

async function announceTo(roomId: string) {
  const announcer = new Announcer({
    store: h!.store,
    senders: () => [h!.adapter.sender],
    clock: fakeClock("2026-11-25T00:30:00Z"),
    log: pino({ level: "silent" }),
    timeZone: "Asia/Shanghai",
    paces: FAST,
  });
  await h!.store.subscribeNews({ platform: "wechat", chatId: roomId, isGroup: true, keywords: [] });
  await announcer.start(snapshotOf({ articles: [] }));
  await announcer.changed(snapshotOf({ articles: [fresh] }));
}

describe("new-article announcements on WeChat (mock puppet)", () => {
  it("arrive in the room as the heading and a link card with title, summary, cover and link", async () => {
    h = await wechatHarness();
    await announceTo(h.room.id);
    const [heading, card] = await h.received(h.room.id, 2);
    expect(heading).toMatchObject({ kind: "text", text: "新文章 ·「槽边往事」" });
    expect(card).toMatchObject({
      kind: "card",
      link: { title: "原地慢慢跑", description: "每天早上原地慢跑半小时。", thumbnailUrl: fresh.cover, url: fresh.url },
    });
  });

  it("fall back to text (title, account, date, summary, link) where the puppet cannot send cards", async () => {
    h = await wechatHarness();
    vi.mocked(h.puppet.messageSendUrl).mockRejectedValue(new Error("Wechaty Puppet Unsupported API Error."));
    await announceTo(h.room.id);
    const [, fallback] = await h.received(h.room.id, 2);
    expect(fallback).toMatchObject({
      kind: "text",
      text: "《原地慢慢跑》 2026-11-24 · 槽边往事\n每天早上原地慢跑半小时。\nhttps://mp.weixin.qq.com/s/run",
    });
  });
});
