import { GrammyError, type Api } from "grammy";
import type { ChannelCheck } from "../../src/chat/message.ts";
import type { Logger } from "../../src/log.ts";
import { describeError } from "./errors.ts";

/**
 * `/subscribe_channel @name` and `/unsubscribe_channel -100…` (also
 * `t.me/name` links), with the channel reference they name.
 */
const CHANNEL_COMMAND = /^\/(?:un)?subscribe_channel(?:@\w{1,64})?\s+(\S{1,200})/i;

/** The channel a message's command names, or undefined when it is not a channel command with an argument. */
export function channelRef(text: string): string | undefined {
  const raw = CHANNEL_COMMAND.exec(text.trim())?.[1];
  if (raw === undefined) return undefined;
  const link = /^(?:https?:\/\/)?t\.me\/([A-Za-z]\w{3,31})\/?$/i.exec(raw)?.[1];
  return link ? `@${link}` : raw;
}

/** A reference Telegram accepts as a chat_id: `@username` or a numeric id. */
const VALID_REF = /^(?:@[A-Za-z]\w{3,31}|-?\d{1,20})$/;

/**
 * Find the channel `ref` names and check, with getChatMember, that the
 * bot is one of its administrators allowed to post and that `userId`
 * administers it. Telegram only tells a channel's administrators who its
 * members are, so the bot is asked about first. A chat that is not a
 * channel counts as not found; an API failure other than "not found"
 * makes the check `unavailable` (try again later), never a yes.
 */
export async function checkChannel(
  api: Api,
  ref: string,
  userId: number,
  botId: number,
  log: Logger,
): Promise<ChannelCheck> {
  if (!VALID_REF.test(ref)) return { status: "not_found" };
  let chat: Awaited<ReturnType<Api["getChat"]>>;
  try {
    chat = await api.getChat(ref);
  } catch (err) {
    if (err instanceof GrammyError && err.error_code === 400) return { status: "not_found" };
    log.warn({ ref, reason: describeError(err) }, "telegram channel lookup failed");
    return { status: "unavailable" };
  }
  if (chat.type !== "channel") return { status: "not_found" };
  const title = chat.title;
  try {
    const bot = await api.getChatMember(chat.id, botId);
    const botCanPost = bot.status === "administrator" && bot.can_post_messages !== false;
    const senderIsAdmin = await isAdmin(api, chat.id, userId);
    return { status: "checked", chatId: String(chat.id), title, botCanPost, senderIsAdmin };
  } catch (err) {
    log.warn({ channel: chat.id, reason: describeError(err) }, "telegram channel rights check failed");
    return { status: "unavailable" };
  }
}

/** Whether `userId` is the channel's creator or an administrator; false when Telegram will not say (the bot is no admin). */
async function isAdmin(api: Api, chatId: number, userId: number): Promise<boolean> {
  try {
    const member = await api.getChatMember(chatId, userId);
    return member.status === "creator" || member.status === "administrator";
  } catch (err) {
    if (err instanceof GrammyError && err.error_code === 400) return false;
    throw err;
  }
}
