import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import pino from "pino";
import type { Reply } from "../../src/chat/message.ts";
import { SendError, type Sender } from "../../src/chat/sender.ts";
import type { Clock } from "../../src/clock.ts";
import type { LibrarySnapshot } from "../../src/catalog/live.ts";
import type { Logger } from "../../src/log.ts";
import type { Downloaded } from "../../src/net/download.ts";
import { ImageCache } from "../../src/net/image-cache.ts";
import { PushService, type PushServiceDeps } from "../../src/push/service.ts";
import type { Ticker } from "../../src/push/scheduler.ts";
import { openSqliteStore } from "../../src/store/sqlite.ts";
import type { Store } from "../../src/store/store.ts";
import { loadSnapshot } from "../helpers/bot.ts";

/** The push fixture library: two zen images, a 那年今日 article on 11-25, a digest. */
export const PUSH_LIBRARY = fileURLToPath(new URL("../fixtures/push/", import.meta.url));

/** A real SQLite file in a fresh temp directory, timestamped by `clock`. */
export async function tempSqlite(clock: Clock) {
  const dir = await mkdtemp(path.join(os.tmpdir(), "article-bot-push-"));
  const file = path.join(dir, "bot.sqlite");
  const handles: Store[] = [];
  /** Open another handle on the same file (a restarted process). */
  const open = async () => {
    const store = await openSqliteStore(file, { clock });
    handles.push(store);
    return store;
  };
  const store = await open();
  return {
    store,
    file,
    open,
    cleanup: async () => (
      await Promise.all(handles.map((h) => h.close())), await rm(dir, { recursive: true, force: true })
    ),
  };
}

/** What a fake sender does with one attempt: succeed, throw, or never answer (a crash). */
export type Behaviour = (chatId: string, attempt: number) => SendError | "hang" | undefined;

/** A Sender that records what reached each chat. */
export class FakeSender implements Sender {
  /** Replies that were delivered, in order. */
  readonly delivered: Array<{ chatId: string; reply: Reply }> = [];
  private readonly attempts = new Map<string, number>();

  constructor(
    readonly platform = "telegram",
    private readonly behaviour: Behaviour = () => undefined,
  ) {}

  async send(chatId: string, reply: Reply): Promise<void> {
    const attempt = (this.attempts.get(chatId) ?? 0) + 1;
    this.attempts.set(chatId, attempt);
    const outcome = this.behaviour(chatId, attempt);
    if (outcome === "hang") return new Promise(() => {});
    if (outcome) throw outcome;
    this.delivered.push({ chatId, reply });
  }

  /** How many times each chat received something. */
  counts(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const d of this.delivered) counts.set(d.chatId, (counts.get(d.chatId) ?? 0) + 1);
    return counts;
  }

  chats(): string[] {
    return this.delivered.map((d) => d.chatId);
  }
}

/** A Telegram-like 403. */
export const blocked = () => new SendError("gone", "Forbidden: bot was blocked by the user");
/** A Telegram-like 429. */
export const tooManyRequests = (ms: number) => new SendError("rate_limited", "Too Many Requests", ms);

/** A ticker the test fires by hand. */
export class ManualTicker {
  private onTick?: () => void;
  stopped = false;
  readonly ticker: Ticker = (onTick) => {
    this.onTick = onTick;
    return () => void (this.stopped = true);
  };
  fire(): void {
    this.onTick?.();
  }
}

/** A logger whose JSON lines the test can read. */
export function captureLog(): { log: Logger; lines: () => Array<Record<string, unknown>> } {
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      raw.push(String(chunk));
      done();
    },
  });
  const log = pino({ level: "debug" }, stream);
  return {
    log,
    lines: () =>
      raw
        .join("")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
  };
}

/** A tiny JPEG-looking download that records which URLs were fetched. */
export function fakeDownload(): { download: (url: string) => Promise<Downloaded>; urls: string[] } {
  const urls: string[] = [];
  return {
    urls,
    download: async (url) => {
      urls.push(url);
      return { bytes: Buffer.from([0xff, 0xd8, 0xff]), contentType: "image/jpeg", fileName: "image.jpeg" };
    },
  };
}

/** Fast paces so a thousand chats take well under a second. */
export const FAST = { telegram: { perSecond: 5000, concurrency: 8 }, wechat: { perSecond: 5000, concurrency: 2 } };

/** A push service over the fixture library with hand-fired ticks; override anything. */
export async function pushService(
  store: Store,
  clock: Clock,
  senders: Sender[],
  overrides: Partial<PushServiceDeps> = {},
) {
  const snapshot: LibrarySnapshot = await loadSnapshot(PUSH_LIBRARY);
  const ticker = new ManualTicker();
  const service = new PushService({
    store,
    senders: () => senders,
    library: () => snapshot,
    clock,
    log: pino({ level: "silent" }),
    cron: "30 7 * * *",
    timeZone: "Asia/Shanghai",
    images: new ImageCache({ download: fakeDownload().download, clock }),
    ticker: ticker.ticker,
    paces: FAST,
    fanout: { progressEvery: 1000 },
    ...overrides,
  });
  return { service, ticker, snapshot };
}

/** Subscribe `n` private chats named `<prefix>0` … `<prefix>{n-1}`. */
export async function subscribeMany(
  store: Store,
  n: number,
  opts: { platform?: string; prefix?: string; time?: string | null } = {},
) {
  for (let i = 0; i < n; i++) {
    await store.subscribe({
      platform: opts.platform ?? "telegram",
      chatId: `${opts.prefix ?? "c"}${i}`,
      isGroup: false,
      time: opts.time ?? null,
    });
  }
}

/** What better-sqlite3 throws when the disk (or the database's page limit) is full. */
export function sqliteFull(): Error {
  return Object.assign(new Error("database or disk is full"), { name: "SqliteError", code: "SQLITE_FULL" });
}

/**
 * `store` seen through a full disk: while `full` is true, the named
 * writes fail with SQLITE_FULL (reads keep working, as they do in
 * SQLite); `failures` counts the refused writes.
 */
export function fullDisk<K extends keyof Store>(store: Store, writes: readonly K[]) {
  const disk = { full: true, failures: 0, store: undefined as unknown as Store };
  const props: PropertyDescriptorMap = {};
  for (const name of writes) {
    const real = (store[name] as (...args: unknown[]) => Promise<unknown>).bind(store);
    props[name] = {
      value: (...args: unknown[]) => {
        if (!disk.full) return real(...args);
        disk.failures++;
        return Promise.reject(sqliteFull());
      },
    };
  }
  disk.store = Object.create(store, props) as Store;
  return disk;
}
