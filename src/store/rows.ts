/**
 * Table rows as the database drivers return them, and their conversion to
 * the store's types, shared by the SQLite and PostgreSQL backends (same
 * tables; SQLite answers 0/1 and ISO text, PostgreSQL booleans and Dates).
 */
import type { Delivery, DeliveryCounts, DeliveryStatus, NewsSubscription, Subscription } from "./store.ts";

/** A `subscriptions` row. */
export interface SubscriptionRow {
  platform: string;
  chat_id: string;
  is_group: number | boolean;
  time: string | null;
  created_at: string | Date;
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
}

/** The {@link NewsSubscription} a row stores. */
export function toNewsSubscription(row: NewsSubscriptionRow): NewsSubscription {
  let keywords: unknown;
  try {
    keywords = JSON.parse(row.keywords);
  } catch {
    keywords = [];
  }
  return {
    platform: row.platform,
    chatId: row.chat_id,
    isGroup: row.is_group === true || row.is_group === 1,
    keywords: Array.isArray(keywords) ? keywords.filter((k): k is string => typeof k === "string") : [],
    createdAt: isoString(row.created_at),
  };
}

/** `SELECT status, count(*) AS n … GROUP BY status` rows as counts of every state. */
export function toDeliveryCounts(rows: ReadonlyArray<{ status: DeliveryStatus; n: number | string }>): DeliveryCounts {
  const counts: DeliveryCounts = { claimed: 0, sent: 0, failed: 0 };
  for (const r of rows) counts[r.status] = Number(r.n);
  return counts;
}

/** The {@link Subscription} a row stores. */
export function toSubscription(row: SubscriptionRow): Subscription {
  return {
    platform: row.platform,
    chatId: row.chat_id,
    isGroup: row.is_group === true || row.is_group === 1,
    time: row.time,
    createdAt: isoString(row.created_at),
  };
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
