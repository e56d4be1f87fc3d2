import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import pino from "pino";
import { createAdapter, type TelegramAdapter, type TelegramAdapterOptions } from "../../../adapters/telegram/index.ts";
import { telegramConfig } from "../../../adapters/telegram/config.ts";
import { Core, type CoreDeps } from "../../../src/bot/core.ts";
import { knownPlatforms } from "../../../src/cli/platforms.ts";
import type { LibrarySnapshot } from "../../../src/catalog/live.ts";
import { downloadImage } from "../../../src/net/download.ts";
import { ImageCache } from "../../../src/net/image-cache.ts";
import { openSqliteStore } from "../../../src/store/sqlite.ts";
import type { Store } from "../../../src/store/store.ts";
import { fakeClock, loadSnapshot } from "../../helpers/bot.ts";
import { FakeTelegram, type FakeTelegramOptions } from "../../helpers/fake-telegram.ts";
import { ImageServer, jpegBytes, LOCAL_IMAGE_HOSTS } from "../../helpers/image-server.ts";

/** Nine articles: seven about 照相机 (three pages), one with hostile HTML, one without a link, one zen image. */
export const TELEGRAM_LIBRARY = fileURLToPath(new URL("../../fixtures/telegram/", import.meta.url));
/** Path of the fixture library's zen image on the local image host. */
export const ZEN_PATH = "/mmbiz_jpg/telegram-zen/0";

const snapshots = new Map<string, Promise<LibrarySnapshot>>();

/** Load a library once per test file (loading builds a search index). */
export function snapshotOf(dir = TELEGRAM_LIBRARY): Promise<LibrarySnapshot> {
  if (!snapshots.has(dir)) snapshots.set(dir, loadSnapshot(dir));
  return snapshots.get(dir)!;
}

/** What a test sees: the fake Bot API, the image host, the running adapter, the store and the log lines. */
export interface Harness {
  tg: FakeTelegram;
  host: ImageServer;
  adapter: TelegramAdapter;
  core: Core;
  store: Store;
  /** Every log line written so far (JSON). */
  logs: string[];
  /** Reasons the adapter asked the process to stop. */
  shutdowns: string[];
  /** Stop the adapter, the servers, and delete the store. */
  close(): Promise<void>;
}

/** Options of {@link startTelegram}. */
export interface HarnessOptions {
  fake?: FakeTelegramOptions;
  library?: string;
  /** Set TELEGRAM_WEBHOOK_URL (and listen on a free port). */
  webhookUrl?: string;
  adapter?: Partial<TelegramAdapterOptions>;
  /** Start the adapter (default true). */
  start?: boolean;
  /** Core bot dependencies to add, e.g. a flood limiter or an observer. */
  core?: Partial<CoreDeps>;
}

/** The harness's time (08:30 in Asia/Shanghai): subscriptions are stamped with it, "today" is its day there. */
export const HARNESS_NOW = "2026-11-25T00:30:00Z";

/** 01:00 in Asia/Shanghai on the day after {@link HARNESS_NOW}: a subscription for 00:00 is due, the 07:30 default is not. */
export const NEXT_NIGHT = "2026-11-25T17:00:00Z";

/**
 * The real Telegram adapter, built by `createAdapter` from configuration
 * as `npm start` does, against a fake Bot API server and a local image
 * host. Throttling is off (it only adds waiting) unless a test turns it on.
 */
export async function startTelegram(options: HarnessOptions = {}): Promise<Harness> {
  const [tg, host, snapshot] = await Promise.all([
    FakeTelegram.start(options.fake),
    ImageServer.start(),
    snapshotOf(options.library),
  ]);
  host.route(ZEN_PATH, { kind: "image", bytes: jpegBytes(3000) });
  const dir = await mkdtemp(path.join(os.tmpdir(), "article-bot-telegram-"));
  // One clock for the core, the adapter and the store: nothing a spec sees depends on the hour it runs at.
  const clock = fakeClock(HARNESS_NOW);
  const store = await openSqliteStore(path.join(dir, "bot.sqlite"), { clock });
  const logs: string[] = [];
  const log = pino(
    { level: "debug" },
    new Writable({ write: (chunk, _enc, done) => (logs.push(String(chunk)), done()) }),
  );
  const core = new Core({
    library: () => snapshot,
    store,
    clock,
    log,
    triggers: ["?", "？"],
    adminIds: ["telegram:42"],
    timeZone: "Asia/Shanghai",
    defaultPushTime: "07:30",
    platforms: knownPlatforms(),
    ...options.core,
  });
  // The search engine loads its dictionaries on first use (over a second): not part of any test's answer time.
  snapshot.index.search("墨荷", { offset: 0, limit: 3 });
  const settings = telegramConfig({
    TELEGRAM_BOT_TOKEN: tg.token,
    TELEGRAM_API_ROOT: tg.apiRoot,
    TELEGRAM_WEBHOOK_URL: options.webhookUrl,
    TELEGRAM_WEBHOOK_PORT: options.webhookUrl ? "0" : undefined,
  })!;
  // The library's images live on mmbiz.qpic.cn; the local host stands in for it.
  const images = new ImageCache({
    download: (url) =>
      downloadImage(url.replace("https://mmbiz.qpic.cn", host.url), {
        retries: 0,
        timeoutMs: 2000,
        allowHosts: LOCAL_IMAGE_HOSTS,
      }),
  });
  const shutdowns: string[] = [];
  const ctx = {
    core,
    log,
    dataDir: dir,
    kv: store,
    images,
    requestShutdown: (reason: string) => void shutdowns.push(reason),
  };
  const adapter = createAdapter(ctx, settings, {
    clock,
    pollSeconds: 5,
    reliability: { throttle: false },
    ...options.adapter,
  });
  if (options.start !== false) await adapter.start();
  const close = async () => {
    await adapter.stop();
    await Promise.all([tg.close(), host.close()]);
    await store.close();
    await rm(dir, { recursive: true, force: true });
  };
  return { tg, host, adapter, core, store, logs, shutdowns, close };
}

/** The inline keyboard of a recorded call, as rows of `text → url|data`. */
export function buttonsOf(payload: Record<string, any>): string[][] {
  const rows: Array<Array<{ text: string; url?: string; callback_data?: string }>> =
    payload.reply_markup?.inline_keyboard ?? [];
  return rows.map((row) => row.map((b) => `${b.text} → ${b.url ?? b.callback_data}`));
}

/** The callback data of the button labelled `text` in a sent message. */
export function callbackOf(payload: Record<string, any>, text: string): string {
  const rows: Array<Array<{ text: string; callback_data?: string }>> = payload.reply_markup?.inline_keyboard ?? [];
  const button = rows.flat().find((b) => b.text === text);
  if (!button?.callback_data) throw new Error(`no button "${text}" in ${JSON.stringify(payload.reply_markup)}`);
  return button.callback_data;
}
