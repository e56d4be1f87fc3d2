import { Composer, type Context } from "grammy";
import { t } from "../../src/bot/strings.ts";
import type { Incoming } from "../../src/chat/message.ts";
import type { HandlerDeps } from "./handler-deps.ts";
import { describeError, isNotModified } from "./errors.ts";
import { truncate } from "./html.ts";
import { PLATFORM } from "./config.ts";
import { COMMAND_DATA } from "./render.ts";

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
    if (ctx.callbackQuery.data.startsWith(COMMAND_DATA))
      return commandButton(ctx, deps, message, ctx.callbackQuery.data.slice(COMMAND_DATA.length));
    const request = deps.pager.parse(ctx.callbackQuery.data, chatId);
    if (request === undefined) return void (await ctx.answerCallbackQuery());
    if (request === "expired") return void (await ctx.answerCallbackQuery({ text: t.pageExpired }));
    const user = String(ctx.callbackQuery.from.id);
    const page = { kind: "page", query: request.query, offset: request.offset } as const;
    const msg: Incoming = {
      platform: PLATFORM,
      chatId,
      userId: user,
      isGroup: message.chat.type !== "private",
      mentioned: false,
      text: request.query,
      action: page,
      receivedAt: deps.arrivals.of(ctx),
    };
    // A press is a request like a message: the core's pipeline (flood control per user, observer) answers it.
    const [reply] = await deps.core.handle(msg);
    // Dropped by flood control: the button only stops spinning.
    if (!reply) return void (await ctx.answerCallbackQuery());
    // The slow-down, 没有更多结果, a failure: a toast; the page stays as it is.
    if (reply.kind === "text") return void (await ctx.answerCallbackQuery({ text: truncate(reply.text, MAX_TOAST) }));
    try {
      await deps.messenger.edit(message.chat.id, message.message_id, reply);
    } catch (err) {
      // A double press asks for the page already shown: nothing to do.
      if (!isNotModified(err))
        deps.log.warn({ chatId: message.chat.id, reason: describeError(err) }, "telegram page edit failed");
    }
    await ctx.answerCallbackQuery();
  });
  return composer;
}

/**
 * A button that sends a command (the settings keyboard): the press is the
 * presser's message in that chat, through the core like any other, with
 * group-admin rights checked for the presser. An answer with buttons
 * replaces the message it was pressed on (the settings as they now are);
 * any other answer (a refusal, a bad value) is shown as a toast.
 */
async function commandButton(
  ctx: Context,
  deps: HandlerDeps,
  message: NonNullable<Context["callbackQuery"]>["message"] & object,
  command: string,
): Promise<void> {
  const from = ctx.callbackQuery!.from;
  const isGroup = message.chat.type === "group" || message.chat.type === "supergroup";
  const msg: Incoming = {
    platform: PLATFORM,
    chatId: String(message.chat.id),
    userId: String(from.id),
    isGroup,
    mentioned: true,
    text: command,
    receivedAt: deps.arrivals.of(ctx),
  };
  if (isGroup) msg.isGroupAdmin = () => deps.admins.isMemberAdmin(message.chat.id, from.id);
  const [reply] = await deps.core.handle(msg);
  if (reply?.kind !== "text" || !reply.buttons) {
    return void (await ctx.answerCallbackQuery(
      reply?.kind === "text" ? { text: truncate(reply.text, MAX_TOAST) } : {},
    ));
  }
  try {
    await deps.messenger.edit(message.chat.id, message.message_id, reply);
  } catch (err) {
    if (!isNotModified(err))
      deps.log.warn({ chatId: message.chat.id, reason: describeError(err) }, "telegram settings edit failed");
  }
  await ctx.answerCallbackQuery();
}
