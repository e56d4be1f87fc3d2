import { chatKey } from "../chat/chat-key.ts";
import type { Incoming } from "../chat/message.ts";
import type { CommandTable, Invocation } from "./command.ts";
import type { Addressed, Commanded, Parsed, RequestContext, Stage } from "./pipeline.ts";
import type { ChatRateLimiter } from "./rate-limit.ts";
import { t } from "./strings.ts";
import { UserError } from "./user-error.ts";

/**
 * The core's own stages, in pipeline order (see `core.ts`). Each either
 * answers the request or hands it on; none catches: errors go to the one
 * boundary in `Core.handle`.
 */

/**
 * Addressing: is the request for the bot, and what is the text meant for
 * it? Private chats, @mentions, replies to the bot and the bot's own slash
 * commands are; in groups, otherwise, only text after a trigger prefix
 * (`?墨荷`; the group's own prefixes when its admins set some). Buttons
 * and inline queries are always for the bot.
 */
export function addressing(
  triggersOf: (ctx: RequestContext) => Promise<readonly string[]>,
  table: CommandTable,
): Stage<RequestContext, Addressed> {
  return async (ctx, next) => {
    const text = ctx.msg.text.trim();
    // In groups only the bot's own slash commands count: WeChat's emoticons are written `/::)`, `/微笑`.
    if (ctx.msg.action || !ctx.msg.isGroup || ctx.msg.mentioned || table.isSlashCommand(text))
      return next(Object.assign(ctx, { text }));
    const trigger = (await triggersOf(ctx)).find((tr) => text.startsWith(tr));
    if (trigger === undefined) return [];
    return next(Object.assign(ctx, { text: text.slice(trigger.length).trim() }));
  };
}

/**
 * Admission: flood control. Messages count against their chat; buttons
 * and inline queries against the user (keyed like the user's private
 * chat, so both share one budget), each at the moment it arrived. The
 * first request over the limit is told to slow down, the rest get nothing.
 * A bot admin's private chat is not limited: an operator who tried a dozen
 * things must still get /push_now through.
 */
export function admission(limiter: ChatRateLimiter | undefined, adminIds: readonly string[]): Stage<Addressed> {
  return (ctx, next) => {
    if (!limiter || (!ctx.msg.isGroup && senderIsBotAdmin(adminIds, ctx.msg))) return next();
    const admitted = limiter.admit(ctx.msg.action ? userKey(ctx.msg) : chatKey(ctx.msg), ctx.msg.receivedAt);
    if (admitted === "allow") return next();
    ctx.limited = admitted;
    return Promise.resolve(admitted === "warn" ? [{ kind: "text", text: t.slowDown }] : []);
  };
}

/**
 * Parsing: the command the request asks for, read once and kept on the
 * request (group policy needs it to let an admin's 「启用」 through, the
 * command stage to run it). A paging button asks for 「更多」 with its
 * page; an inline query for a search (its words) or the newest (none);
 * text for what the command table reads in it; empty text for nothing.
 */
export function parsing(table: CommandTable): Stage<Addressed, Parsed> {
  return (ctx, next) => {
    const { action } = ctx.msg;
    let command: Invocation | undefined;
    if (action?.kind === "page") command = { spec: table.get("more"), args: undefined };
    else if (action?.kind === "list")
      command = action.query
        ? { spec: table.get("search"), args: action.query }
        : { spec: table.get("latest"), args: undefined };
    else if (ctx.text) command = table.parse(ctx.text);
    return next(Object.assign(ctx, { command }));
  };
}

/**
 * Empty text (an @mention alone, a private message of spaces) gets a hint
 * where someone spoke to the bot; after group policy, so that not even the
 * hint leaks into a group the bot does not serve.
 */
export function emptyText(): Stage<Parsed, Commanded> {
  return (ctx, next) => {
    const { command } = ctx;
    if (command) return next(Object.assign(ctx, { command }));
    return Promise.resolve(ctx.msg.isGroup && !ctx.msg.mentioned ? [] : [{ kind: "text", text: t.emptyQuery }]);
  };
}

/**
 * The command: refused unless the sender has its authority, otherwise run.
 * Bot admins (ADMIN_IDS, `platform:userId` or a bare id) may do whatever a
 * group admin may.
 */
export function dispatch(adminIds: readonly string[]): Stage {
  const isBotAdmin = (msg: Incoming) => senderIsBotAdmin(adminIds, msg);
  return async (ctx) => {
    const {
      command: { spec, args },
      msg,
    } = ctx;
    if (spec.authority === "bot_admin" && !isBotAdmin(msg)) throw new UserError(spec.refusal ?? t.adminOnly);
    if (spec.authority === "group_admin" && msg.isGroup && !isBotAdmin(msg) && !(await isGroupAdmin(msg)))
      throw new UserError(spec.refusal ?? t.groupAdminOnly);
    const replies = await spec.run({ msg, args, request: ctx });
    return Array.isArray(replies) ? replies : [replies];
  };
}

/** Whether the sender is a bot admin (ADMIN_IDS: `platform:userId` or a bare id). */
export function senderIsBotAdmin(adminIds: readonly string[], msg: Incoming): boolean {
  return adminIds.some((id) => id === msg.userId || id === `${msg.platform}:${msg.userId}`);
}

/** Whether the sender administers the group, as the adapter says (asking the platform only now, when it must). */
export async function isGroupAdmin(msg: Incoming): Promise<boolean> {
  const answer = msg.isGroupAdmin;
  return typeof answer === "function" ? answer() : answer === true;
}

function userKey(msg: Incoming): string {
  return chatKey({ platform: msg.platform, chatId: msg.userId });
}
