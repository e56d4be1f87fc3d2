import { markdownToText } from "./markdown.ts";

const SENTENCE_END = /[。！？!?…；;]+["”’」』）)]*/g;

/**
 * An extractive summary of the opening of a markdown body: whole sentences
 * until at least `min` characters, never more than `max`. A first sentence
 * longer than `max` is cut at its last comma (or hard) and ends with `…`.
 */
export function summarize(body: string, min = 80, max = 120): string {
  const text = markdownToText(body).replace(/\s+/g, " ").trim();
  if ([...text].length <= max) return text;
  let cut = 0;
  for (const m of text.matchAll(SENTENCE_END)) {
    const end = m.index + m[0].length;
    if ([...text.slice(0, end)].length > max) break;
    cut = end;
    if ([...text.slice(0, end)].length >= min) break;
  }
  if (cut > 0) return text.slice(0, cut).trim();
  const head = [...text].slice(0, max - 1).join("");
  const comma = Math.max(head.lastIndexOf("，"), head.lastIndexOf(","), head.lastIndexOf("、"));
  return (comma >= min / 2 ? head.slice(0, comma) : head) + "…";
}
