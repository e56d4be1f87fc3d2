import { findTerm, termAt, termCount, type PackedIndex } from "./packed.ts";
import { FIELDS } from "./terms.ts";

/** One query term and how it may match other terms of the dictionary. */
export interface ScoredTerm {
  term: string;
  /** Also match the longer terms it starts (weighted down by their extra length). */
  prefix: boolean;
  /** Also match terms within this share of its length in edits (0: none). */
  fuzzy: number;
}

/**
 * The documents a query matched, each with minisearch's score: BM25+
 * summed over terms and fields, times the number of query terms it
 * matched. `docs` lists them in minisearch's result order before sorting
 * (the order they were first met), `score[d]` and `matched` (a bit per
 * query term, `words` 32-bit words per document) are valid for those.
 */
export interface Matches {
  docs: Int32Array;
  count: number;
  score: Float64Array;
  matched: Uint32Array;
  /** Like `matched`, for the terms a document matched in a field that says what it is about (see {@link PackedScorer} `strong`). */
  strong: Uint32Array;
  words: number;
}

const F = FIELDS.length;
const BODY = FIELDS.indexOf("body");
/** minisearch's BM25+ parameters (its defaults) and its weights for prefix and fuzzy matches. */
const BM25 = { k: 1.2, b: 0.7, d: 0.5 };
const PREFIX_WEIGHT = 0.375;
const FUZZY_WEIGHT = 0.45;
const MAX_FUZZY = 6;

/**
 * minisearch's OR search, computed straight from a {@link PackedIndex}
 * into arrays indexed by document number: a query term's postings are
 * decoded into a reused buffer and its BM25+ weights added to per-document
 * accumulators, term by term, in minisearch's own order of additions. So
 * scores are equal to the last bit to what minisearch computes (checked
 * against `MiniSearch.addAll` by tests/search/scorer.test.ts), but a long
 * description matching thousands of articles costs a few passes over
 * typed arrays instead of one result object, map and term list per match
 * (which made such queries take 15–60 ms on the real 10.7k archive).
 */
export class PackedScorer {
  private readonly n: number;
  private readonly avgFieldLength: number[];
  private readonly boost: number[];
  /** Reused per query; `stamp` marks which documents the current query (or term) has touched. */
  private readonly score: Float64Array;
  private readonly termScore: Float64Array;
  private readonly seen: Uint32Array;
  private readonly termSeen: Uint32Array;
  private readonly order: Int32Array;
  private readonly termOrder: Int32Array;
  private matched = new Uint32Array(0);
  private strongMatched = new Uint32Array(0);
  /** Per document, the stamp of the last term it matched in a strong field. */
  private readonly termStrong: Uint32Array;
  private readonly strongField: boolean[];
  private postings = new Int32Array(1024);
  private stamp = 0;

  /**
   * @param strong the fields whose match says an article is about a term
   * (its title, its summary, the words its body keeps coming back to), as
   * opposed to mentioning it somewhere in its body.
   */
  constructor(
    private readonly packed: PackedIndex,
    boost: Readonly<Record<(typeof FIELDS)[number], number>>,
    strong: ReadonlyArray<(typeof FIELDS)[number]> = [],
  ) {
    const n = packed.documentIds.length;
    this.n = n;
    this.avgFieldLength = FIELDS.map((_, f) => {
      let sum = 0;
      for (let d = 0; d < n; d++) sum += packed.fieldLength[d * F + f]!;
      return n === 0 ? 0 : sum / n;
    });
    this.boost = FIELDS.map((field) => boost[field] || 1);
    this.score = new Float64Array(n);
    this.termScore = new Float64Array(n);
    this.seen = new Uint32Array(n);
    this.termSeen = new Uint32Array(n);
    this.order = new Int32Array(n);
    this.termOrder = new Int32Array(n);
    this.termStrong = new Uint32Array(n);
    this.strongField = FIELDS.map((field) => strong.includes(field));
  }

  /** Number of indexed documents. */
  get size(): number {
    return this.n;
  }

  /**
   * In how many bodies `term` occurs; a term indexed elsewhere but not in
   * bodies was dropped from them for being everywhere, and counts as in a
   * fifth of them. 0 when not indexed at all.
   */
  documentFrequency(term: string): number {
    const t = findTerm(this.packed, term);
    if (t < 0) return 0;
    const df = this.decode(t, BODY);
    return df === 0 ? Math.ceil(this.n / 5) : df;
  }

  /** How many indexed terms start with `prefix`, counted up to `atMost + 1` (cheap: no postings decoded). */
  termsStartingWith(prefix: string, atMost: number): number {
    let n = 0;
    for (let t = this.lowerBound(prefix); t < termCount(this.packed) && n <= atMost; t++, n++)
      if (!termAt(this.packed, t).startsWith(prefix)) break;
    return n;
  }

  /**
   * Every document matching any of `terms` (minisearch's `combineWith: "OR"`).
   * The returned arrays are reused by the next call.
   */
  match(terms: readonly ScoredTerm[]): Matches {
    const words = Math.max(1, Math.ceil(terms.length / 32));
    if (this.matched.length < this.n * words) {
      this.matched = new Uint32Array(this.n * words);
      this.strongMatched = new Uint32Array(this.n * words);
    }
    const query = this.nextStamp();
    let count = 0;
    terms.forEach((q, i) => {
      const term = this.nextStamp();
      const touched = this.scoreTerm(q, term);
      const bit = 1 << (i % 32);
      const word = i >> 5;
      for (let k = 0; k < touched; k++) {
        const d = this.termOrder[k]!;
        if (this.seen[d] !== query) {
          this.seen[d] = query;
          this.score[d] = this.termScore[d]!;
          this.matched.fill(0, d * words, d * words + words);
          this.strongMatched.fill(0, d * words, d * words + words);
          this.order[count++] = d;
        } else {
          this.score[d] = this.score[d]! + this.termScore[d]!;
        }
        this.matched[d * words + word]! |= bit;
        if (this.termStrong[d] === term) this.strongMatched[d * words + word]! |= bit;
      }
    });
    for (let k = 0; k < count; k++) {
      const d = this.order[k]!;
      let quality = 0;
      for (let w = 0; w < words; w++) quality += popCount(this.matched[d * words + w]!);
      this.score[d] = this.score[d]! * (quality || 1);
    }
    return { docs: this.order, count, score: this.score, matched: this.matched, strong: this.strongMatched, words };
  }

  /** One query term's score per document into `termScore`, the documents in `termOrder`; returns how many. */
  private scoreTerm(q: ScoredTerm, stamp: number): number {
    let touched = 0;
    const add = (t: number, weight: number) => {
      for (let f = 0; f < F; f++) {
        const m = this.decode(t, f);
        if (m === 0) continue;
        const idf = Math.log(1 + (this.n - m + 0.5) / (m + 0.5));
        const fieldWeight = weight * this.boost[f]!;
        const avg = this.avgFieldLength[f]!;
        const strong = this.strongField[f]!;
        for (let k = 0; k < m; k++) {
          const d = this.postings[k]!;
          if (strong) this.termStrong[d] = stamp;
          const length = this.packed.fieldLength[d * F + f]!;
          // minisearch's calcBM25Score with a term frequency of 1, multiplied in its order.
          const s =
            fieldWeight * (idf * (BM25.d + (1 * (BM25.k + 1)) / (1 + BM25.k * (1 - BM25.b + (BM25.b * length) / avg))));
          if (this.termSeen[d] !== stamp) {
            this.termSeen[d] = stamp;
            this.termScore[d] = s;
            this.termOrder[touched++] = d;
          } else {
            this.termScore[d] = this.termScore[d]! + s;
          }
        }
      }
    };
    const exact = findTerm(this.packed, q.term);
    if (exact >= 0) add(exact, 1);
    const prefixed = new Set<number>();
    if (q.prefix) {
      for (let t = this.lowerBound(q.term); t < termCount(this.packed); t++) {
        const term = termAt(this.packed, t);
        if (!term.startsWith(q.term)) break;
        const distance = term.length - q.term.length;
        if (distance === 0) continue;
        prefixed.add(t);
        add(t, (PREFIX_WEIGHT * term.length) / (term.length + 0.3 * distance));
      }
    }
    const maxDistance = q.fuzzy > 0 ? Math.min(MAX_FUZZY, Math.round(q.term.length * q.fuzzy)) : 0;
    if (maxDistance > 0) {
      // Fuzzy candidates share the first character: fuzzy matching serves Latin words, where a typo in the first letter is rare.
      const first = q.term.slice(0, 1);
      for (let t = this.lowerBound(first); t < termCount(this.packed); t++) {
        const term = termAt(this.packed, t);
        if (!term.startsWith(first)) break;
        if (prefixed.has(t) || Math.abs(term.length - q.term.length) > maxDistance) continue;
        const distance = editDistance(q.term, term, maxDistance);
        if (distance > 0 && distance <= maxDistance) add(t, (FUZZY_WEIGHT * term.length) / (term.length + distance));
      }
    }
    return touched;
  }

  /** Decode the documents of term `t` in field `f` into `postings`; returns how many. */
  private decode(t: number, f: number): number {
    const bytes = this.packed.postings;
    const end = this.packed.postingStart[t * F + f + 1]!;
    let i = this.packed.postingStart[t * F + f]!;
    // At least one byte per document: the list fits in as many entries as it has bytes.
    if (this.postings.length < end - i) this.postings = new Int32Array(Math.max(end - i, this.postings.length * 2));
    let m = 0;
    let doc = 0;
    while (i < end) {
      let b = bytes[i++]!;
      let gap = b & 0x7f;
      for (let shift = 7; b & 0x80; shift += 7) {
        b = bytes[i++]!;
        gap += (b & 0x7f) * 2 ** shift;
      }
      doc += gap;
      this.postings[m++] = doc;
    }
    return m;
  }

  private lowerBound(term: string): number {
    const t = findTerm(this.packed, term);
    return t >= 0 ? t : -t - 1;
  }

  private nextStamp(): number {
    if (this.stamp === 0xffffffff) {
      this.seen.fill(0);
      this.termSeen.fill(0);
      this.termStrong.fill(0);
      this.stamp = 0;
    }
    return ++this.stamp;
  }
}

function popCount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Levenshtein distance, or `max + 1` as soon as it must exceed `max`. */
function editDistance(a: string, b: string, max: number): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      best = Math.min(best, row[j]!);
    }
    if (best > max) return max + 1;
    previous = row;
  }
  return previous[b.length]!;
}
