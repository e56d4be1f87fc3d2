import { markdownToText } from "./markdown.ts";

const SENTENCE_END = /[。！？!?…；;]+["”’」』）)]*/g;
const CLAUSE_END = /[，,、：:]/g;

/**
 * How much of the body a summary is taken from: far more than the opening
 * sentences need, even behind a long image link, and it keeps the work
 * for a 5 MB article the same as for a short one.
 */
const SOURCE_CHARS = 20_000;

/**
 * An extractive summary of the opening of a markdown body: whole sentences
 * until at least `min` characters, normally no more than `max`. When the
 * sentence that would reach `min` is long, it is still taken whole if the
 * summary stays under 1.5 × `max` (a sentence end reads better than a
 * cut); otherwise it is cut at its last comma that fits, ending with `…`.
 */
export function summarize(body: string, min = 80, max = 120): string {
  const text = flatten(markdownToText(body.slice(0, SOURCE_CHARS)));
  if (length(text) <= max) return text;
  let cut = 0;
  for (const m of text.matchAll(SENTENCE_END)) {
    const end = m.index + m[0].length;
    const len = length(text.slice(0, end));
    if (len > max && ((cut > 0 && length(text.slice(0, cut)) >= min) || len > max * 1.5)) break;
    cut = end;
    if (len >= min) return text.slice(0, end).trim();
  }
  return `${clauseCut(text, cut, min, max)}…`;
}

/** The longest cut at a clause boundary after `from` that fits in `max - 1` characters. */
function clauseCut(text: string, from: number, min: number, max: number): string {
  // A code point is at most two UTF-16 units: this prefix holds the first `max - 1` of them.
  const head = [...text.slice(0, 2 * max)].slice(0, max - 1).join("");
  let best = -1;
  for (const m of head.matchAll(CLAUSE_END)) if (m.index >= from) best = m.index;
  if (best >= 0 && length(head.slice(0, best)) >= min / 2) return head.slice(0, best);
  return from > 0
    ? text
        .slice(0, from)
        .trim()
        .replace(/[。！？!?…；;]$/, "")
    : head;
}

/** Paragraphs joined into one line: no space between Chinese characters, one between words. */
function flatten(text: string): string {
  return (
    text
      // Starting only at the first blank of a run keeps this linear on long runs of spaces.
      .replace(/(?<!\s)\s*\n\s*/g, (_m, offset: number, s: string) =>
        isLatin(s[offset - 1]) && isLatin(s[offset + _m.length]) ? " " : "",
      )
      .replace(/[ \t]+/g, " ")
      .trim()
  );
}

function isLatin(ch: string | undefined): boolean {
  return ch !== undefined && /[A-Za-z0-9]/.test(ch);
}

function length(s: string): number {
  return [...s].length;
}
