import type pg from "pg";
import type { Platform } from "../chat/message.ts";
import { systemClock, type Clock } from "../clock.ts";
import { silentLogger, type Logger } from "../log.ts";
import { tryAdvisoryLock } from "./postgres-lock.ts";
import { createPool, query, type PoolOptions } from "./postgres-pool.ts";
import { migratePostgres } from "./postgres-schema.ts";
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

/** Options of {@link openPostgresStore}. */
export interface PostgresStoreOptions extends PoolOptions {
  /** Source of timestamps (subscriptions, delivery log, stale claims). */
  clock?: Clock;
  /** Where connection trouble is reported. */
  log?: Logger;
}

/** Whether `url` selects the PostgreSQL backend (`postgres://` or `postgresql://`). */
export function isPostgresUrl(url: string | undefined): url is string {
  return /^postgres(ql)?:\/\//i.test(url ?? "");
}

/**
 * Open the PostgreSQL store at `url`: a connection pool with deadlines,
 * every pending migration applied (safely when several instances start
 * at once). Shared by any number of bot processes.
 */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<Store> {
  const log = options.log ?? silentLogger();
  const pool = createPool(url, log, options);
  try {
    await migratePostgres(pool);
  } catch (err) {
    await pool.end();
    throw err;
  }
  return new PostgresStore(pool, options.clock ?? systemClock, log, options.retries ?? 2);
}

const SQL = {
  subscribe: `INSERT INTO subscriptions (platform, chat_id, is_group, time, created_at, thread_id, is_channel) VALUES ($1, $2, $3, $4, $5, $6, $7)
    ON CONFLICT (platform, chat_id) DO UPDATE SET
      is_group = EXCLUDED.is_group, time = EXCLUDED.time, created_at = EXCLUDED.created_at,
      thread_id = EXCLUDED.thread_id, is_channel = EXCLUDED.is_channel`,
  // One statement, so both lists lose the topic together.
  unsubscribeTopic: `WITH daily AS (DELETE FROM subscriptions WHERE platform = $1 AND chat_id = $2 AND thread_id = $3 RETURNING 1),
    news AS (DELETE FROM news_subscriptions WHERE platform = $1 AND chat_id = $2 AND thread_id = $3 RETURNING 1)
    SELECT (SELECT count(*) FROM daily) + (SELECT count(*) FROM news) AS n`,
  // The upsert's WHERE decides the claim, atomically under the row lock: a
  // new row, a failed attempt, our own claim, or one abandoned before $6.
  claim: `INSERT INTO deliveries (platform, chat_id, day, status, owner, updated_at) VALUES ($1, $2, $3, 'claimed', $4, $5)
    ON CONFLICT (platform, chat_id, day) DO UPDATE SET
      status = 'claimed', owner = EXCLUDED.owner, updated_at = EXCLUDED.updated_at, error = NULL
    WHERE deliveries.status = 'failed'
       OR (deliveries.status = 'claimed' AND (deliveries.owner = EXCLUDED.owner OR deliveries.updated_at <= $6))`,
  confirm: `UPDATE deliveries SET status = 'sent', updated_at = $4, error = NULL
    WHERE platform = $1 AND chat_id = $2 AND day = $3`,
  fail: `UPDATE deliveries SET status = 'failed', updated_at = $4, error = $5
    WHERE platform = $1 AND chat_id = $2 AND day = $3 AND status <> 'sent'`,
  setValue: "INSERT INTO kv (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
  countDeliveries: `SELECT status, count(*) AS n FROM deliveries
    WHERE left(day, length($1)) = $1 AND updated_at >= $2 GROUP BY status`,
  subscribeNews: `INSERT INTO news_subscriptions (platform, chat_id, is_group, keywords, created_at, thread_id, is_channel) VALUES ($1, $2, $3, $4, $5, $6, $7)
    ON CONFLICT (platform, chat_id) DO UPDATE SET
      is_group = EXCLUDED.is_group, keywords = EXCLUDED.keywords, created_at = EXCLUDED.created_at,
      thread_id = EXCLUDED.thread_id, is_channel = EXCLUDED.is_channel`,
  // One statement: concurrent instances each get back only the ids they inserted.
  markSeen: `INSERT INTO seen_articles (article_id, first_seen_at) SELECT unnest($1::text[]), $2
    ON CONFLICT (article_id) DO NOTHING RETURNING article_id`,
};

/** {@link Store} on a node-postgres pool; the same behaviour as the SQLite store. */
class PostgresStore implements Store {
  private closed = false;
  /** Locks to give up on close: a held lock keeps its connection out of the pool, and `pool.end()` would wait for it. */
  private readonly held = new Set<StoreLock>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly retries: number,
  ) {}

  private run<Row extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<pg.QueryResult<Row>> {
    return query<Row>(this.pool, text, values, this.retries);
  }

  async subscribe(sub: Omit<Subscription, "createdAt">): Promise<void> {
    await this.run(SQL.subscribe, [
      sub.platform,
      sub.chatId,
      sub.isGroup,
      sub.time ?? null,
      this.clock.now(),
      sub.threadId ?? null,
      sub.channel === true,
    ]);
  }

  async unsubscribeTopic(platform: Platform, chatId: string, threadId: string): Promise<number> {
    const { rows } = await this.run<{ n: string }>(SQL.unsubscribeTopic, [platform, chatId, threadId]);
    return Number(rows[0]?.n ?? 0);
  }

  async getGroupSettings(platform: Platform, chatId: string): Promise<GroupSettings | undefined> {
    const { rows } = await this.run<GroupSettingsRow>(
      "SELECT * FROM group_settings WHERE platform = $1 AND chat_id = $2",
      [platform, chatId],
    );
    return rows[0] && toGroupSettings(rows[0]);
  }

  async updateGroupSettings(
    platform: Platform,
    chatId: string,
    change: GroupSettingsChange,
    by?: string,
  ): Promise<GroupSettings> {
    const columns = groupSettingsColumns(change);
    const names = ["platform", "chat_id", ...columns.map(([name]) => name), "updated_at", "updated_by"];
    const values = [platform, chatId, ...columns.map(([, value]) => value), this.clock.now(), by ?? null];
    const { rows } = await this.run<GroupSettingsRow>(
      `INSERT INTO group_settings (${names.join(", ")}) VALUES (${names.map((_, i) => `$${i + 1}`).join(", ")})
      ON CONFLICT (platform, chat_id) DO UPDATE SET ${names
        .slice(2)
        .map((n) => `${n} = EXCLUDED.${n}`)
        .join(", ")}
      RETURNING *`,
      values,
    );
    return toGroupSettings(rows[0]!);
  }

  async listGroupSettings(platform?: Platform): Promise<GroupSettings[]> {
    const { rows } =
      platform === undefined
        ? await this.run<GroupSettingsRow>("SELECT * FROM group_settings ORDER BY platform, chat_id", [])
        : await this.run<GroupSettingsRow>("SELECT * FROM group_settings WHERE platform = $1 ORDER BY chat_id", [
            platform,
          ]);
    return rows.map(toGroupSettings);
  }

  async unsubscribe(platform: Platform, chatId: string): Promise<boolean> {
    const result = await this.run("DELETE FROM subscriptions WHERE platform = $1 AND chat_id = $2", [platform, chatId]);
    return (result.rowCount ?? 0) > 0;
  }

  async getSubscription(platform: Platform, chatId: string): Promise<Subscription | undefined> {
    const { rows } = await this.run<SubscriptionRow>(
      "SELECT * FROM subscriptions WHERE platform = $1 AND chat_id = $2",
      [platform, chatId],
    );
    return rows[0] && toSubscription(rows[0]);
  }

  async listSubscriptions(platform?: Platform): Promise<Subscription[]> {
    const { rows } =
      platform === undefined
        ? await this.run<SubscriptionRow>("SELECT * FROM subscriptions ORDER BY platform, created_at, chat_id", [])
        : await this.run<SubscriptionRow>(
            "SELECT * FROM subscriptions WHERE platform = $1 ORDER BY created_at, chat_id",
            [platform],
          );
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
    const cutoff = new Date(now.getTime() - staleMs);
    const result = await this.run(SQL.claim, [platform, chatId, day, owner, now, cutoff]);
    return (result.rowCount ?? 0) > 0;
  }

  async confirmDelivery(platform: Platform, chatId: string, day: string): Promise<void> {
    await this.run(SQL.confirm, [platform, chatId, day, this.clock.now()]);
  }

  async failDelivery(platform: Platform, chatId: string, day: string, error: string): Promise<void> {
    await this.run(SQL.fail, [platform, chatId, day, this.clock.now(), error]);
  }

  async listDeliveries(day: string): Promise<Delivery[]> {
    const { rows } = await this.run<DeliveryRow>("SELECT * FROM deliveries WHERE day = $1 ORDER BY platform, chat_id", [
      day,
    ]);
    return rows.map(toDelivery);
  }

  async countDeliveries(prefix: string, since: string): Promise<DeliveryCounts> {
    const { rows } = await this.run<{ status: DeliveryStatus; n: string }>(SQL.countDeliveries, [
      prefix,
      new Date(since),
    ]);
    return toDeliveryCounts(rows);
  }

  async subscribeNews(sub: Omit<NewsSubscription, "createdAt">): Promise<void> {
    await this.run(SQL.subscribeNews, [
      sub.platform,
      sub.chatId,
      sub.isGroup,
      JSON.stringify(sub.keywords),
      this.clock.now(),
      sub.threadId ?? null,
      sub.channel === true,
    ]);
  }

  async unsubscribeNews(platform: Platform, chatId: string): Promise<boolean> {
    const result = await this.run("DELETE FROM news_subscriptions WHERE platform = $1 AND chat_id = $2", [
      platform,
      chatId,
    ]);
    return (result.rowCount ?? 0) > 0;
  }

  async getNewsSubscription(platform: Platform, chatId: string): Promise<NewsSubscription | undefined> {
    const { rows } = await this.run<NewsSubscriptionRow>(
      "SELECT * FROM news_subscriptions WHERE platform = $1 AND chat_id = $2",
      [platform, chatId],
    );
    return rows[0] && toNewsSubscription(rows[0]);
  }

  async listNewsSubscriptions(platform?: Platform): Promise<NewsSubscription[]> {
    const { rows } =
      platform === undefined
        ? await this.run<NewsSubscriptionRow>(
            "SELECT * FROM news_subscriptions ORDER BY platform, created_at, chat_id",
            [],
          )
        : await this.run<NewsSubscriptionRow>(
            "SELECT * FROM news_subscriptions WHERE platform = $1 ORDER BY created_at, chat_id",
            [platform],
          );
    return rows.map(toNewsSubscription);
  }

  async markSeen(articleIds: readonly string[]): Promise<string[]> {
    if (articleIds.length === 0) return [];
    const { rows } = await this.run<{ article_id: string }>(SQL.markSeen, [[...articleIds], this.clock.now()]);
    const inserted = new Set(rows.map((r) => r.article_id));
    return articleIds.filter((id) => inserted.has(id));
  }

  async getValue(key: string): Promise<string | undefined> {
    const { rows } = await this.run<{ value: string }>("SELECT value FROM kv WHERE key = $1", [key]);
    return rows[0]?.value;
  }

  async setValue(key: string, value: string): Promise<void> {
    await this.run(SQL.setValue, [key, value]);
  }

  async tryLock(name: string): Promise<StoreLock | undefined> {
    const lock = await tryAdvisoryLock(this.pool, name, this.log);
    if (!lock) return undefined;
    this.held.add(lock);
    return {
      release: async () => {
        this.held.delete(lock);
        await lock.release();
      },
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.held].map((lock) => lock.release()));
    await this.pool.end();
  }
}

/** `url` without its password, for logs and reports. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparseable URL)";
  }
}
