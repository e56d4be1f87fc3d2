import * as OpenCC from "opencc-js/t2cn";
import { segmenter } from "./segmenter.ts";

/**
 * A maximal run of one script in normalised text: `cjk` runs are Han
 * characters, `latin` runs are letters/digits of other scripts (words, numbers).
 */
export interface Run {
  kind: "cjk" | "latin";
  text: string;
}

const RUN = /(\p{Script=Han}+)|([[\p{L}\p{N}]--\p{Script=Han}]+(?:[.'’+#\-][[\p{L}\p{N}]--\p{Script=Han}]+)*)/gv;

let toSimplified: ((text: string) => string) | undefined;

/**
 * Normalise text for matching: compatibility forms (full-width letters,
 * ligatures) folded by NFKC, lower-cased, and Traditional Chinese
 * converted to Simplified, so 獨一無二 finds 独一无二: Taiwan's characters
 * and words (計程車 → 出租车, 軟體 → 软件) and then Hong Kong's variant
 * characters (衞 → 卫). A few Taiwan words are also written in Simplified
 * (影片 → 视频); documents and queries go through the same conversion,
 * so they still meet.
 */
export function normalize(text: string): string {
  const convert = (toSimplified ??= chain(
    OpenCC.Converter({ from: "twp", to: "cn" }),
    OpenCC.Converter({ from: "hk", to: "cn" }),
  ));
  return convert(foldCase(text));
}

function chain(first: (s: string) => string, second: (s: string) => string): (s: string) => string {
  return (s) => second(first(s));
}

/** NFKC and lower case only: enough for Latin words, and much cheaper on long texts. */
export function foldCase(text: string): string {
  return text.normalize("NFKC").toLowerCase();
}

/** Split normalised text into Han runs and Latin/number words; drops punctuation and emoji. */
export function splitRuns(text: string): Run[] {
  const runs: Run[] = [];
  for (const m of text.matchAll(RUN)) {
    if (m[1]) runs.push({ kind: "cjk", text: m[1] });
    else if (m[2]) runs.push({ kind: "latin", text: m[2] });
  }
  return runs;
}

/** Overlapping character pairs of a Han run: 照相机 → 照相, 相机. */
export function bigrams(run: string): string[] {
  const chars = [...run];
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
  return out;
}

/** Options for {@link tokenize}. */
export interface TokenizeOptions {
  /** Also emit single Han characters (cheap for short fields like titles). */
  unigrams?: boolean;
  /** Also emit jieba's words (search mode) for Han runs. */
  words?: boolean;
}

/**
 * Terms of running text (summaries): jieba words and the bigrams inside
 * each word, but not the bigrams that straddle two words (机和, 和绘),
 * which match nothing a person types and bloat the index.
 */
export function tokenizeProse(text: string): string[] {
  const tokens: string[] = [];
  for (const run of splitRuns(normalize(text))) {
    if (run.kind === "latin") {
      tokens.push(run.text);
      continue;
    }
    for (const word of segmenter().cut(run.text, true)) {
      const len = [...word].length;
      if (len === 1) continue;
      tokens.push(...bigrams(word));
      if (len > 2) tokens.push(word);
    }
  }
  return tokens;
}

/**
 * Tokens of a text for indexing or querying: Latin words and numbers as
 * they are, and for Han runs the character bigrams (robust whatever the
 * segmentation) plus, optionally, jieba words and single characters.
 * The same function serves documents and queries, so both sides agree.
 */
export function tokenize(text: string, options: TokenizeOptions = {}): string[] {
  const tokens: string[] = [];
  for (const run of splitRuns(normalize(text))) {
    if (run.kind === "latin") {
      tokens.push(run.text);
      continue;
    }
    const chars = [...run.text];
    if (chars.length === 1 || options.unigrams) tokens.push(...chars);
    if (chars.length > 1) tokens.push(...bigrams(run.text));
    if (options.words && chars.length > 2) {
      for (const w of segmenter().cutForSearch(run.text, true)) if ([...w].length > 2) tokens.push(w);
    }
  }
  return tokens;
}

/** True for a token of Latin letters or digits, which may be matched by prefix or fuzzily. */
export function isLatinToken(token: string): boolean {
  return !/\p{Script=Han}/u.test(token);
}
