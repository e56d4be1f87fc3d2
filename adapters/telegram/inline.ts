import { createHash } from "node:crypto";
import { Composer, type Context } from "grammy";
import type { InlineQueryResultArticle } from "grammy/types";
import type { ArticleCard, Incoming } from "../../src/chat/message.ts";
import { t } from "../../src/bot/strings.ts";
import type { HandlerDeps } from "./handler-deps.ts";
import { describeError } from "./errors.ts";
import { safeUrl, truncate } from "./html.ts";
import { PLATFORM } from "./config.ts";
import { renderCard } from "./render.ts";

/** Telegram's maximum of results per inline answer. */
export const INLINE_PAGE = 50;
/** How long Telegram may serve an answer from its cache, in seconds: the library changes rarely. */
export const INLINE_CACHE_SECONDS = 300;
const MAX_DESCRIPTION = 200;

/**
 * Inline mode: `@bot 关键词` in any chat lists matching articles (up to
 * 50 per answer, more on scroll via next_offset); an empty query lists
 * the latest articles. Choosing one posts its card with a link.
 */
export function inline(deps: HandlerDeps): Composer<Context> {
  const composer = new Composer<Context>();
  composer.on("inline_query", async (ctx) => {
    const query = ctx.inlineQuery.query.trim();
    const offset = Math.max(0, Number.parseInt(ctx.inlineQuery.offset, 10) || 0);
    const user = String(ctx.inlineQuery.from.id);
    const list = { kind: "list", query, offset, limit: INLINE_PAGE } as const;
    const msg: Incoming = {
      platform: PLATFORM,
      chatId: user,
      userId: user,
      isGroup: false,
      mentioned: false,
      text: query,
      action: list,
      receivedAt: deps.arrivals.of(ctx),
    };
    // Through the core's pipeline (flood control, observer), like a message.
    const [reply] = await deps.core.handle(msg);
    // Limited or failed: inline mode has nowhere to say so; the query is simply not answered.
    if (reply?.kind !== "articles") return;
    const { articles } = reply;
    const total = reply.page?.total ?? articles.length;
    const next = offset + articles.length < total ? String(offset + articles.length) : "";
    try {
      await ctx.answerInlineQuery(articles.map(toResult), { cache_time: INLINE_CACHE_SECONDS, next_offset: next });
    } catch (err) {
      // Usually a query the user already typed past ("query is too old"): nobody is waiting for it.
      deps.log.info({ reason: describeError(err) }, "telegram inline answer failed");
    }
  });
  return composer;
}

/** One article as an inline result: title, summary, link; posting it sends the card. */
export function toResult(card: ArticleCard): InlineQueryResultArticle {
  const url = safeUrl(card.url);
  return {
    type: "article",
    // Ids may be 64 bytes at most; article ids are paths of any length.
    id: createHash("sha1").update(card.id).digest("hex"),
    title: truncate(card.title, 200) || card.id,
    description: truncate(card.summary, MAX_DESCRIPTION),
    ...(url ? { url } : {}),
    input_message_content: {
      message_text: renderCard(card),
      parse_mode: "HTML",
      link_preview_options: { is_disabled: true },
    },
    ...(url ? { reply_markup: { inline_keyboard: [[{ text: t.openArticle, url }]] } } : {}),
  };
}
