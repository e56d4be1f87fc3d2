import type { Platform } from "../chat/message.ts";

/** A chat that receives the daily 禅定时刻 push. */
export interface Subscription {
  platform: Platform;
  chatId: string;
  isGroup: boolean;
  /** Personal push time `HH:MM` in the push time zone, or null for the default. */
  time: string | null;
  /** ISO timestamp of the (last) subscribe. */
  createdAt: string;
  /** The topic of a forum group the push goes to (Telegram `message_thread_id`); absent: the chat itself. */
  threadId?: string;
  /** Present (true) for a channel the bot posts to, subscribed by one of its admins from a private chat. */
  channel?: true;
}

/** A chat that is told about new articles, optionally only those matching its keywords. */
export interface NewsSubscription {
  platform: Platform;
  chatId: string;
  isGroup: boolean;
  /** Announce only articles matching one of these; empty: every new article. */
  keywords: string[];
  /** ISO timestamp of the (last) subscribe. */
  createdAt: string;
  /** The topic of a forum group announcements go to (Telegram `message_thread_id`); absent: the chat itself. */
  threadId?: string;
  /** Present (true) for a channel. */
  channel?: true;
}

/** Whether the bot serves a group, as its admins last decided (absent: never decided; the policy's default applies). */
export type GroupState = "enabled" | "disabled";

/**
 * What the admins of one group chose for it. Absent fields were never set
 * (or were reset) and take the bot-wide default.
 */
export interface GroupSettings {
  platform: Platform;
  chatId: string;
  /** 「启用」/「停用」, see GROUP_POLICY. */
  state?: GroupState;
  /** Prefixes that address the bot in this group, instead of TRIGGER. */
  triggers?: string[];
  /** Whether search answers show the link as a card (WeChat) or a preview (Telegram). */
  linkPreview?: boolean;
  /** Results per search answer, 1–5. */
  results?: number;
  /** No pushes (daily image, new-article announcements) from `start` to `end` (HH:MM, push time zone; may wrap past midnight). */
  quietHours?: { start: string; end: string };
  /** Accounts searched in this group (when the library holds several); absent: all. */
  accounts?: string[];
  /** ISO timestamp of the last change. */
  updatedAt: string;
  /** Who made the last change (`platform:userId`). */
  updatedBy?: string;
}

/** The fields of {@link GroupSettings} a change may set; `null` resets one to the default. */
export type GroupSettingsChange = {
  [K in "state" | "triggers" | "linkPreview" | "results" | "quietHours" | "accounts"]?: GroupSettings[K] | null;
};

/** How many deliveries are in each state. */
export type DeliveryCounts = Record<DeliveryStatus, number>;

/** State of one (platform, chat, day) delivery. */
export type DeliveryStatus = "claimed" | "sent" | "failed";

/** One row of the delivery log. */
export interface Delivery {
  platform: Platform;
  chatId: string;
  /**
   * What was delivered: the calendar day YYYY-MM-DD (push time zone) for
   * the daily push, `new:<article id>` or `new:digest:<hash>` for a
   * new-article announcement.
   */
  day: string;
  status: DeliveryStatus;
  /** Who claimed it (instance id), for crash recovery. */
  owner: string;
  updatedAt: string;
  error?: string;
}

/** A lock taken with {@link Store.tryLock}. */
export interface StoreLock {
  /** Give the lock up; calling it again does nothing. */
  release(): Promise<void>;
}

/**
 * Everything the bot persists. The core owns this interface; SQLite is the
 * default implementation. All methods are async so a networked database fits.
 */
export interface Store {
  /** Create or update a subscription (re-subscribing changes the time). */
  subscribe(sub: Omit<Subscription, "createdAt">): Promise<void>;
  /** Remove a subscription; resolves to false when there was none. */
  unsubscribe(platform: Platform, chatId: string): Promise<boolean>;
  /**
   * Remove the daily push and the new-article announcements that go to one
   * topic of a forum group (closed or deleted); those of the chat's other
   * topics stay. Resolves to how many were removed.
   */
  unsubscribeTopic(platform: Platform, chatId: string, threadId: string): Promise<number>;
  getSubscription(platform: Platform, chatId: string): Promise<Subscription | undefined>;
  /** All subscriptions, optionally of one platform. */
  listSubscriptions(platform?: Platform): Promise<Subscription[]>;

  /**
   * Claim the delivery of `day` to a chat before sending. Resolves to true
   * when this caller now owns it; false when it was already sent or is
   * claimed by someone else less than `staleMs` ago.
   */
  claimDelivery(platform: Platform, chatId: string, day: string, owner: string, staleMs: number): Promise<boolean>;
  /** Mark a claimed delivery as sent. */
  confirmDelivery(platform: Platform, chatId: string, day: string): Promise<void>;
  /** Mark a claimed delivery as failed (it may be claimed again). */
  failDelivery(platform: Platform, chatId: string, day: string, error: string): Promise<void>;
  /** The delivery log of one day. */
  listDeliveries(day: string): Promise<Delivery[]>;
  /** Deliveries whose key starts with `prefix` and that changed at or after `since` (ISO), by state. */
  countDeliveries(prefix: string, since: string): Promise<DeliveryCounts>;

  /** Opt a chat in to new-article announcements, or change its keywords. */
  subscribeNews(sub: Omit<NewsSubscription, "createdAt">): Promise<void>;
  /** Opt a chat out; resolves to false when it was not in. */
  unsubscribeNews(platform: Platform, chatId: string): Promise<boolean>;
  getNewsSubscription(platform: Platform, chatId: string): Promise<NewsSubscription | undefined>;
  listNewsSubscriptions(platform?: Platform): Promise<NewsSubscription[]>;

  /** A group's settings; undefined when its admins never changed any. */
  getGroupSettings(platform: Platform, chatId: string): Promise<GroupSettings | undefined>;
  /** Apply a change to a group's settings (other fields stay); resolves to the settings now stored. */
  updateGroupSettings(
    platform: Platform,
    chatId: string,
    change: GroupSettingsChange,
    by?: string,
  ): Promise<GroupSettings>;
  /** Every group with settings, optionally of one platform, by platform then chat id. */
  listGroupSettings(platform?: Platform): Promise<GroupSettings[]>;

  /**
   * Record articles as seen. Resolves to those nobody sharing this store
   * had seen before, so exactly one caller learns that an article is new.
   */
  markSeen(articleIds: readonly string[]): Promise<string[]>;

  /** Small key-value cache (e.g. Telegram file_ids of uploaded images). */
  getValue(key: string): Promise<string | undefined>;
  setValue(key: string, value: string): Promise<void>;

  /**
   * Try to take the lock `name` among every process sharing this store,
   * e.g. so that one instance at a time pushes to a platform. Resolves to
   * undefined while someone else holds it. A holder that dies loses it
   * (PostgreSQL: with its connection). SQLite serves a single instance:
   * there a lock excludes only other users of the same store handle.
   */
  tryLock(name: string): Promise<StoreLock | undefined>;

  close(): Promise<void>;
}

/**
 * The store's small key-value cache alone: all an adapter may keep for
 * itself (Telegram's file_ids of uploaded images), so that what it writes
 * about chats goes through the core.
 */
export type KeyValues = Pick<Store, "getValue" | "setValue">;
