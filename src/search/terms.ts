import type { Article } from "../library/article.ts";
import { markdownToText } from "../library/markdown.ts";
import { mayBeName, pairWeight, segmenter, wordWeight } from "./segmenter.ts";
import { bigrams, foldCase, normalize, splitRuns, tokenize, tokenizeProse } from "./tokenize.ts";

/**
 * The indexed fields of an article. `body` holds the words of the whole
 * body; `keys` the words the body keeps coming back to (what it is
 * about, see {@link keyWords}); `chars` its single Han characters, kept
 * apart so a one-character query can find a body (猫 → the article about
 * 猫弟) while ranking such matches below words (see the boosts in index.ts).
 */
export const FIELDS = ["title", "zen", "tags", "summary", "body", "keys", "chars"] as const;
export type Field = (typeof FIELDS)[number];

/**
 * The search terms of one article, per field: distinct terms joined by
 * spaces (terms never contain one). One string per field rather than an
 * array of small strings keeps 100,000 articles' terms in a few hundred MB.
 */
export type DocTerms = Record<Field, string>;

/**
 * Terms of an article. Short fields (title, zen title, tags) get single
 * characters, bigrams and words, so any fragment of a title matches; the
 * summary gets words and their bigrams; the body every word (see
 * {@link bodyTerms}) and, separately, every character.
 */
export function documentTerms(a: Pick<Article, "title" | "zen" | "tags" | "summary" | "body">): DocTerms {
  const dense = (text: string) => joined(tokenize(text, { unigrams: true, words: true }));
  const body = bodyTerms(a.body);
  return {
    title: dense(a.title),
    zen: dense(a.zen?.title ?? ""),
    tags: dense((a.tags ?? []).join(" ")),
    summary: joined(tokenizeProse(a.summary)),
    body: body.words.join(" "),
    keys: body.keys.join(" "),
    chars: body.chars.join(" "),
  };
}

/** A word is central to a body it occurs in at least this often... */
const KEY_MIN_COUNT = 3;
/** ...and a body has at most this many such words, the most telling first (count × weight). */
const MAX_KEYS = 40;

/**
 * The words a body is about: those it uses again and again, weighed by
 * how much each says (一个 and 我们 recur everywhere). A word mentioned
 * once in passing does not make an article an answer about it; one that
 * recurs does, so matching it counts extra (a word central to an article
 * beats one mentioned once elsewhere) and the confidence rule asks for it.
 */
function keyWords(counts: Map<string, number>, pairs: ReadonlySet<string>): string[] {
  const scored: Array<[string, number]> = [];
  for (const [word, count] of counts)
    if (count >= KEY_MIN_COUNT)
      scored.push([word, Math.log2(count) * (pairs.has(word) ? pairWeight(word) : wordWeight(word))]);
  scored.sort((a, b) => b[1] - a[1]);
  return scored.slice(0, MAX_KEYS).map(([w]) => w);
}

/**
 * Every word of a body, so any word that occurs in an article finds it.
 * Han runs are cut by jieba in search mode (人工智能 also gives 人工 and
 * 智能) without its HMM guesser: a name or new word jieba does not know
 * (猫弟, 萝卜快跑) then falls apart into single characters, and those
 * stretches of single characters are indexed as bigrams, which is how a
 * query's bigrams meet them. Latin words and numbers are kept whole.
 * Text is converted to Simplified once per distinct term (far cheaper
 * than converting a 10,000-character body).
 */
export function bodyTerms(body: string): { words: string[]; keys: string[]; chars: string[] } {
  const words = new Set<string>();
  const counts = new Map<string, number>();
  const chars = new Set<string>();
  const text = foldCase(markdownToText(body));
  for (const run of splitRuns(text)) {
    if (run.kind !== "latin") continue;
    words.add(run.text);
    if (run.text.length > 1) counts.set(run.text, (counts.get(run.text) ?? 0) + 1);
  }
  // One call over the whole text: a call per run costs twice as much.
  let singles = "";
  const pairs = new Set<string>();
  const flush = () => {
    if (singles.length > 1)
      for (const b of bigrams(singles)) {
        words.add(b);
        if (!mayBeName(b)) continue;
        pairs.add(b);
        counts.set(b, (counts.get(b) ?? 0) + 1);
      }
    singles = "";
  };
  for (const w of segmenter().cutForSearch(text, false)) {
    if (!isHan(w)) {
      flush();
    } else if (w.length === 1) {
      singles += w;
      chars.add(w);
    } else {
      flush();
      words.add(w);
      counts.set(w, (counts.get(w) ?? 0) + 1);
      for (const c of w) chars.add(c);
    }
  }
  flush();
  return { words: simplified(words), keys: simplified(new Set(keyWords(counts, pairs))), chars: simplified(chars) };
}

const HAN = /^\p{Script=Han}/u;

/** Whether a word starts with a Han character; most do, and the common block is checked without the regex. */
function isHan(word: string): boolean {
  const c = word.charCodeAt(0);
  return (c >= 0x4e00 && c <= 0x9fff) || HAN.test(word);
}

/** Conversions already made: an archive's vocabulary repeats from article to article. */
const converted = new Map<string, string>();
const MAX_CONVERTED = 500_000;

/**
 * Distinct terms in Simplified Chinese. The conversion is the costly part
 * of indexing a body, so only terms not seen before are converted, in one
 * call (a call per term costs more than the conversion itself).
 */
function simplified(terms: Set<string>): string[] {
  const fresh: string[] = [];
  for (const t of terms) if (!converted.has(t)) fresh.push(t);
  if (fresh.length > 0) {
    if (converted.size + fresh.length > MAX_CONVERTED) converted.clear();
    const out = normalize(fresh.join(" ")).split(" ");
    // The conversion maps words to words, never across a space; be safe if it ever does not.
    if (out.length === fresh.length) fresh.forEach((t, i) => converted.set(t, out[i]!));
    else for (const t of fresh) converted.set(t, normalize(t));
  }
  const out = new Set<string>();
  for (const t of terms) {
    const s = converted.get(t) ?? normalize(t);
    if (s) out.add(s);
  }
  return [...out];
}

function unique(tokens: string[]): string[] {
  return [...new Set(tokens)];
}

function joined(tokens: string[]): string {
  return unique(tokens).join(" ");
}
