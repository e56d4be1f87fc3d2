import path from "node:path";
import Database from "better-sqlite3";
import { systemClock, type Clock } from "../clock.ts";
import type { Platform } from "../chat/message.ts";
import { createPrivateFile, makePrivateDir } from "../util/private-files.ts";
import { migrations, type Migration } from "./migrations.ts";
import {
  groupSettingsColumns,
  toDelivery,
  toDeliveryCounts,
  toGroupSettings,
  toNewsSubscription,
  toSubscription,
  type DeliveryRow,
  type GroupSettingsRow,
  type NewsSubscriptionRow,
  type SubscriptionRow,
} from "./rows.ts";
import type {
  Delivery,
  DeliveryCounts,
  DeliveryStatus,
  GroupSettings,
  GroupSettingsChange,
  NewsSubscription,
  Store,
  StoreLock,
  Subscription,
} from "./store.ts";

/** Options of {@link openSqliteStore}. */
export interface SqliteStoreOptions {
  /** Source of timestamps (subscriptions, delivery log, stale claims). */
  clock?: Clock;
  /** How long a write waits for another connection's lock. Default 5 s. */
  busyTimeoutMs?: number;
}

/**
 * Open (creating if needed) the embedded SQLite store at `file`: WAL mode,
 * a busy timeout so a second handle on the same file waits instead of
 * failing (set first: switching a new file to WAL takes a lock too), and
 * every pending migration applied. `synchronous = FULL`: a commit is on
 * disk before it returns, so a power loss never loses a subscription or a
 * delivery-log row that was reported done (see docs/security.md). A new
 * file is created readable by the bot only (0600, and SQLite gives its
 * -wal and -shm files the same mode), whatever the umask: it holds every
 * subscriber's chat id.
 */
export async function openSqliteStore(file: string, options: SqliteStoreOptions = {}): Promise<Store> {
  if (file !== ":memory:") {
    makePrivateDir(path.dirname(path.resolve(file)));
    createPrivateFile(file);
  }
  const db = new Database(file);
  try {
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    await enableWal(db, options.busyTimeoutMs ?? 5000);
    db.pragma("synchronous = FULL");
    db.pragma("foreign_keys = ON");
    migrate(db);
  } catch (err) {
    db.close();
    throw err;
  }
  return new SqliteStore(db, options.clock ?? systemClock);
}

/**
 * Switch to WAL. SQLite answers "database is locked" at once, without
 * waiting out the busy timeout, when another process is switching the same
 * new file at that moment: try again for up to `timeoutMs`.
 */
async function enableWal(db: Database.Database, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      db.pragma("journal_mode = WAL");
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== "SQLITE_BUSY" || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 20));
    }
  }
}

/**
 * Apply the migrations newer than the database's version, each in its own
 * transaction together with its `schema_migrations` row, so a crash never
 * leaves a half-applied step. Whether a step is applied is read inside
 * that IMMEDIATE (write-locked) transaction: several processes opening a
 * new database at once each wait their turn, and only the first applies
 * it. Safe to call any number of times.
 */
export function migrate(db: Database.Database, steps: readonly Migration[] = migrations): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const isApplied = db.prepare("SELECT 1 FROM schema_migrations WHERE version = ?");
  const record = db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)");
  const done: number[] = [];
  for (const step of [...steps].sort((a, b) => a.version - b.version)) {
    const applied = db
      .transaction(() => {
        if (isApplied.get(step.version)) return false;
        db.exec(step.sql);
        record.run(step.version, step.name, new Date().toISOString());
        return true;
      })
      .immediate();
    if (applied) done.push(step.version);
  }
  return done;
}

/** {@link Store} on better-sqlite3; synchronous underneath, async to the caller. */
class SqliteStore implements Store {
  private readonly sql;
  private readonly locks = new Set<string>();

  constructor(
    private readonly db: Database.Database,
    private readonly clock: Clock,
  ) {
    this.sql = {
      subscribe:
        db.prepare(`INSERT INTO subscriptions (platform, chat_id, is_group, time, created_at, thread_id, is_channel)
        VALUES (@platform, @chatId, @isGroup, @time, @now, @threadId, @channel)
        ON CONFLICT (platform, chat_id) DO UPDATE SET
          is_group = excluded.is_group, time = excluded.time, created_at = excluded.created_at,
          thread_id = excluded.thread_id, is_channel = excluded.is_channel`),
      unsubscribe: db.prepare("DELETE FROM subscriptions WHERE platform = ? AND chat_id = ?"),
      unsubscribeTopic: db.prepare("DELETE FROM subscriptions WHERE platform = ? AND chat_id = ? AND thread_id = ?"),
      unsubscribeNewsTopic: db.prepare(
        "DELETE FROM news_subscriptions WHERE platform = ? AND chat_id = ? AND thread_id = ?",
      ),
      getSettings: db.prepare<[string, string], GroupSettingsRow>(
        "SELECT * FROM group_settings WHERE platform = ? AND chat_id = ?",
      ),
      listSettingsAll: db.prepare<[], GroupSettingsRow>("SELECT * FROM group_settings ORDER BY platform, chat_id"),
      listSettingsPlatform: db.prepare<[string], GroupSettingsRow>(
        "SELECT * FROM group_settings WHERE platform = ? ORDER BY chat_id",
      ),
      getSubscription: db.prepare<[string, string], SubscriptionRow>(
        "SELECT * FROM subscriptions WHERE platform = ? AND chat_id = ?",
      ),
      listAll: db.prepare<[], SubscriptionRow>("SELECT * FROM subscriptions ORDER BY platform, created_at, chat_id"),
      listPlatform: db.prepare<[string], SubscriptionRow>(
        "SELECT * FROM subscriptions WHERE platform = ? ORDER BY created_at, chat_id",
      ),
      // The upsert's WHERE decides the claim: a new row, a failed attempt,
      // our own claim, or a claim abandoned before `cutoff` may be taken.
      claim: db.prepare(`INSERT INTO deliveries (platform, chat_id, day, status, owner, updated_at)
        VALUES (@platform, @chatId, @day, 'claimed', @owner, @now)
        ON CONFLICT (platform, chat_id, day) DO UPDATE SET
          status = 'claimed', owner = excluded.owner, updated_at = excluded.updated_at, error = NULL
        WHERE deliveries.status = 'failed'
           OR (deliveries.status = 'claimed' AND (deliveries.owner = excluded.owner OR deliveries.updated_at <= @cutoff))`),
      confirm: db.prepare(`UPDATE deliveries SET status = 'sent', updated_at = @now, error = NULL
        WHERE platform = @platform AND chat_id = @chatId AND day = @day`),
      fail: db.prepare(`UPDATE deliveries SET status = 'failed', updated_at = @now, error = @error
        WHERE platform = @platform AND chat_id = @chatId AND day = @day AND status <> 'sent'`),
      listDeliveries: db.prepare<[string], DeliveryRow>(
        "SELECT * FROM deliveries WHERE day = ? ORDER BY platform, chat_id",
      ),
      countDeliveries: db.prepare<
        [{ prefix: string; since: string }],
        { status: DeliveryStatus; n: number }
      >(`SELECT status, count(*) AS n FROM deliveries
        WHERE substr(day, 1, length(@prefix)) = @prefix AND updated_at >= @since GROUP BY status`),
      subscribeNews:
        db.prepare(`INSERT INTO news_subscriptions (platform, chat_id, is_group, keywords, created_at, thread_id, is_channel)
        VALUES (@platform, @chatId, @isGroup, @keywords, @now, @threadId, @channel)
        ON CONFLICT (platform, chat_id) DO UPDATE SET
          is_group = excluded.is_group, keywords = excluded.keywords, created_at = excluded.created_at,
          thread_id = excluded.thread_id, is_channel = excluded.is_channel`),
      unsubscribeNews: db.prepare("DELETE FROM news_subscriptions WHERE platform = ? AND chat_id = ?"),
      getNews: db.prepare<[string, string], NewsSubscriptionRow>(
        "SELECT * FROM news_subscriptions WHERE platform = ? AND chat_id = ?",
      ),
      listNewsAll: db.prepare<[], NewsSubscriptionRow>(
        "SELECT * FROM news_subscriptions ORDER BY platform, created_at, chat_id",
      ),
      listNewsPlatform: db.prepare<[string], NewsSubscriptionRow>(
        "SELECT * FROM news_subscriptions WHERE platform = ? ORDER BY created_at, chat_id",
      ),
      markSeen: db.prepare(
        "INSERT INTO seen_articles (article_id, first_seen_at) VALUES (?, ?) ON CONFLICT (article_id) DO NOTHING",
      ),
      getValue: db.prepare<[string], { value: string }>("SELECT value FROM kv WHERE key = ?"),
      setValue: db.prepare(
        "INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      ),
    };
  }

  private now(): string {
    return this.clock.now().toISOString();
  }

  async subscribe(sub: Omit<Subscription, "createdAt">): Promise<void> {
    this.sql.subscribe.run({
      platform: sub.platform,
      chatId: sub.chatId,
      isGroup: sub.isGroup ? 1 : 0,
      time: sub.time ?? null,
      now: this.now(),
      threadId: sub.threadId ?? null,
      channel: sub.channel ? 1 : 0,
    });
  }

  async unsubscribeTopic(platform: Platform, chatId: string, threadId: string): Promise<number> {
    return this.db.transaction(
      () =>
        this.sql.unsubscribeTopic.run(platform, chatId, threadId).changes +
        this.sql.unsubscribeNewsTopic.run(platform, chatId, threadId).changes,
    )();
  }

  async getGroupSettings(platform: Platform, chatId: string): Promise<GroupSettings | undefined> {
    const row = this.sql.getSettings.get(platform, chatId);
    return row && toGroupSettings(row);
  }

  async updateGroupSettings(
    platform: Platform,
    chatId: string,
    change: GroupSettingsChange,
    by?: string,
  ): Promise<GroupSettings> {
    const columns = groupSettingsColumns(change).map(([name, value]): [string, unknown] => [
      name,
      typeof value === "boolean" ? Number(value) : value,
    ]);
    const names = ["platform", "chat_id", ...columns.map(([name]) => name), "updated_at", "updated_by"];
    const values = [platform, chatId, ...columns.map(([, value]) => value), this.now(), by ?? null];
    const row = this.db
      .prepare<unknown[], GroupSettingsRow>(
        `INSERT INTO group_settings (${names.join(", ")}) VALUES (${names.map(() => "?").join(", ")})
        ON CONFLICT (platform, chat_id) DO UPDATE SET ${names
          .slice(2)
          .map((n) => `${n} = excluded.${n}`)
          .join(", ")}
        RETURNING *`,
      )
      .get(...values)!;
    return toGroupSettings(row);
  }

  async listGroupSettings(platform?: Platform): Promise<GroupSettings[]> {
    const rows = platform === undefined ? this.sql.listSettingsAll.all() : this.sql.listSettingsPlatform.all(platform);
    return rows.map(toGroupSettings);
  }

  async unsubscribe(platform: Platform, chatId: string): Promise<boolean> {
    return this.sql.unsubscribe.run(platform, chatId).changes > 0;
  }

  async getSubscription(platform: Platform, chatId: string): Promise<Subscription | undefined> {
    const row = this.sql.getSubscription.get(platform, chatId);
    return row && toSubscription(row);
  }

  async listSubscriptions(platform?: Platform): Promise<Subscription[]> {
    const rows = platform === undefined ? this.sql.listAll.all() : this.sql.listPlatform.all(platform);
    return rows.map(toSubscription);
  }

  async claimDelivery(
    platform: Platform,
    chatId: string,
    day: string,
    owner: string,
    staleMs: number,
  ): Promise<boolean> {
    const now = this.clock.now();
    const cutoff = new Date(now.getTime() - staleMs).toISOString();
    return this.sql.claim.run({ platform, chatId, day, owner, now: now.toISOString(), cutoff }).changes > 0;
  }

  async confirmDelivery(platform: Platform, chatId: string, day: string): Promise<void> {
    this.sql.confirm.run({ platform, chatId, day, now: this.now() });
  }

  async failDelivery(platform: Platform, chatId: string, day: string, error: string): Promise<void> {
    this.sql.fail.run({ platform, chatId, day, error, now: this.now() });
  }

  async listDeliveries(day: string): Promise<Delivery[]> {
    return this.sql.listDeliveries.all(day).map(toDelivery);
  }

  async countDeliveries(prefix: string, since: string): Promise<DeliveryCounts> {
    return toDeliveryCounts(this.sql.countDeliveries.all({ prefix, since }));
  }

  async subscribeNews(sub: Omit<NewsSubscription, "createdAt">): Promise<void> {
    this.sql.subscribeNews.run({
      platform: sub.platform,
      chatId: sub.chatId,
      isGroup: sub.isGroup ? 1 : 0,
      keywords: JSON.stringify(sub.keywords),
      now: this.now(),
      threadId: sub.threadId ?? null,
      channel: sub.channel ? 1 : 0,
    });
  }

  async unsubscribeNews(platform: Platform, chatId: string): Promise<boolean> {
    return this.sql.unsubscribeNews.run(platform, chatId).changes > 0;
  }

  async getNewsSubscription(platform: Platform, chatId: string): Promise<NewsSubscription | undefined> {
    const row = this.sql.getNews.get(platform, chatId);
    return row && toNewsSubscription(row);
  }

  async listNewsSubscriptions(platform?: Platform): Promise<NewsSubscription[]> {
    const rows = platform === undefined ? this.sql.listNewsAll.all() : this.sql.listNewsPlatform.all(platform);
    return rows.map(toNewsSubscription);
  }

  async markSeen(articleIds: readonly string[]): Promise<string[]> {
    const now = this.now();
    return this.db.transaction(() => articleIds.filter((id) => this.sql.markSeen.run(id, now).changes > 0)).immediate();
  }

  async getValue(key: string): Promise<string | undefined> {
    return this.sql.getValue.get(key)?.value;
  }

  async setValue(key: string, value: string): Promise<void> {
    this.sql.setValue.run(key, value);
  }

  async tryLock(name: string): Promise<StoreLock | undefined> {
    // One process owns an SQLite file, so an in-memory set is the whole protocol.
    if (this.locks.has(name)) return undefined;
    this.locks.add(name);
    let held = true;
    return {
      release: async () => {
        if (held) this.locks.delete(name);
        held = false;
      },
    };
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
