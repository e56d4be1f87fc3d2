import type { ParsedQuery } from "./query.ts";

/**
 * How much of the query a hit covers, 0..1: each query word counts with
 * its weight (rare words more than common ones) times the square of the
 * share of its characters that matched tokens cover, so 世界 does not
 * half-answer 世界杯. A Latin word counts whole when it matched (exactly,
 * by prefix or fuzzily).
 */
export function coverage(query: Pick<ParsedQuery, "phrases" | "words">, matched: string[]): number {
  const shares = wordShares(query, matched);
  let total = 0;
  let got = 0;
  query.words.forEach((w, i) => {
    total += w.weight;
    got += w.weight * shares[i]! ** 2;
  });
  return total === 0 ? 0 : got / total;
}

/** For each query word, the share of its characters inside occurrences of matched tokens, 0..1. */
export function wordShares(query: Pick<ParsedQuery, "phrases" | "words">, matched: string[]): number[] {
  const covered = query.phrases.map((phrase) => coveredChars(phrase, matched));
  return query.words.map(
    (w) => covered[w.phrase]!.slice(w.start, w.start + w.length).filter(Boolean).length / w.length,
  );
}

/** For each character of a phrase: is it inside an occurrence of a matched token? */
function coveredChars(phrase: string, matched: string[]): boolean[] {
  const chars = [...phrase];
  const hit = new Array<boolean>(chars.length).fill(false);
  for (const token of matched) {
    const len = [...token].length;
    for (let i = phrase.indexOf(token); i >= 0; i = phrase.indexOf(token, i + 1)) {
      const start = [...phrase.slice(0, i)].length;
      hit.fill(true, start, start + len);
    }
  }
  return hit;
}
