/**
 * Table rows as the database drivers return them, and their conversion to
 * the store's types, shared by the SQLite and PostgreSQL backends (same
 * tables; SQLite answers 0/1 and ISO text, PostgreSQL booleans and Dates).
 */
import type {
  Delivery,
  DeliveryCounts,
  DeliveryStatus,
  GroupSettings,
  GroupSettingsChange,
  NewsSubscription,
  Subscription,
} from "./store.ts";

/** A `subscriptions` row. */
export interface SubscriptionRow {
  platform: string;
  chat_id: string;
  is_group: number | boolean;
  time: string | null;
  created_at: string | Date;
  thread_id: string | null;
  is_channel: number | boolean;
}

/** A `deliveries` row. */
export interface DeliveryRow {
  platform: string;
  chat_id: string;
  day: string;
  status: DeliveryStatus;
  owner: string;
  updated_at: string | Date;
  error: string | null;
}

/** A `news_subscriptions` row (keywords as a JSON array). */
export interface NewsSubscriptionRow {
  platform: string;
  chat_id: string;
  is_group: number | boolean;
  keywords: string;
  created_at: string | Date;
  thread_id: string | null;
  is_channel: number | boolean;
}

/** A `group_settings` row (lists as JSON arrays). */
export interface GroupSettingsRow {
  platform: string;
  chat_id: string;
  state: "enabled" | "disabled" | null;
  triggers: string | null;
  link_preview: number | boolean | null;
  results: number | null;
  quiet_start: string | null;
  quiet_end: string | null;
  accounts: string | null;
  updated_at: string | Date;
  updated_by: string | null;
}

/** The {@link NewsSubscription} a row stores. */
export function toNewsSubscription(row: NewsSubscriptionRow): NewsSubscription {
  return withPlace<NewsSubscription>(
    {
      platform: row.platform,
      chatId: row.chat_id,
      isGroup: truthy(row.is_group),
      keywords: stringList(row.keywords) ?? [],
      createdAt: isoString(row.created_at),
    },
    row,
  );
}

/** The {@link GroupSettings} a row stores; only the fields that are set. */
export function toGroupSettings(row: GroupSettingsRow): GroupSettings {
  const settings: GroupSettings = { platform: row.platform, chatId: row.chat_id, updatedAt: isoString(row.updated_at) };
  if (row.state !== null) settings.state = row.state;
  const triggers = stringList(row.triggers);
  if (triggers) settings.triggers = triggers;
  if (row.link_preview !== null) settings.linkPreview = truthy(row.link_preview);
  if (row.results !== null) settings.results = Number(row.results);
  if (row.quiet_start !== null && row.quiet_end !== null)
    settings.quietHours = { start: row.quiet_start, end: row.quiet_end };
  const accounts = stringList(row.accounts);
  if (accounts) settings.accounts = accounts;
  if (row.updated_by !== null) settings.updatedBy = row.updated_by;
  return settings;
}

/**
 * The `group_settings` columns a change writes, with their values (lists
 * as JSON, `null` resetting a field). Column names come from this fixed
 * list only, so they may be spliced into SQL.
 */
export function groupSettingsColumns(
  change: GroupSettingsChange,
): Array<[column: string, value: string | number | boolean | null]> {
  const columns: Array<[string, string | number | boolean | null]> = [];
  if (change.state !== undefined) columns.push(["state", change.state]);
  if (change.triggers !== undefined) columns.push(["triggers", change.triggers && JSON.stringify(change.triggers)]);
  if (change.linkPreview !== undefined) columns.push(["link_preview", change.linkPreview]);
  if (change.results !== undefined) columns.push(["results", change.results]);
  if (change.quietHours !== undefined)
    columns.push(["quiet_start", change.quietHours?.start ?? null], ["quiet_end", change.quietHours?.end ?? null]);
  if (change.accounts !== undefined) columns.push(["accounts", change.accounts && JSON.stringify(change.accounts)]);
  return columns;
}

/** A JSON array of strings as stored; undefined for NULL, [] for anything unreadable. */
function stringList(json: string | null): string[] | undefined {
  if (json === null) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    value = [];
  }
  return Array.isArray(value) ? value.filter((k): k is string => typeof k === "string") : [];
}

/** Add the topic and channel marks of a subscription row, only when set. */
function withPlace<T extends { threadId?: string; channel?: true }>(
  sub: T,
  row: { thread_id: string | null; is_channel: number | boolean },
): T {
  if (row.thread_id !== null) sub.threadId = row.thread_id;
  if (truthy(row.is_channel)) sub.channel = true;
  return sub;
}

/** SQLite answers 0/1, PostgreSQL booleans. */
function truthy(value: number | boolean): boolean {
  return value === true || value === 1;
}

/** `SELECT status, count(*) AS n … GROUP BY status` rows as counts of every state. */
export function toDeliveryCounts(rows: ReadonlyArray<{ status: DeliveryStatus; n: number | string }>): DeliveryCounts {
  const counts: DeliveryCounts = { claimed: 0, sent: 0, failed: 0 };
  for (const r of rows) counts[r.status] = Number(r.n);
  return counts;
}

/** The {@link Subscription} a row stores. */
export function toSubscription(row: SubscriptionRow): Subscription {
  return withPlace<Subscription>(
    {
      platform: row.platform,
      chatId: row.chat_id,
      isGroup: truthy(row.is_group),
      time: row.time,
      createdAt: isoString(row.created_at),
    },
    row,
  );
}

/** The {@link Delivery} a row stores; `error` only when there is one. */
export function toDelivery(row: DeliveryRow): Delivery {
  const delivery: Delivery = {
    platform: row.platform,
    chatId: row.chat_id,
    day: row.day,
    status: row.status,
    owner: row.owner,
    updatedAt: isoString(row.updated_at),
  };
  if (row.error !== null) delivery.error = row.error;
  return delivery;
}

function isoString(value: string | Date): string {
  return value instanceof Date ? value.toISOString() : value;
}
