import type { Platform } from "../chat/message.ts";
import type { Store } from "../store/store.ts";

/** A chat the bot can no longer reach, or, with `threadId`, one topic of a forum group that was closed or deleted. */
export interface GoneChat {
  platform: Platform;
  chatId: string;
  /** Only this topic is gone: what goes to the group's other topics stays. */
  threadId?: string;
}

/** The part of the store that a chat's going and moving changes. */
type Subscriptions = Pick<
  Store,
  "unsubscribe" | "unsubscribeNews" | "unsubscribeTopic" | "getSubscription" | "subscribe"
>;

/**
 * "This chat is gone, unsubscribe it", written once for everyone who
 * learns it: the push meeting a blocked or deleted chat, a platform told
 * that the bot was removed, a channel's admin stopping its pushes. A chat
 * goes from the daily push and the new-article announcements alike (a
 * chat that only half goes would be tried again tomorrow, and fail again);
 * a topic takes only what goes to it. Resolves to how many subscriptions
 * were removed (0: there were none).
 */
export async function chatGone(store: Subscriptions, chat: GoneChat): Promise<number> {
  if (chat.threadId !== undefined) return store.unsubscribeTopic(chat.platform, chat.chatId, chat.threadId);
  const daily = await store.unsubscribe(chat.platform, chat.chatId);
  const news = await store.unsubscribeNews(chat.platform, chat.chatId);
  return Number(daily) + Number(news);
}

/**
 * A group that lives on under a new chat id (Telegram upgrades a group to
 * a supergroup): its daily push moves there. Resolves to false when it had
 * none.
 */
export async function chatMoved(store: Subscriptions, platform: Platform, from: string, to: string): Promise<boolean> {
  const sub = await store.getSubscription(platform, from);
  if (!sub) return false;
  await store.subscribe({ platform, chatId: to, isGroup: true, time: sub.time });
  await store.unsubscribe(platform, from);
  return true;
}
