import { Composer, type Context } from "grammy";
import type { Message } from "grammy/types";
import type { Reply } from "../../src/chat/message.ts";
import { channelRef, checkChannel } from "./channels.ts";
import type { HandlerDeps } from "./handler-deps.ts";
import { describeError, toSendError } from "./errors.ts";
import { PLATFORM } from "./config.ts";
import { toIncoming, topicOf } from "./incoming.ts";
import type { SendExtras } from "./photo.ts";

/**
 * Text messages: private chats, and in groups whatever the core considers
 * addressed to the bot (commands, @mentions, replies, trigger prefix).
 * Everything else (stickers, photos, edits, channel posts) passes by.
 */
export function messages(deps: HandlerDeps): Composer<Context> {
  const composer = new Composer<Context>();
  composer.on("message:text", async (ctx) => {
    const msg = toIncoming(ctx.message, ctx.me);
    if (!msg) return;
    msg.receivedAt = deps.arrivals.of(ctx);
    // Asked only when a command needs group-admin authority: a getChatMember call (cached a minute) per check.
    if (msg.isGroup) msg.isGroupAdmin = () => deps.admins.isAdmin(ctx.message);
    // A channel command in a private chat: the core decides on what Telegram says about the channel and both admins.
    const channel = msg.isGroup ? undefined : channelRef(msg.text);
    if (channel !== undefined)
      msg.channel = await checkChannel(ctx.api, channel, ctx.message.from!.id, ctx.me.id, deps.log);
    const replies = await deps.core.handle(msg);
    deps.log.debug(
      {
        chatId: msg.chatId,
        isGroup: msg.isGroup,
        mentioned: msg.mentioned,
        chars: msg.text.length,
        replies: replies.length,
      },
      "telegram message",
    );
    await answer(deps, ctx.message, replies);
  });
  return composer;
}

/**
 * Send the replies in order; in groups each quotes the question it
 * answers, in a forum topic each goes to that topic (also when the
 * question was deleted meanwhile).
 */
async function answer(deps: HandlerDeps, question: Message, replies: Reply[]): Promise<void> {
  const inGroup = question.chat.type !== "private";
  const extras: SendExtras = inGroup
    ? { reply_parameters: { message_id: question.message_id, allow_sending_without_reply: true } }
    : {};
  const topic = topicOf(question);
  if (topic !== undefined) extras.message_thread_id = topic;
  for (const reply of replies) {
    if (!(await deliver(deps, question.chat.id, reply, extras))) return;
  }
}

/**
 * Send one reply; false when it failed. A chat that is gone for us
 * (blocked, kicked) is unsubscribed instead of being tried again, and so
 * is a topic that was closed or deleted meanwhile.
 */
async function deliver(deps: HandlerDeps, chatId: number, reply: Reply, extras: SendExtras = {}): Promise<boolean> {
  try {
    await deps.messenger.send(chatId, reply, extras);
    return true;
  } catch (err) {
    const failure = toSendError(err);
    if (failure.failure === "topic_gone" && extras.message_thread_id !== undefined) {
      const removed = await deps.core.chatGone({
        platform: PLATFORM,
        chatId: String(chatId),
        threadId: String(extras.message_thread_id),
      });
      deps.log.info(
        { chatId, threadId: extras.message_thread_id, removed, reason: failure.message },
        "telegram topic gone; unsubscribed it",
      );
    } else if (failure.failure === "gone") {
      const removed = await deps.core.chatGone({ platform: PLATFORM, chatId: String(chatId) });
      deps.log.info({ chatId, removed, reason: failure.message }, "telegram chat gone; unsubscribed");
    } else {
      deps.log.warn(
        { chatId, kind: reply.kind, failure: failure.failure, reason: describeError(err) },
        "telegram reply failed",
      );
    }
    return false;
  }
}
