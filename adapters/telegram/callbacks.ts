import { Composer, type Context } from "grammy";
import { t } from "../../src/bot/strings.ts";
import type { HandlerDeps } from "./handler-deps.ts";
import { describeError, isNotModified } from "./errors.ts";
import { truncate } from "./html.ts";
import { PLATFORM } from "./incoming.ts";

/** Telegram shows at most 200 characters in a callback answer. */
const MAX_TOAST = 200;

/**
 * The 上一页/下一页 buttons: the result message is edited in place to the
 * requested page. Every press is answered, so the button stops spinning.
 */
export function callbacks(deps: HandlerDeps): Composer<Context> {
  const composer = new Composer<Context>();
  composer.on("callback_query:data", async (ctx) => {
    const message = ctx.callbackQuery.message;
    if (!message) return void (await ctx.answerCallbackQuery());
    const chatId = String(message.chat.id);
    const request = deps.pager.parse(ctx.callbackQuery.data, chatId);
    if (request === undefined) return void (await ctx.answerCallbackQuery());
    if (request === "expired") return void (await ctx.answerCallbackQuery({ text: t.pageExpired }));
    const user = String(ctx.callbackQuery.from.id);
    const msg = { platform: PLATFORM, chatId, userId: user, isGroup: message.chat.type !== "private", mentioned: false, text: request.query };
    // A press is a request like a message: the same flood control (per user) and observer.
    const done = await deps.core.request(msg, "more", () => {
      const reply = deps.core.search(request.query, request.offset, { platform: PLATFORM, chatId });
      return { value: reply, replies: [reply] };
    });
    if (!("value" in done)) return void (await ctx.answerCallbackQuery(done.limited === "warn" ? { text: t.slowDown } : {}));
    const reply = done.value;
    if (reply.kind === "text") return void (await ctx.answerCallbackQuery({ text: truncate(reply.text, MAX_TOAST) }));
    try {
      await deps.messenger.edit(message.chat.id, message.message_id, reply);
    } catch (err) {
      // A double press asks for the page already shown: nothing to do.
      if (!isNotModified(err)) deps.log.warn({ chatId: message.chat.id, reason: describeError(err) }, "telegram page edit failed");
    }
    await ctx.answerCallbackQuery();
  });
  return composer;
}
