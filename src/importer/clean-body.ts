/**
 * Repairs for the markdown that the 小懒 backup converter produces from a
 * WeChat article: broken image URLs, hard-wrapped lines, Chinese dashes
 * turned into `---`, and empty emphasis left over from nested <strong> tags.
 * Everything here is pure string work so it can be tested on real samples.
 */

import { IMAGE } from "../library/markdown.ts";

/** Zero-width characters WeChat's editor sprinkles into text; invisible but they break matching. */
const ZERO_WIDTH = /[\u200b-\u200d\u2060\ufeff]/g;

/** CJK ideographs, kana and full-width punctuation: scripts written without spaces between words. */
const CJK = /[\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef\u2018-\u201f\u2026\u2014]/;

/** End of a sentence, optionally followed by (a few) closing quotes or brackets; tested on a line's tail only. */
const SENTENCE_END = /[。！？…][”’」』）)]{0,8}$/;

/** A line that starts its own markdown block and must not be glued to the previous one. */
const BLOCK_START = /^(\d+\.\s|[-*+]\s|>|#{1,6}\s|!\[)/;

/**
 * Markdown image or link targets: `](...)`. Captures the URL. The URL
 * stops at `]` too, so `](` repeated is scanned once, not once per `](`.
 */
const LINK_TARGET = /\]\(([^)\]\s]*)\)/g;

/**
 * Remove the characters that WeChat's editor hides in text. Exported because
 * list-page summaries carry them too.
 */
export function stripZeroWidth(s: string): string {
  return s.replace(ZERO_WIDTH, "");
}

/**
 * Repair the converter's damage to a URL. It HTML-escaped the query string
 * and then half-unescaped it, leaving `&from;=appmsg` for `&from=appmsg` and
 * `wx;_fmt` for `wx_fmt`; plain `&amp;` also occurs in some backups.
 */
export function fixUrl(url: string): string {
  return url
    .trim()
    .replace(/&amp;/g, "&")
    .replace(/&([A-Za-z0-9_]+);=/g, "&$1=")
    .replace(/([A-Za-z0-9]);_([A-Za-z0-9])/g, "$1_$2");
}

/** Fix every link and image target in a piece of markdown. */
export function fixLinkTargets(md: string): string {
  return md.replace(LINK_TARGET, (_m, url: string) => `](${fixUrl(url)})`);
}

/**
 * Turn converter output into clean markdown paragraphs. Paragraph breaks in
 * the backups are blank lines or markdown hard breaks (two trailing spaces);
 * every other newline is the converter's own line wrapping and is undone.
 */
export function cleanBody(md: string): string {
  const text = fixLinkTargets(stripZeroWidth(md).replace(/\r\n?/g, "\n"))
    // Images are often glued to the text around them; give each its own paragraph.
    .replace(IMAGE, (img) => `\n\n${img}\n\n`);
  const paragraphs = text
    .split(/\n[ \t]*\n|(?<![ \t])[ \t]{2,}\n|\\\n/)
    .filter((p) => p.trim() !== "")
    .flatMap(unwrapParagraph)
    .map(cleanInline)
    .filter((p) => p !== "");
  return joinParagraphs(paragraphs);
}

/**
 * Join the wrapped lines of one paragraph. A wrapped line ends after a
 * complete sentence only where the original had a line break (CJK text has
 * no spaces to wrap at), so such a newline starts a new paragraph.
 */
function unwrapParagraph(paragraph: string): string[] {
  const lines = paragraph
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !/^[*_\s]+$/.test(l));
  const out: string[] = [];
  // The paragraph being built, as pieces: reading the end of a long string
  // built by `+=` flattens it each time, which is quadratic over many lines.
  let parts: string[] = [];
  let tail = "";
  // Whether the paragraph's last word is (part of) a URL, kept up to date line by line.
  let inUrl = false;
  for (const line of lines) {
    if (parts.length === 0 || BLOCK_START.test(line) || (SENTENCE_END.test(tail) && CJK.test(line[0]!))) {
      if (parts.length > 0) out.push(parts.join(""));
      parts = [line];
      tail = line.slice(-10);
      inUrl = endsInUrl(line);
    } else {
      const glue = joiner(tail.at(-1)!, line, inUrl);
      inUrl = /\s/.test(glue + line)
        ? endsInUrl(line)
        : inUrl || (line.includes("/") && endsInUrl(tail.slice(-8) + line));
      parts.push(glue, line);
      tail = (tail + glue + line).slice(-10);
    }
  }
  if (parts.length > 0) out.push(parts.join(""));
  return out;
}

/** Whether the last whitespace-free word of `s` contains `http://` or `https://`. */
function endsInUrl(s: string): boolean {
  if (!s.includes("://")) return false;
  // `\s\S*$` starts only at blanks and each try stops at the next one: linear, unlike `https?:\/\/\S*$`.
  const word = /\s\S*$/.exec(s)?.[0] ?? s;
  return word.includes("http://") || word.includes("https://");
}

/**
 * What goes between two wrapped lines. The converter wrapped at spaces, so a
 * space is restored between Latin words; between CJK characters (or at a
 * dash, see {@link fixDashes}) the original had none.
 */
function joiner(a: string, after: string, beforeEndsInUrl: boolean): string {
  const b = after[0]!;
  if (a === "-" || b === "-" || b === "\\") return "";
  // A bare URL is sometimes wrapped inside its query string (`…==\n&mid=…`).
  if (beforeEndsInUrl && /^[&?=#%/]/.test(after)) return "";
  return CJK.test(a) && CJK.test(b) ? "" : " ";
}

/** Inline repairs on one paragraph, outside link targets (URLs must stay as they are). */
function cleanInline(paragraph: string): string {
  return mapOutsideTargets(paragraph, (s) =>
    fixDashes(s)
      // Adjacent <strong> runs come out as `**a****b**`; they were separate
      // lines (a heading and a byline), so keep them as two bold runs.
      .replace(/(?<=\S)\*{4}(?=\S)/g, "** **")
      .replace(/\*{4,}/g, "")
      // Emphasis around nothing (`_ _`, ` __ `) renders as stray underscores.
      .replace(/(^|\s)_+(?=\s|$)/g, "$1")
      .replace(/[ \t]{2,}/g, " "),
  ).trim();
}

/**
 * Chinese text uses a two-em dash `——`; the converter wrote it as `---`
 * (sometimes escaped as `\---`, sometimes split by a line wrap, once as
 * `--`). A `---` on a line of its own would even become a setext heading or
 * a rule. In these backups no run of two or more hyphens is ever a real rule
 * or an ASCII `--` (checked against the whole sample), so every run becomes
 * `——` joined to the text on both sides.
 */
export function fixDashes(s: string): string {
  // The lookbehind starts a match only at the first blank of a run, so long runs of spaces stay linear.
  return s.replace(/(?<![ \t])[ \t]*(?:\\?-){2,}[ \t]*/g, "——").replace(/\\-/g, "-");
}

/** Apply `fn` to the text between link targets, leaving `](url)` untouched. */
function mapOutsideTargets(s: string, fn: (text: string) => string): string {
  if (!s.includes("](")) return fn(s);
  let out = "";
  let last = 0;
  for (const m of s.matchAll(LINK_TARGET)) {
    out += fn(s.slice(last, m.index)) + m[0];
    last = m.index + m[0].length;
  }
  return out + fn(s.slice(last));
}

/** Blank lines between paragraphs, but keep consecutive list items as one tight list. */
function joinParagraphs(paragraphs: string[]): string {
  let out = "";
  paragraphs.forEach((p, i) => {
    if (i > 0) out += isListItem(p) && isListItem(paragraphs[i - 1]!) ? "\n" : "\n\n";
    out += p;
  });
  return out;
}

function isListItem(p: string): boolean {
  return /^(\d+\.|[-*+])\s/.test(p);
}
