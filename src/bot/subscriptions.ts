import type { Incoming, Reply } from "../chat/message.ts";
import type { Logger } from "../log.ts";
import type { Store } from "../store/store.ts";
import { t } from "./strings.ts";
import { UserError } from "./user-error.ts";

/** Most keywords a chat may filter new articles by, and the longest one. */
export const MAX_KEYWORDS = 10;
export const MAX_KEYWORD_CHARS = 30;

/** What the subscription commands need. */
export interface SubscriptionsDeps {
  store: Store;
  log: Logger;
  /** The default push time shown to new subscribers (HH:MM). */
  defaultPushTime: string;
}

/**
 * The chat's subscriptions: the daily 禅定时刻 push (at a time of the
 * chat's choosing) and the new-article announcements (optionally only
 * those matching keywords). Who may change them is the command table's
 * business (group admins in groups).
 */
export class Subscriptions {
  constructor(private readonly deps: SubscriptionsDeps) {}

  /** 「订阅 [HH:MM]」: push the image of the day to this chat, at `timeArg` or the default time. */
  async subscribe(msg: Incoming, timeArg: string): Promise<Reply> {
    const time = timeArg === "" ? null : parseTime(timeArg);
    if (time === undefined) throw new UserError(t.badTime(timeArg));
    const { store, log } = this.deps;
    const before = await store.getSubscription(msg.platform, msg.chatId);
    await store.subscribe({ platform: msg.platform, chatId: msg.chatId, isGroup: msg.isGroup, time, ...topic(msg) });
    log.info({ platform: msg.platform, isGroup: msg.isGroup, time }, "subscribed");
    const shown = time ?? this.deps.defaultPushTime;
    return { kind: "text", text: before ? t.alreadySubscribed(shown) : t.subscribed(shown) };
  }

  async unsubscribe(msg: Incoming): Promise<Reply> {
    const removed = await this.deps.store.unsubscribe(msg.platform, msg.chatId);
    if (removed) this.deps.log.info({ platform: msg.platform, isGroup: msg.isGroup }, "unsubscribed");
    return { kind: "text", text: removed ? t.unsubscribed : t.notSubscribed };
  }

  /** 「订阅新文章 [关键词…]」: announce new articles here (only those matching a keyword, when given). */
  async subscribeNews(msg: Incoming, keywords: string[]): Promise<Reply> {
    if (keywords.length > MAX_KEYWORDS || keywords.some((k) => [...k].length > MAX_KEYWORD_CHARS)) {
      throw new UserError(t.tooManyKeywords(MAX_KEYWORDS, MAX_KEYWORD_CHARS));
    }
    const { store, log } = this.deps;
    const before = await store.getNewsSubscription(msg.platform, msg.chatId);
    await store.subscribeNews({
      platform: msg.platform,
      chatId: msg.chatId,
      isGroup: msg.isGroup,
      keywords,
      ...topic(msg),
    });
    log.info({ platform: msg.platform, isGroup: msg.isGroup, keywords: keywords.length }, "subscribed to new articles");
    return { kind: "text", text: t.newsSubscribed(keywords, before !== undefined) };
  }

  async unsubscribeNews(msg: Incoming): Promise<Reply> {
    const removed = await this.deps.store.unsubscribeNews(msg.platform, msg.chatId);
    if (removed) this.deps.log.info({ platform: msg.platform, isGroup: msg.isGroup }, "unsubscribed from new articles");
    return { kind: "text", text: removed ? t.newsUnsubscribed : t.newsNotSubscribed };
  }
}

/** The topic a subscription sent from `msg` pushes into: the one it was sent in (a forum group's), if any. */
function topic(msg: Incoming): { threadId?: string } {
  return msg.threadId === undefined ? {} : { threadId: msg.threadId };
}

/** `墨荷, AI视频 墨荷` → [墨荷, AI视频]: split on spaces, commas and 、, without repeats. */
export function parseKeywords(arg: string): string[] {
  return [
    ...new Set(
      arg
        .split(/[\s,，、;；]+/)
        .map((k) => k.trim())
        .filter(Boolean),
    ),
  ];
}

/** Parse `H:MM`/`HH:MM` (also with ：), resolving to `HH:MM`, or undefined when invalid. */
export function parseTime(arg: string): string | undefined {
  const m = /^(\d{1,2})[:：](\d{2})$/.exec(arg.trim());
  if (!m) return undefined;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h > 23 || min > 59) return undefined;
  return `${String(h).padStart(2, "0")}:${m[2]}`;
}
