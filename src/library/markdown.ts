/**
 * Markdown images and links. Article files are untrusted, so each part
 * stops at the delimiter that would open another one (`[`, `]`, `(`):
 * a scan can never run past the next candidate, which keeps the patterns
 * linear on text like `[a](` repeated or an unclosed `![`.
 */
export const IMAGE = /!\[[^[\]]*\]\(([^()\]]*)\)/g;
const LINK = /\[([^[\]]*)\]\([^()\]]*\)/g;

/**
 * Markdown to plain text, for summaries, snippets and indexing: drops
 * images, keeps link text, removes emphasis, headings, quotes and rules.
 * Every pattern is linear in the text (see tests/hardening/linear-parsers).
 */
export function markdownToText(md: string): string {
  return (
    md
      .replace(IMAGE, "")
      .replace(LINK, "$1")
      .replace(/<[^<>]+>/g, "")
      .replace(/^[ \t]{0,3}(#{1,6}|>+|[-*+]\s|\d+\.\s)[ \t]*/gm, "")
      .replace(/^[ \t]*(-{3,}|\*{3,}|_{3,})[ \t]*$/gm, "")
      .replace(/(\*\*|__|\*|_|`|~~)/g, "")
      // Starting only at the first blank of a run: a run of 100,000 spaces is scanned once, not once per space.
      .replace(/(?<![ \t])[ \t]+\n/g, "\n")
      .replace(/\n{3,}/g, "\n\n")
      .trim()
  );
}
