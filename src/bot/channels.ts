import type { ChannelCheck, Incoming, Reply } from "../chat/message.ts";
import type { Logger } from "../log.ts";
import type { Store } from "../store/store.ts";
import { chatGone } from "./gone-chats.ts";
import { parseTime } from "./subscriptions.ts";
import { t } from "./strings.ts";

/** What channel subscriptions need from the bot. */
export interface ChannelDeps {
  store: Store;
  log: Logger;
  /** The default push time shown when no time is given (HH:MM). */
  defaultPushTime: string;
}

/**
 * `/subscribe_channel @channel [HH:MM]` in a private chat: the daily push
 * and the new-article announcements go to a channel. Accepted only when
 * the adapter found the channel, the bot may post there, and the sender
 * administers it (`msg.channel`, checked by the adapter with the
 * platform's API); anything else is refused with what to fix.
 */
export async function subscribeChannel(
  deps: ChannelDeps,
  msg: Incoming,
  ref: string,
  timeArg?: string,
): Promise<Reply> {
  const refused = refusal(msg, ref);
  if (refused) return refused;
  const check = msg.channel as Extract<ChannelCheck, { status: "checked" }>;
  if (!check.botCanPost) return text(t.channelBotNotAdmin(check.title));
  if (!check.senderIsAdmin) return text(t.channelSenderNotAdmin(check.title));
  const time = timeArg === undefined ? null : parseTime(timeArg);
  if (time === undefined) return text(t.badTime(timeArg ?? ""));
  const channel = { platform: msg.platform, chatId: check.chatId, isGroup: true, channel: true as const };
  await deps.store.subscribe({ ...channel, time });
  await deps.store.subscribeNews({ ...channel, keywords: [] });
  deps.log.info({ platform: msg.platform, channel: check.chatId, by: msg.userId, time }, "channel subscribed");
  return text(t.channelSubscribed(check.title, time ?? deps.defaultPushTime));
}

/** `/unsubscribe_channel @channel`: only an admin of the channel may stop its pushes. */
export async function unsubscribeChannel(deps: ChannelDeps, msg: Incoming, ref: string): Promise<Reply> {
  const refused = refusal(msg, ref);
  if (refused) return refused;
  const check = msg.channel as Extract<ChannelCheck, { status: "checked" }>;
  if (!check.senderIsAdmin) return text(t.channelSenderNotAdmin(check.title));
  // For the bot, a channel its admin stopped is as gone as one that removed it: nothing goes there any more.
  const removed = await chatGone(deps.store, { platform: msg.platform, chatId: check.chatId });
  if (removed) deps.log.info({ platform: msg.platform, channel: check.chatId, by: msg.userId }, "channel unsubscribed");
  return text(removed ? t.channelUnsubscribed(check.title) : t.channelNotSubscribed(check.title));
}

/** Why a channel command cannot go on before looking at rights, if it cannot. */
function refusal(msg: Incoming, ref: string): Reply | undefined {
  if (msg.isGroup) return text(t.channelInPrivate);
  if (!ref) return text(t.channelUsage);
  const check = msg.channel;
  if (!check) return text(t.channelUnsupported);
  if (check.status === "not_found") return text(t.channelNotFound(ref));
  if (check.status === "unavailable") return text(t.failed);
  return undefined;
}

function text(value: string): Reply {
  return { kind: "text", text: value };
}
