import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { configurePlatforms } from "../../src/cli/platforms.ts";
import { startBot, type Running } from "../../src/cli/start-bot.ts";
import { loadConfig } from "../../src/config.ts";
import { silentLogger } from "../../src/log.ts";
import { BackupRepo } from "../helpers/backup-repo.ts";
import { dm, fakeClock } from "../helpers/bot.ts";
import { ImageCache } from "../../src/net/image-cache.ts";
import { FakeTelegram, privateChat, user } from "../helpers/fake-telegram.ts";
import { fakeDownload, ManualTicker } from "../push/helpers.ts";

/** Three backups pushed to the remote after the first sync. */
const THREE_MORE = [
  { title: "原地慢慢跑", date: "2026-11-24", body: "每天早上原地慢跑半小时。" },
  { title: "还是找个老师吧", date: "2026-11-24", body: "学画画还是找个老师吧。" },
  { title: "肉都烂在锅里", date: "2026-11-23", body: "炖肉的时候肉都烂在锅里。" },
];

let repo: BackupRepo;
let tg: FakeTelegram;
let data = "";
let running: Running | undefined;

beforeEach(async () => {
  repo = new BackupRepo();
  repo
    .put("槽边往事", [{ title: "黄狗追呀追", date: "2026-11-20", body: "一只黄狗在院子里追自己的尾巴。" }])
    .commit("first");
  tg = await FakeTelegram.start();
  data = await mkdtemp(path.join(os.tmpdir(), "start-sync-"));
  await mkdir(path.join(data, "articles"));
});
afterEach(async () => {
  await running?.stop();
  running = undefined;
  await tg.close();
  repo.remove();
  await rm(data, { recursive: true, force: true });
});

async function start(ticker: ManualTicker, env: Record<string, string> = {}, images?: ImageCache): Promise<Running> {
  const vars = {
    DATA_DIR: data,
    TELEGRAM_BOT_TOKEN: tg.token,
    TELEGRAM_API_ROOT: tg.apiRoot,
    ADMIN_IDS: "test:admin",
    SYNC_REPO: repo.url,
    ...env,
  };
  const platforms = configurePlatforms(vars);
  running = await startBot(loadConfig(vars), silentLogger(), {
    clock: fakeClock("2026-11-25T00:30:00Z"),
    syncTicker: ticker.ticker,
    images,
    platforms,
  });
  return running;
}

const titlesFor = async (r: Running, query: string) => {
  const [reply] = await r.core.handle(dm(query));
  return reply?.kind === "articles" ? reply.articles.map((a) => a.title) : [];
};

describe("sync inside start (SYNC_REPO, SYNC_CRON)", () => {
  it("syncs at start, and a push of 3 backups is searchable after one tick", async () => {
    const ticker = new ManualTicker();
    const r = await start(ticker);
    await r.sync!.run();
    expect(await titlesFor(r, "黄狗")).toEqual(["黄狗追呀追"]);
    repo.put("槽边往事", THREE_MORE).commit("three more");
    expect(await titlesFor(r, "慢跑")).toEqual([]);
    ticker.fire();
    await r.sync!.run();
    expect(await titlesFor(r, "慢跑")).toEqual(["原地慢慢跑"]);
    expect(await titlesFor(r, "老师")).toEqual(["还是找个老师吧"]);
    expect(await titlesFor(r, "炖肉")).toEqual(["肉都烂在锅里"]);
    const [stats] = await r.core.handle(dm("/stats", { userId: "admin" }));
    expect(stats).toMatchObject({
      kind: "text",
      text: expect.stringContaining("同步：上次 2026-11-25 08:30（成功，新文章 3 篇）"),
    });
    expect(r.observability.health.report().sync).toEqual({
      lastSync: { at: "2026-11-25T00:30:00.000Z", result: "synced", newArticles: 3, commit: repo.head() },
      lastSuccessfulSync: { at: "2026-11-25T00:30:00.000Z", result: "synced", newArticles: 3, commit: repo.head() },
    });
  });

  it("shows the last successful sync in /healthz, also after a restart", async () => {
    const r = await start(new ManualTicker());
    await r.sync!.run();
    await r.stop();
    running = undefined;
    const commit = repo.head();
    // The sync at this start fails: what /healthz shows as the last success comes from the data directory.
    await rm(repo.remote, { recursive: true, force: true });
    const again = await start(new ManualTicker());
    expect((await again.sync!.run())?.status).toBe("failed");
    expect(again.observability.health.report().sync?.lastSuccessfulSync).toMatchObject({
      result: "synced",
      newArticles: 1,
      commit,
    });
  });

  it("keeps serving the library when the remote is gone, and says so in /stats", async () => {
    const ticker = new ManualTicker();
    const r = await start(ticker);
    await r.sync!.run();
    await rm(repo.remote, { recursive: true, force: true });
    ticker.fire();
    const failed = await r.sync!.run();
    expect(failed?.status).toBe("failed");
    expect(await titlesFor(r, "黄狗")).toEqual(["黄狗追呀追"]);
    const [stats] = await r.core.handle(dm("/stats", { userId: "admin" }));
    expect((stats as { text: string }).text).toMatch(
      /同步：上次 2026-11-25 08:30（失败：git ls-remote failed.*）；上次成功 2026-11-25 08:30/,
    );
    expect(r.observability.health.report().sync).toMatchObject({
      lastSync: { result: "failed", error: expect.stringMatching(/ls-remote/) },
      lastSuccessfulSync: { result: "synced", newArticles: 1 },
    });
  });
});

/** What the bot sent to a Telegram chat (text messages and photo captions). */
const sentTo = (chatId: number) =>
  tg.calls
    .filter((c) => ["sendMessage", "sendPhoto"].includes(c.method) && String(c.payload.chat_id) === String(chatId))
    .map((c) => ({ method: c.method, text: String(c.payload.text ?? c.payload.caption ?? "") }));

describe("new articles from a sync are announced in a running bot (fake Bot API)", () => {
  it("announces 3 new backups exactly once to each opted-in chat, with the cover, and only matching ones to a keyword chat", async () => {
    const ticker = new ManualTicker();
    const download = fakeDownload();
    const r = await start(ticker, {}, new ImageCache({ download: download.download }));
    await r.sync!.run();
    // Two readers opt in through Telegram; one only wants articles about running.
    tg.userMessage("/subscribe new", { from: user(1001) });
    tg.userMessage("/subscribe new 慢跑", { from: user(1002), chat: privateChat(1002) });
    await tg.waitForCall("sendMessage", (c) => c.payload.chat_id === 1001 && /订阅成功/.test(c.payload.text));
    await tg.waitForCall("sendMessage", (c) => c.payload.chat_id === 1002 && /慢跑/.test(c.payload.text));

    repo.put("槽边往事", THREE_MORE).commit("three more");
    ticker.fire();
    await r.sync!.run();
    await tg.waitForCall("sendPhoto", (c) => String(c.payload.chat_id) === "1002");
    await tg.drained();
    const alice = sentTo(1001).filter((m) => /新文章 ·/.test(m.text));
    expect(alice.map((m) => m.method)).toEqual(["sendPhoto", "sendPhoto", "sendPhoto"]);
    for (const title of ["原地慢慢跑", "还是找个老师吧", "肉都烂在锅里"])
      expect(alice.filter((m) => m.text.includes(title))).toHaveLength(1);
    expect(alice[0]!.text).toContain("槽边往事");
    expect(
      sentTo(1002)
        .filter((m) => /新文章 ·/.test(m.text))
        .map((m) => m.text),
    ).toEqual([expect.stringContaining("原地慢慢跑")]);
    // The covers came through the shared image download (no Referer), not as hotlinks.
    expect(download.urls.filter((u) => u.startsWith("https://mmbiz.qpic.cn/"))).toHaveLength(3);

    // Nothing new: another tick announces nothing more.
    ticker.fire();
    await r.sync!.run();
    await tg.drained();
    expect(sentTo(1001).filter((m) => /新文章 ·/.test(m.text))).toHaveLength(3);
  });
});
