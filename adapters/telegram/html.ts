/**
 * HTML helpers for Telegram's HTML parse mode. Everything that does not
 * come from our own templates (titles, summaries, queries, captions) goes
 * through {@link escapeHtml}, or Telegram answers 400 "can't parse entities".
 */

/** Escape text for Telegram HTML (also safe inside a double-quoted attribute). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/**
 * Cut `text` to at most `max` UTF-16 code units (Telegram's unit for
 * length limits), ending with … when cut, never splitting a surrogate pair.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return "";
  let end = max - 1;
  if (isHighSurrogate(text.charCodeAt(end - 1))) end--;
  return `${text.slice(0, end)}…`;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/**
 * The URL when it is an absolute http(s) URL Telegram accepts in a link
 * or a button, else undefined (a bad button URL fails the whole message).
 */
export function safeUrl(url: string | undefined): string | undefined {
  if (!url || /\s/.test(url)) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

/** `<a href="url">text</a>` when the URL is usable, else the escaped text alone. */
export function link(text: string, url: string | undefined): string {
  const href = safeUrl(url);
  return href ? `<a href="${escapeHtml(href)}">${escapeHtml(text)}</a>` : escapeHtml(text);
}
