/**
 * The request checks of the fake Bot API server: what the real server
 * answers with 400 (bad HTML, text too long, bad keyboards, bad inline
 * answers). Kept strict so tests catch what production would reject.
 */

/** A 400 the fake answers with, as Telegram words it. */
export class BadRequest extends Error {
  constructor(description: string) {
    super(`Bad Request: ${description}`);
  }
}

/** Telegram's wording of an error code, for failures a test injects without a description. */
export function errorDescription(code: number, retryAfter?: number): string {
  if (code === 429) return `Too Many Requests: retry after ${retryAfter ?? 1}`;
  if (code === 403) return "Forbidden: bot was blocked by the user";
  if (code === 400) return "Bad Request: chat not found";
  return code >= 500 ? "Internal Server Error" : `Error ${code}`;
}

const TAGS = new Set([
  "b",
  "strong",
  "i",
  "em",
  "u",
  "ins",
  "s",
  "strike",
  "del",
  "a",
  "code",
  "pre",
  "span",
  "tg-spoiler",
  "blockquote",
  "tg-emoji",
]);
const NAMED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' };

/**
 * The text a user sees for an HTML-mode message: tags removed, entities
 * decoded. Throws {@link BadRequest} like Telegram's "can't parse entities".
 */
export function parseHtml(html: string): string {
  const open: string[] = [];
  let out = "";
  let i = 0;
  while (i < html.length) {
    const ch = html[i]!;
    if (ch === "<") {
      const end = html.indexOf(">", i);
      if (end < 0) throw new BadRequest(`can't parse entities: unclosed start tag at byte offset ${i}`);
      closeOrOpen(html.slice(i + 1, end), open, i);
      i = end + 1;
    } else if (ch === "&") {
      const m = /^&(#x[0-9a-f]+|#\d+|[a-z]+);/i.exec(html.slice(i, i + 12));
      const name = m?.[1];
      const decoded = name === undefined ? undefined : name.startsWith("#") ? decodeNumeric(name) : NAMED[name];
      if (decoded === undefined)
        throw new BadRequest(`can't parse entities: character '&' is reserved at byte offset ${i}`);
      out += decoded;
      i += m![0].length;
    } else if (ch === ">") {
      throw new BadRequest(`can't parse entities: character '>' is reserved at byte offset ${i}`);
    } else {
      out += ch;
      i++;
    }
  }
  if (open.length > 0)
    throw new BadRequest(`can't parse entities: can't find end tag corresponding to start tag "${open.at(-1)}"`);
  return out;
}

function closeOrOpen(inner: string, open: string[], at: number): void {
  if (inner.startsWith("/")) {
    const name = inner.slice(1).trim().toLowerCase();
    if (open.pop() !== name)
      throw new BadRequest(
        `can't parse entities: unmatched end tag at byte offset ${at}, expected "</${open.at(-1) ?? ""}>", found "</${name}>"`,
      );
    return;
  }
  const name = /^[a-z-]+/i.exec(inner)?.[0]?.toLowerCase() ?? "";
  if (!TAGS.has(name))
    throw new BadRequest(`can't parse entities: unsupported start tag "${name}" at byte offset ${at}`);
  if (name === "a") {
    const href = /^a\s+href="([^"]*)"$/i.exec(inner.trim())?.[1];
    if (href === undefined) throw new BadRequest(`can't parse entities: bad link tag at byte offset ${at}`);
  }
  open.push(name);
}

function decodeNumeric(name: string): string | undefined {
  const code = name[1] === "x" || name[1] === "X" ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
  return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
}

/** The visible text of a message or caption, checked like Telegram does. */
export function visibleText(text: unknown, parseMode: unknown, max: number, what: "message" | "caption"): string {
  const raw = String(text ?? "");
  const visible = parseMode === "HTML" ? parseHtml(raw) : raw;
  if (visible.length > max)
    throw new BadRequest(what === "message" ? "message is too long" : "message caption is too long");
  if (what === "message" && visible.trim() === "") throw new BadRequest("message text is empty");
  return visible;
}

interface Button {
  text?: string;
  url?: string;
  callback_data?: string;
  switch_inline_query_current_chat?: string;
}

/** Check an inline keyboard: at most 100 buttons, callback data ≤ 64 bytes, http(s) URLs. */
export function checkKeyboard(markup: unknown): void {
  const rows = (markup as { inline_keyboard?: Button[][] } | undefined)?.inline_keyboard;
  if (!rows) return;
  const buttons = rows.flat();
  if (buttons.length > 100) throw new BadRequest("too many inline keyboard buttons");
  for (const b of buttons) {
    if (!b.text) throw new BadRequest("inline keyboard button text is empty");
    if (b.callback_data !== undefined && Buffer.byteLength(b.callback_data) > 64)
      throw new BadRequest("BUTTON_DATA_INVALID");
    if (b.url !== undefined && !/^https?:\/\/[^\s]+$/.test(b.url)) throw new BadRequest("BUTTON_URL_INVALID");
  }
}

interface InlineResult {
  id?: string;
  title?: string;
  input_message_content?: { message_text?: string; parse_mode?: string };
  reply_markup?: unknown;
}

/** Check an answerInlineQuery payload like Telegram does. */
export function checkInlineAnswer(payload: Record<string, unknown>): void {
  const results = (payload.results ?? []) as InlineResult[];
  if (results.length > 50) throw new BadRequest("RESULTS_TOO_MUCH");
  if (Buffer.byteLength(String(payload.next_offset ?? "")) > 64) throw new BadRequest("NEXT_OFFSET_INVALID");
  const ids = new Set<string>();
  for (const r of results) {
    if (!r.id || Buffer.byteLength(r.id) > 64 || ids.has(r.id)) throw new BadRequest("RESULT_ID_INVALID");
    ids.add(r.id);
    if (!r.title) throw new BadRequest("RESULT_TITLE_EMPTY");
    const content = r.input_message_content;
    visibleText(content?.message_text, content?.parse_mode, 4096, "message");
    checkKeyboard(r.reply_markup);
  }
}
