import MiniSearch, { type Options } from "minisearch";
import { findTerm, postingsOf, termAt, termCount, type PackedIndex } from "./packed.ts";
import { FIELDS, type DocTerms } from "./terms.ts";

/** A document as the index sees it: an id and its terms. */
export interface IndexedDoc {
  id: string;
  terms: DocTerms;
}

/** minisearch options shared by building and querying. */
export function miniSearchOptions(): Options<IndexedDoc> {
  return {
    fields: [...FIELDS],
    storeFields: [],
    // Documents arrive already tokenised (see terms.ts); terms never contain spaces.
    extractField: (doc, field) => (field === "id" ? doc.id : doc.terms[field as keyof DocTerms]),
    tokenize: (text) => text.split(" ").filter(Boolean),
    processTerm: (term) => term,
  };
}

/**
 * minisearch searching a {@link PackedIndex}, filled through its protected
 * state, the documented way to extend it. Its term index (a radix tree of
 * Maps, which at 10,000 real articles took seconds to fill and hundreds of
 * MB) is replaced by a {@link TermTable} over the packed dictionary, so
 * loading costs next to nothing and a term's documents are decoded when a
 * query asks for them. Document ids are document numbers. Scores are
 * minisearch's own (checked by tests against `addAll`).
 */
export class PackedMiniSearch extends MiniSearch<IndexedDoc> {
  static from(packed: PackedIndex): PackedMiniSearch {
    const mini = new PackedMiniSearch(miniSearchOptions());
    const n = packed.documentIds.length;
    const F = FIELDS.length;
    mini._documentCount = n;
    mini._nextId = n;
    mini._documentIds = new DocumentNumbers(n) as unknown as Map<number, string>;
    mini._fieldLength = new FieldLengths(packed.fieldLength, n) as unknown as Map<number, number[]>;
    mini._avgFieldLength = FIELDS.map((_, f) => {
      let sum = 0;
      for (let d = 0; d < n; d++) sum += packed.fieldLength[d * F + f]!;
      return n === 0 ? 0 : sum / n;
    });
    mini._index = new TermTable(packed) as unknown as MiniSearch<IndexedDoc>["_index"];
    return mini;
  }

  /** How many indexed terms start with `prefix`, counted up to `atMost + 1` (cheap: no postings decoded). */
  termsStartingWith(prefix: string, atMost: number): number {
    return (this._index as unknown as TermTable).countPrefix(prefix, atMost + 1);
  }
}

/** Document numbers 0..n-1, each its own id (what minisearch asks of `_documentIds` while searching). */
class DocumentNumbers {
  constructor(private readonly n: number) {}
  has(id: number): boolean {
    return id >= 0 && id < this.n;
  }
  get(id: number): number | undefined {
    return this.has(id) ? id : undefined;
  }
  get size(): number {
    return this.n;
  }
}

/** Per document, its number of terms in each field (rows of the packed table). */
class FieldLengths {
  private readonly rows: Uint32Array[];
  constructor(table: Uint32Array, n: number) {
    this.rows = Array.from({ length: n }, (_, d) => table.subarray(d * FIELDS.length, (d + 1) * FIELDS.length));
  }
  get(id: number): Uint32Array | undefined {
    return this.rows[id];
  }
}

/** What minisearch keeps per term: for each field number, the documents (with term frequency 1). */
type TermData = Map<number, PostingList>;

/**
 * The term index as minisearch's search reads it: exact look-up (`get`),
 * terms by prefix (`atPrefix`) and within an edit distance (`fuzzyGet`).
 * All three work on the sorted packed dictionary: a prefix is a range of
 * it, and fuzzy candidates are the terms sharing the first character
 * (fuzzy matching serves Latin words, where a typo in the first letter is
 * rare). The index is never mutated: a reload builds a new one.
 */
class TermTable {
  constructor(private readonly packed: PackedIndex) {}

  get size(): number {
    return termCount(this.packed);
  }

  has(term: string): boolean {
    return findTerm(this.packed, term) >= 0;
  }

  get(term: string): TermData | undefined {
    const t = findTerm(this.packed, term);
    return t >= 0 ? this.data(t) : undefined;
  }

  atPrefix(prefix: string): Array<[string, TermData]> {
    const out: Array<[string, TermData]> = [];
    for (let t = this.lowerBound(prefix); t < this.size; t++) {
      const term = termAt(this.packed, t);
      if (!term.startsWith(prefix)) break;
      out.push([term, this.data(t)]);
    }
    return out;
  }

  countPrefix(prefix: string, limit: number): number {
    let n = 0;
    for (let t = this.lowerBound(prefix); t < this.size && n < limit; t++, n++) if (!termAt(this.packed, t).startsWith(prefix)) break;
    return n;
  }

  fuzzyGet(term: string, maxDistance: number): Map<string, [TermData, number]> {
    const out = new Map<string, [TermData, number]>();
    const first = term.slice(0, 1);
    for (let t = this.lowerBound(first); t < this.size; t++) {
      const candidate = termAt(this.packed, t);
      if (!candidate.startsWith(first)) break;
      if (Math.abs(candidate.length - term.length) > maxDistance) continue;
      const distance = editDistance(term, candidate, maxDistance);
      if (distance <= maxDistance) out.set(candidate, [this.data(t), distance]);
    }
    return out;
  }

  private lowerBound(term: string): number {
    const t = findTerm(this.packed, term);
    return t >= 0 ? t : -t - 1;
  }

  private data(t: number): TermData {
    const data: TermData = new Map();
    for (let f = 0; f < FIELDS.length; f++) {
      const docs = postingsOf(this.packed, t, f);
      if (docs.length > 0) data.set(f, new PostingList(docs));
    }
    return data;
  }
}

/**
 * The documents of one term in one field, in the shape minisearch's search
 * reads (`size`, `keys()`, and `get(id)` for ids from `keys()`): the term
 * frequency, always 1 because terms are unique per field.
 */
class PostingList {
  constructor(private readonly ids: readonly number[]) {}

  get size(): number {
    return this.ids.length;
  }

  keys(): IterableIterator<number> {
    return this.ids.values();
  }

  get(_id: number): number {
    return 1;
  }
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
