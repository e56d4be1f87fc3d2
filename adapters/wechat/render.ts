import { FileBox } from "file-box";
import type { ArticleCard, ArticlesReply, ImageReply, Reply } from "../../src/chat/message.ts";
import { byline } from "../../src/bot/cards.ts";
import { t } from "../../src/bot/strings.ts";
import { markSnippet } from "../../src/search/snippet.ts";
import type { Logger } from "../../src/log.ts";
import type { Downloaded } from "../../src/net/download.ts";
import type { Outgoing } from "./outgoing.ts";
import { messageOf } from "../../src/util/errors.ts";

/** What rendering a reply needs besides the reply. */
export interface RenderContext {
  /** The room member the reply answers: @mentioned in the first text message. */
  mention?: { id: string; name: string };
  /** Image bytes by URL (the shared image cache). */
  image(url: string): Promise<Downloaded>;
  log: Logger;
}

/** WeChat cuts long card titles and descriptions anyway; keep them short. */
const CARD_TITLE_CHARS = 64;
const CARD_DESCRIPTION_CHARS = 120;
/** No reply of ours is near this; it only bounds what an echoed query can do. */
const TEXT_CHARS = 2000;
/** WeChat separates an @name from the text after it with U+2005 (four-per-em space). */
const MENTION_SEPARATOR = "\u2005";

/**
 * Turn a core reply into WeChat messages, in sending order: the text first
 * (with the `@sender` in rooms), then the attachment — the top article as
 * a link card, or the 禅定 image downloaded by the bot (WeChat's image host
 * refuses hotlinks, so a URL would not do).
 */
export async function renderReply(reply: Reply, ctx: RenderContext): Promise<Outgoing[]> {
  switch (reply.kind) {
    case "text":
      return [text(reply.text, ctx)];
    case "articles":
      return renderArticles(reply, ctx);
    case "image":
      return renderImage(reply, ctx);
  }
}

function renderArticles(reply: ArticlesReply, ctx: RenderContext): Outgoing[] {
  const [top] = reply.articles;
  // A group that switched link cards off (「设置 链接卡片 关」) gets the list alone, every result with its link.
  const withCard = top !== undefined && reply.linkPreview !== false;
  const lines = [reply.heading];
  // With one article the card says it all; a longer list names every result
  // with the sentence that matched, the first one by title only because its card follows.
  if (reply.articles.length > 1 || !withCard) {
    const start = reply.page?.offset ?? 0;
    reply.articles.forEach((a, i) =>
      lines.push(i === 0 && withCard ? heading(a, start + 1) : listItem(a, start + i + 1)),
    );
  }
  if (reply.footer) lines.push(reply.footer);
  return withCard ? [text(lines.join("\n"), ctx), card(top)] : [text(lines.join("\n"), ctx)];
}

function heading(a: ArticleCard, n: number): string {
  return `${n}. 《${a.title}》 ${byline(a)}`;
}

function listItem(a: ArticleCard, n: number): string {
  return [heading(a, n), a.snippet ? markSnippet(a.snippet) : "", a.url ?? ""].filter(Boolean).join("\n");
}

/**
 * The top article as a link card, or as text when it has no link to open.
 * A search hit is described by the sentence that matched, which says more
 * about why it was found than the article's opening.
 */
function card(a: ArticleCard): Outgoing {
  const description = a.snippet?.text || a.summary;
  const fallback = [`《${a.title}》 ${byline(a)}`, description, a.url ?? ""].filter(Boolean).join("\n");
  if (!a.url) return { kind: "text", text: cut(fallback, TEXT_CHARS) };
  return {
    kind: "card",
    link: {
      title: cut(a.title, CARD_TITLE_CHARS),
      description: cut(description, CARD_DESCRIPTION_CHARS),
      thumbnailUrl: a.cover,
      url: a.url,
    },
    fallback: cut(fallback, TEXT_CHARS),
  };
}

async function renderImage(reply: ImageReply, ctx: RenderContext): Promise<Outgoing[]> {
  const source = reply.article
    ? `${t.zenFrom(reply.article.title)}${reply.article.url ? ` ${reply.article.url}` : ""}`
    : "";
  const caption = text([reply.caption, source].filter(Boolean).join("\n"), ctx);
  try {
    const image = await ctx.image(reply.url);
    // fromBase64, not fromBuffer: buffer boxes cannot be serialised, and some puppets must.
    return [caption, { kind: "image", file: FileBox.fromBase64(image.bytes.toString("base64"), image.fileName) }];
  } catch (err) {
    ctx.log.warn({ url: reply.url, err: messageOf(err) }, "zen image unavailable; sending the caption only");
    return [caption];
  }
}

function text(body: string, ctx: RenderContext): Outgoing {
  const trimmed = cut(body, TEXT_CHARS);
  if (!ctx.mention) return { kind: "text", text: trimmed };
  return { kind: "text", text: `@${ctx.mention.name}${MENTION_SEPARATOR}${trimmed}`, mentionIds: [ctx.mention.id] };
}

/** At most `max` code points, with an ellipsis when cut (never splits an emoji's surrogate pair). */
function cut(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join("")}…`;
}
