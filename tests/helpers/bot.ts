import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach } from "vitest";
import { Core, type CoreDeps } from "../../src/bot/core.ts";
import { knownPlatforms } from "../../src/cli/platforms.ts";
import type { Incoming } from "../../src/chat/message.ts";
import type { Clock } from "../../src/clock.ts";
import { snapshotOf, type LibrarySnapshot } from "../../src/catalog/live.ts";
import { loadLibrary } from "../../src/library/load.ts";
import { silentLogger } from "../../src/log.ts";
import { openSqliteStore } from "../../src/store/sqlite.ts";
import type { Store } from "../../src/store/store.ts";

/** Directory of a fixture library under tests/fixtures/library. */
export function fixtureLibrary(name = "good"): string {
  return fileURLToPath(new URL(`../fixtures/library/${name}/`, import.meta.url));
}

/** The bundled library that `npm start` serves. */
export const BUNDLED_LIBRARY = fileURLToPath(new URL("../../data/articles/", import.meta.url));

/** A clock stuck at `iso` until moved with `set`. */
export function fakeClock(iso: string): Clock & { set(iso: string): void } {
  let now = new Date(iso);
  return { now: () => now, set: (next) => void (now = new Date(next)) };
}

/** Load a directory into a searchable snapshot. */
export async function loadSnapshot(dir: string): Promise<LibrarySnapshot> {
  return snapshotOf(await loadLibrary(dir));
}

/** A real SQLite store in a fresh temp directory; `cleanup` closes and deletes it. */
export async function tempStore(): Promise<{ store: Store; file: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "article-bot-store-"));
  const file = path.join(dir, "bot.sqlite");
  const store = await openSqliteStore(file);
  return { store, file, cleanup: async () => (await store.close(), await rm(dir, { recursive: true, force: true })) };
}

/** A bot over a fixture library with a real store; override any dependency. */
export async function testBot(overrides: Partial<CoreDeps> = {}, libraryDir = fixtureLibrary()) {
  const snapshot = await loadSnapshot(libraryDir);
  const { store, cleanup } = await tempStore();
  const deps: CoreDeps = {
    library: () => snapshot,
    store,
    clock: fakeClock("2026-11-25T00:30:00Z"),
    log: silentLogger(),
    triggers: ["?", "？"],
    adminIds: ["telegram:42"],
    timeZone: "Asia/Shanghai",
    defaultPushTime: "07:30",
    // The real platforms' traits (their modules'): Telegram's buttons, WeChat's opt-in groups…
    platforms: knownPlatforms(),
    ...overrides,
  };
  return { bot: new Core(deps), deps, store, snapshot, cleanup };
}

/**
 * `testBot` for specs that build one bot per test: call at the top of a
 * file; each bot it makes is cleaned up after its test.
 */
export function testBotPerTest(): typeof testBot {
  let cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    const done = cleanups;
    cleanups = [];
    for (const cleanup of done) await cleanup();
  });
  return async (...args) => {
    const made = await testBot(...args);
    cleanups.push(made.cleanup);
    return made;
  };
}

/** What 帮助 answers with the triggers `?` and `？`: generated from the command table, in its order. */
export const HELP = [
  "我可以帮你找文章，也会每天送上一张「禅定时刻」。",
  "· 直接发关键词，例如：AI视频、墨荷、照相机和绘画",
  "· 在群里请 @我，或在消息前加 「?」或「？」，例如：?墨荷",
  "· 最新 —— 最近的文章",
  "· 随机 —— 随便看一篇",
  "· 公众号 —— 收录了哪些公众号",
  "· 禅定 —— 今日禅定时刻",
  "· 更多 —— 上一次搜索的下一页",
  "· 订阅 / 取消订阅 —— 每天早上推送禅定时刻（可加时间，如：订阅 21:30）",
  "· 订阅新文章 / 取消订阅新文章 —— 有新文章时通知（可加关键词，如：订阅新文章 墨荷 AI）",
  "· 启用 / 停用 / 设置 —— 群管理员在本群打开、关闭机器人，或调整触发词、结果数、免打扰等",
].join("\n");

/** A private message from user `u1`. */
export function dm(text: string, extra: Partial<Incoming> = {}): Incoming {
  return { platform: "test", chatId: "u1", userId: "u1", isGroup: false, mentioned: false, text, ...extra };
}

/** A group message from user `u2` in group `g1` (not addressed unless said). */
export function groupMsg(text: string, extra: Partial<Incoming> = {}): Incoming {
  return { platform: "test", chatId: "g1", userId: "u2", isGroup: true, mentioned: false, text, ...extra };
}
