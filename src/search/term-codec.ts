/**
 * How Han terms are spelled inside minisearch. Its radix tree finds a
 * child by scanning a node's keys one by one; Chinese terms give the root
 * thousands of children (one per first character), which made indexing
 * and look-ups slow. Spelling each Han character as five hex nibbles in
 * the Private Use Area keeps every node at ≤ 16 children. PUA characters
 * never occur in tokens, so encoded terms cannot collide with Latin ones,
 * and a character prefix stays a term prefix.
 */
const BASE = 0xe000;
const NIBBLES = 5;
const HAN = /\p{Script=Han}/u;

/** Encode the Han characters of a token; Latin tokens are returned unchanged. */
export function encodeTerm(token: string): string {
  if (!HAN.test(token)) return token;
  let out = "";
  for (const ch of token) {
    const cp = ch.codePointAt(0)!;
    if (!HAN.test(ch)) {
      out += ch;
      continue;
    }
    for (let shift = (NIBBLES - 1) * 4; shift >= 0; shift -= 4) out += String.fromCharCode(BASE + ((cp >> shift) & 15));
  }
  return out;
}

/** Inverse of {@link encodeTerm}. */
export function decodeTerm(term: string): string {
  let out = "";
  for (let i = 0; i < term.length; ) {
    const c = term.charCodeAt(i);
    if (c < BASE || c > BASE + 15) {
      out += term[i++];
      continue;
    }
    let cp = 0;
    for (let k = 0; k < NIBBLES; k++) cp = (cp << 4) | (term.charCodeAt(i + k) - BASE);
    out += String.fromCodePoint(cp);
    i += NIBBLES;
  }
  return out;
}

const ENCODED = /[\ue000-\ue00f]/;

/**
 * True for a Latin word or number as minisearch sees it (after encoding):
 * only those may be matched by prefix or fuzzily.
 */
export function isLatinTerm(term: string): boolean {
  return !ENCODED.test(term) && !HAN.test(term);
}
