import type { InlineKeyboardButton, InlineKeyboardMarkup } from "grammy/types";
import type { ArticleCard, ArticlesReply, ImageReply, Reply, Snippet, TextReply } from "../../src/chat/message.ts";
import { byline } from "../../src/bot/cards.ts";
import { t } from "../../src/bot/strings.ts";
import { escapeHtml, link, safeUrl, truncate } from "./html.ts";
import type { PageLinks } from "./paging.ts";

/**
 * Telegram's rendering of the core's replies: HTML parse mode with every
 * piece of text that is not ours escaped, inside Telegram's limits.
 */

/** A text message in HTML parse mode, with an optional inline keyboard. */
export interface RenderedMessage {
  kind: "message";
  html: string;
  keyboard?: InlineKeyboardMarkup;
  /** The link Telegram previews under the message; none: previews are off (the default: cards speak for themselves). */
  previewUrl?: string;
}

/** A photo with an HTML caption; `fallback` is what to send when the image cannot be fetched. */
export interface RenderedPhoto {
  kind: "photo";
  url: string;
  caption: string;
  keyboard?: InlineKeyboardMarkup;
  fallback: RenderedMessage;
}

export type Rendered = RenderedMessage | RenderedPhoto;

/** Telegram's limits (lengths in UTF-16 code units, after entity parsing). */
export const LIMITS = { text: 4096, caption: 1024, buttons: 100 } as const;
/** A title longer than this is cut: a card is a preview. */
const MAX_TITLE = 200;
/** Longest summary or snippet of one card. */
const MAX_BODY = 600;
/** Highlights per snippet: past ~100 entities Telegram drops formatting. */
const MAX_HIGHLIGHTS = 8;
/** Heading and footer come from the core but may quote the user's query. */
const MAX_LINE = 500;
const URL_BUTTONS_PER_ROW = 5;

/** Render one reply; paging buttons encode their query with `pager`. */
export function render(reply: Reply, pager: PageLinks): Rendered {
  switch (reply.kind) {
    case "text": {
      const message: RenderedMessage = { kind: "message", html: escapeHtml(truncate(reply.text, LIMITS.text)) };
      const keyboard = commandKeyboard(reply.buttons);
      return keyboard ? { ...message, keyboard } : message;
    }
    case "articles":
      return renderArticles(reply, pager);
    case "image":
      return renderImage(reply);
  }
}

function renderArticles(reply: ArticlesReply, pager: PageLinks): Rendered {
  const message = renderArticleList(reply, pager);
  const only = reply.articles.length === 1 ? reply.articles[0]! : undefined;
  const cover = reply.showCover ? safeUrl(only?.cover) : undefined;
  if (!only || !cover) return message;
  // The same card as the caption, its text cut to what a caption holds.
  const heading = `<b>${escapeHtml(truncate(reply.heading, MAX_LINE))}</b>`;
  const head = headerText(1, truncate(only.title, MAX_TITLE), byline(only)).length + reply.heading.length + 8;
  const caption = `${heading}\n\n${cardHtml(only, undefined, truncate(only.title, MAX_TITLE), Math.max(0, Math.min(MAX_BODY, LIMITS.caption - head)))}`;
  return { kind: "photo", url: cover, caption, keyboard: message.keyboard, fallback: message };
}

function renderArticleList(reply: ArticlesReply, pager: PageLinks): RenderedMessage {
  const heading = truncate(reply.heading, MAX_LINE);
  const footer = truncate(reply.footer ?? "", MAX_LINE);
  const start = reply.page?.offset ?? 0;
  const cards = reply.articles.map((a, i) => ({ a, n: start + i + 1, title: truncate(a.title, MAX_TITLE) }));
  // Whatever the headers take, the bodies share the rest of the 4096 characters.
  const fixed =
    heading.length +
    footer.length +
    cards.reduce((sum, c) => sum + headerText(c.n, c.title, byline(c.a)).length + 3, 4);
  const bodyMax = Math.max(0, Math.min(MAX_BODY, Math.floor((LIMITS.text - fixed) / Math.max(1, cards.length))));
  const blocks = [`<b>${escapeHtml(heading)}</b>`, ...cards.map((c) => cardHtml(c.a, c.n, c.title, bodyMax))];
  if (footer) blocks.push(escapeHtml(footer));
  const message: RenderedMessage = { kind: "message", html: blocks.join("\n\n"), keyboard: keyboard(reply, pager) };
  // A group that switched previews on (「设置 链接预览 开」) sees the top article's.
  const previewUrl = reply.linkPreview ? safeUrl(reply.articles[0]?.url) : undefined;
  return previewUrl ? { ...message, previewUrl } : message;
}

/**
 * One article as HTML: bold numbered title linking to the original, the
 * date, and the matching passage (highlights in bold) or the summary.
 */
export function renderCard(card: ArticleCard, n?: number, bodyMax = MAX_BODY): string {
  return cardHtml(card, n, truncate(card.title, MAX_TITLE), bodyMax);
}

function cardHtml(card: ArticleCard, n: number | undefined, title: string, bodyMax: number): string {
  const head = `<b>${n === undefined ? "" : `${n}. `}${link(title, card.url)}</b> · ${escapeHtml(byline(card))}`;
  const body = card.snippet ? snippetHtml(card.snippet, bodyMax) : escapeHtml(truncate(card.summary, bodyMax));
  return body ? `${head}\n${body}` : head;
}

function headerText(n: number, title: string, byline: string): string {
  return `${n}. ${title} · ${byline}\n`;
}

/** A snippet cut to `max` characters with its highlights in bold. */
export function snippetHtml(snippet: Snippet, max: number): string {
  const text = truncate(snippet.text, max);
  const visible = text.length < snippet.text.length ? text.length - 1 : text.length;
  let out = "";
  let at = 0;
  for (const [s, e] of snippet.highlights.slice(0, MAX_HIGHLIGHTS)) {
    if (s < at || s >= visible) continue;
    const end = Math.min(e, visible);
    out += `${escapeHtml(text.slice(at, s))}<b>${escapeHtml(text.slice(s, end))}</b>`;
    at = end;
  }
  return out + escapeHtml(text.slice(at));
}

function keyboard(reply: ArticlesReply, pager: PageLinks): InlineKeyboardMarkup | undefined {
  const start = reply.page?.offset ?? 0;
  const opens = reply.articles.flatMap((a, i): InlineKeyboardButton[] => {
    const url = safeUrl(a.url);
    if (!url) return [];
    return [{ text: reply.articles.length === 1 ? t.openArticle : t.openNth(start + i + 1), url }];
  });
  const rows: InlineKeyboardButton[][] = [];
  for (let i = 0; i < opens.length && i < LIMITS.buttons - 2; i += URL_BUTTONS_PER_ROW)
    rows.push(opens.slice(i, i + URL_BUTTONS_PER_ROW));
  const paging = pageButtons(reply, pager);
  if (paging.length > 0) rows.push(paging);
  return rows.length > 0 ? { inline_keyboard: rows } : undefined;
}

function pageButtons(reply: ArticlesReply, pager: PageLinks): InlineKeyboardButton[] {
  const page = reply.page;
  if (!page) return [];
  const buttons: InlineKeyboardButton[] = [];
  if (page.offset > 0)
    buttons.push({ text: t.prevPage, callback_data: pager.data(page.query, Math.max(0, page.offset - page.pageSize)) });
  if (page.offset + reply.articles.length < page.total) {
    buttons.push({ text: t.nextPage, callback_data: pager.data(page.query, page.offset + reply.articles.length) });
  }
  return buttons;
}

/** Callback data of a button that sends a command: `c:<command>`. */
export const COMMAND_DATA = "c:";

/** A text reply's command buttons as an inline keyboard; buttons whose command does not fit 64 bytes are left out. */
function commandKeyboard(rows: TextReply["buttons"]): InlineKeyboardMarkup | undefined {
  const keyboard = (rows ?? [])
    .map((row) =>
      row
        .filter((b) => Buffer.byteLength(COMMAND_DATA + b.command) <= 64)
        .map((b) => ({ text: truncate(b.text, 60), callback_data: COMMAND_DATA + b.command })),
    )
    .filter((row) => row.length > 0);
  return keyboard.length > 0 ? { inline_keyboard: keyboard } : undefined;
}

function renderImage(reply: ImageReply): RenderedPhoto {
  const article = reply.article;
  const from = article ? truncate(t.zenFrom(truncate(article.title, MAX_TITLE)), MAX_TITLE + 10) : "";
  const room = LIMITS.caption - (from ? from.length + 1 : 0);
  const lines = [escapeHtml(truncate(reply.caption, room))];
  if (article) lines.push(link(from, article.url));
  const url = safeUrl(article?.url);
  const keyboard = url ? { inline_keyboard: [[{ text: t.openArticle, url }]] } : undefined;
  const caption = lines.join("\n");
  return { kind: "photo", url: reply.url, caption, keyboard, fallback: { kind: "message", html: caption, keyboard } };
}
