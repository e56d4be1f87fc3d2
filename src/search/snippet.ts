import type { Snippet } from "../chat/message.ts";
import { markdownToText } from "../library/markdown.ts";
import type { ParsedQuery } from "./query.ts";

const SENTENCE = /[^。！？!?\n]+[。！？!?]*/g;
const MAX_CHARS = 90;

/**
 * The sentence of `body` that best matches the query (most distinct query
 * tokens, then the earliest), trimmed around its first match to at most
 * ~90 characters, with the matched phrases marked. Undefined when no
 * sentence contains a query token.
 */
export function findSnippet(body: string, query: ParsedQuery): Snippet | undefined {
  const needles = query.tokens.filter((t) => t.length > 0);
  if (needles.length === 0) return undefined;
  let best: { sentence: string; hits: number } | undefined;
  for (const m of markdownToText(body).matchAll(SENTENCE)) {
    const sentence = m[0].trim();
    const lower = sentence.toLowerCase();
    const hits = needles.filter((n) => lower.includes(n)).length;
    if (hits > (best?.hits ?? 0)) best = { sentence, hits };
  }
  if (!best) return undefined;
  const text = trimAround(best.sentence, needles);
  return { text, highlights: highlight(text, needles) };
}

function trimAround(sentence: string, needles: string[]): string {
  if (sentence.length <= MAX_CHARS) return sentence;
  const lower = sentence.toLowerCase();
  const first = Math.min(...needles.map((n) => lower.indexOf(n)).filter((i) => i >= 0));
  const start = Math.max(0, Math.min(first - 20, sentence.length - MAX_CHARS));
  const end = Math.min(sentence.length, start + MAX_CHARS);
  return `${start > 0 ? "…" : ""}${sentence.slice(start, end)}${end < sentence.length ? "…" : ""}`;
}

/** Non-overlapping [start, end) ranges of every needle occurrence, merged where they touch. */
export function highlight(text: string, needles: string[]): Array<[number, number]> {
  const lower = text.toLowerCase();
  const ranges: Array<[number, number]> = [];
  for (const n of needles) {
    for (let i = lower.indexOf(n); i >= 0; i = lower.indexOf(n, i + 1)) ranges.push([i, i + n.length]);
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

/**
 * A snippet as plain text with its matched words wrapped in 【】, the
 * marking Chinese readers know from search pages, for platforms without
 * rich formatting (the terminal, WeChat).
 */
export function markSnippet(snippet: Snippet, open = "【", close = "】"): string {
  let out = "";
  let at = 0;
  for (const [s, e] of snippet.highlights) {
    out += snippet.text.slice(at, s) + open + snippet.text.slice(s, e) + close;
    at = e;
  }
  return out + snippet.text.slice(at);
}
