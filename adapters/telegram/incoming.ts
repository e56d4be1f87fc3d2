import type { Message, MessageEntity, UserFromGetMe } from "grammy/types";
import type { Incoming } from "../../src/chat/message.ts";
import { PLATFORM } from "./config.ts";

/**
 * The neutral {@link Incoming} of a Telegram text message, or undefined
 * when the message is not for us: no text, sent by a bot (other than an
 * anonymous group admin), posted via an inline bot (our own cards), an
 * automatic forward from a linked channel, or a /command@otherbot.
 * `isGroupAdmin` is left for the caller (it needs an API call, made only when a command needs it).
 * These are Telegram's facts about the message (who it mentions, what it
 * says without the mention); whether it is for the bot — a private chat, a
 * mention, a slash command, a group's trigger — is decided once, by the
 * core's addressing stage (`src/bot/stages.ts`).
 */
export function toIncoming(message: Message, me: UserFromGetMe): Incoming | undefined {
  const text = message.text;
  if (text === undefined || message.via_bot || message.is_automatic_forward) return undefined;
  const anonymousAdmin = message.sender_chat?.id === message.chat.id;
  if (!message.from || (message.from.is_bot && !anonymousAdmin)) return undefined;
  const mention = mentionOf(text, message.entities ?? [], me);
  if (!mention) return undefined;
  const isGroup = message.chat.type === "group" || message.chat.type === "supergroup";
  const incoming: Incoming = {
    platform: PLATFORM,
    chatId: String(message.chat.id),
    userId: String(message.from.id),
    isGroup,
    mentioned: mention.mentioned || isReplyToBot(message, me),
    text: mention.text,
    userName: message.from.username ?? message.from.first_name,
  };
  const topic = topicOf(message);
  if (topic !== undefined) incoming.threadId = String(topic);
  return incoming;
}

/**
 * The forum topic a message was sent in, or undefined (the General topic,
 * a group without topics). Outside forums `message_thread_id` names a
 * reply thread, which is no place to send to: only `is_topic_message` counts.
 */
export function topicOf(message: Pick<Message, "is_topic_message" | "message_thread_id">): number | undefined {
  return message.is_topic_message && message.message_thread_id !== undefined ? message.message_thread_id : undefined;
}

/**
 * A reply to the bot's own message. In a forum every message of a topic
 * "replies" to the topic's creation message, which the bot may have sent
 * (a topic it opened): that is not addressing the bot.
 */
function isReplyToBot(message: Message, me: UserFromGetMe): boolean {
  const to = message.reply_to_message;
  return to?.from?.id === me.id && !(message.is_topic_message && to.forum_topic_created !== undefined);
}

/**
 * Whether the text names the bot (an @mention, or a command with its
 * @username), and the text without its @mentions. Undefined for a command
 * addressed to another bot (`/help@otherbot`): only Telegram knows the
 * bot's username. Entity offsets are UTF-16 code units, as JavaScript
 * string indices.
 */
function mentionOf(
  text: string,
  entities: MessageEntity[],
  me: UserFromGetMe,
): { mentioned: boolean; text: string } | undefined {
  const username = me.username.toLowerCase();
  let mentioned = false;
  const cuts: Array<[number, number]> = [];
  for (const e of entities) {
    const part = text.slice(e.offset, e.offset + e.length);
    if (e.type === "bot_command" && e.offset === 0 && part.includes("@")) {
      if (part.split("@")[1]!.toLowerCase() !== username) return undefined;
      mentioned = true;
    } else if (
      (e.type === "mention" && part.slice(1).toLowerCase() === username) ||
      (e.type === "text_mention" && e.user.id === me.id)
    ) {
      mentioned = true;
      cuts.push([e.offset, e.offset + e.length]);
    }
  }
  return { mentioned, text: without(text, cuts).replace(/\s+/g, " ").trim() };
}

function without(text: string, cuts: Array<[number, number]>): string {
  let out = "";
  let at = 0;
  for (const [s, e] of cuts.sort((a, b) => a[0] - b[0])) {
    out += `${text.slice(at, s)} `;
    at = e;
  }
  return out + text.slice(at);
}
