import { Composer, type Context } from "grammy";
import type { HandlerDeps } from "./handler-deps.ts";
import { PLATFORM } from "./config.ts";

/**
 * Changes of the bot's place in a chat: a user who blocks the bot or a
 * group (or channel) that removes it is unsubscribed right away (before
 * the push meets a 403), a forum topic that is closed loses its
 * subscriptions, and a group upgraded to a supergroup keeps its
 * subscription under the new chat id.
 */
export function membership(deps: HandlerDeps): Composer<Context> {
  const composer = new Composer<Context>();
  composer.on("my_chat_member", async (ctx) => {
    const status = ctx.myChatMember.new_chat_member.status;
    if (status !== "kicked" && status !== "left") return;
    const chatId = String(ctx.myChatMember.chat.id);
    const removed = await deps.core.chatGone({ platform: PLATFORM, chatId });
    deps.log.info({ chatId, status, removed }, "telegram bot removed from chat; unsubscribed");
  });
  // A closed topic takes no messages but admins': its subscriptions go, like a chat that blocked the bot.
  composer.on("message:forum_topic_closed", async (ctx) => {
    const topic = ctx.message.message_thread_id;
    if (topic === undefined) return;
    const chatId = String(ctx.chat.id);
    const removed = await deps.core.chatGone({ platform: PLATFORM, chatId, threadId: String(topic) });
    deps.log.info({ chatId, threadId: topic, removed }, "telegram topic closed; unsubscribed it");
  });
  composer.on("message:migrate_to_chat_id", async (ctx) => {
    const from = String(ctx.chat.id);
    const to = String(ctx.message.migrate_to_chat_id);
    if (!(await deps.core.chatMoved(PLATFORM, from, to))) return;
    deps.log.info({ from, to }, "telegram group migrated; subscription moved");
  });
  return composer;
}
