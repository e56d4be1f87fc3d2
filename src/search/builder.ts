import { encodePostings, grow, putVarint, type PackedIndex } from "./packed.ts";
import { FIELDS, type DocTerms } from "./terms.ts";

const F = FIELDS.length;
/** Body-derived fields, where near-universal terms are dropped (see {@link IndexBuilder.finish}). */
const PRUNED_FIELDS = new Set<number>(
  ["summary", "body", "keys", "chars"].map((f) => FIELDS.indexOf(f as (typeof FIELDS)[number])),
);
/** A body term in more than this share of the library says nothing about any one article. */
const MAX_DOC_SHARE = 0.2;
/** ...but small libraries keep everything: there a share of 20% is a handful of articles. */
const MIN_PRUNED_DF = 500;
/**
 * Postings collected before they are packed into a segment: 32 MB of
 * (term × field, document) pairs, where packed they take ~1.2 bytes each.
 */
const SEGMENT_POSTINGS = 1 << 22;

/**
 * The packed postings of a run of consecutive documents: like a
 * {@link PackedIndex}, but each list's first document is stored whole
 * (a gap from 0), with its number of documents and its last document, so
 * that segments are joined by rewriting one varint per list.
 */
interface Segment {
  /** Sorted. */
  terms: string[];
  postingStart: Uint32Array;
  postings: Uint8Array;
  count: Uint32Array;
  last: Uint32Array;
}

/**
 * Collects postings document by document and packs them. Postings are
 * kept as (term × field, document) pairs in typed arrays rather than an
 * array per term (a tenth of the memory, no garbage per posting), and
 * every ~4 million of them are packed into a segment with a vocabulary of
 * its own, so memory grows with the packed size (~1.2 bytes a posting),
 * not with 8 bytes a posting plus every term string ever seen: 100,000
 * articles with full bodies hold some 100 million postings.
 */
export class IndexBuilder {
  private termIds = new Map<string, number>();
  private terms: string[] = [];
  private keys = new Uint32Array(1 << 16);
  private docs = new Uint32Array(1 << 16);
  private length = 0;
  private readonly ids: string[] = [];
  private readonly lengths: number[] = [];
  private readonly segments: Segment[] = [];

  /** @param segmentPostings postings per segment (tests make it small). */
  constructor(private readonly segmentPostings = SEGMENT_POSTINGS) {}

  /** Add the next document (numbered in the order of adding). */
  add(id: string, terms: DocTerms): void {
    const doc = this.ids.length;
    this.ids.push(id);
    FIELDS.forEach((field, f) => {
      const text = terms[field];
      if (text === "") return void this.lengths.push(0);
      const list = text.split(" ");
      this.lengths.push(list.length);
      for (const term of list) this.push(this.termId(term), f, doc);
    });
    if (this.length >= this.segmentPostings) this.flush();
  }

  private termId(term: string): number {
    let id = this.termIds.get(term);
    if (id === undefined) {
      id = this.terms.push(term) - 1;
      this.termIds.set(term, id);
    }
    return id;
  }

  private push(term: number, field: number, doc: number): void {
    if (this.length === this.keys.length) {
      this.keys = grow(this.keys);
      this.docs = grow(this.docs);
    }
    this.keys[this.length] = term * F + field;
    this.docs[this.length++] = doc;
  }

  /** Pack the postings collected since the last segment into a new one, and start a fresh vocabulary. */
  private flush(): void {
    if (this.length === 0) return;
    const order = this.terms.map((_, i) => i).sort((a, b) => (this.terms[a]! < this.terms[b]! ? -1 : 1));
    const rank = new Uint32Array(this.terms.length);
    order.forEach((id, r) => (rank[id] = r));
    const count = new Uint32Array(this.terms.length * F);
    const slot = (i: number) => rank[Math.floor(this.keys[i]! / F)]! * F + (this.keys[i]! % F);
    for (let i = 0; i < this.length; i++) count[slot(i)]!++;
    const start = new Uint32Array(count.length + 1);
    for (let k = 0; k < count.length; k++) start[k + 1] = start[k]! + count[k]!;
    const sorted = new Uint32Array(this.length);
    const fill = start.slice(0, -1);
    for (let i = 0; i < this.length; i++) sorted[fill[slot(i)]!++] = this.docs[i]!;
    const last = new Uint32Array(count.length);
    for (let k = 0; k < count.length; k++) if (count[k]! > 0) last[k] = sorted[start[k + 1]! - 1]!;
    const encoded = encodePostings(sorted, start);
    this.segments.push({
      terms: order.map((id) => this.terms[id]!),
      postingStart: encoded.start,
      postings: encoded.bytes,
      count,
      last,
    });
    this.termIds = new Map();
    this.terms = [];
    this.length = 0;
  }

  /**
   * Pack what was added: the segments' dictionaries merged in order, each
   * list the segments' lists one after the other. Terms found in the
   * summaries or bodies of more than 20% of a large library are dropped
   * from those fields (titles keep them): their BM25 weight is near zero,
   * yet scoring their postings cost tens of milliseconds per query at
   * 10,000 articles.
   */
  finish(): PackedIndex {
    this.flush();
    const segments = this.segments;
    const limit = Math.max(MIN_PRUNED_DF, this.ids.length * MAX_DOC_SHARE);
    // Joining lists only shortens their first gaps, and pruning only drops lists: the inputs' size is enough.
    const bytes = new Uint8Array(segments.reduce((sum, s) => sum + s.postings.length, 0));
    let at = 0;
    const write = (value: number) => {
      at = putVarint(bytes, at, value);
    };
    const dict: string[] = [];
    const termStart: number[] = [0];
    const postingStart: number[] = [];
    const next = new Array<number>(segments.length).fill(0);
    const holders: number[] = [];
    for (;;) {
      let term: string | undefined;
      for (let s = 0; s < segments.length; s++) {
        const t = segments[s]!.terms[next[s]!];
        if (t !== undefined && (term === undefined || t < term)) term = t;
      }
      if (term === undefined) break;
      holders.length = 0;
      for (let s = 0; s < segments.length; s++) if (segments[s]!.terms[next[s]!] === term) holders.push(s);
      const starts: number[] = [];
      for (let f = 0; f < F; f++) {
        starts.push(at);
        let df = 0;
        for (const s of holders) df += segments[s]!.count[next[s]! * F + f]!;
        if (PRUNED_FIELDS.has(f) && df > limit) continue;
        let last = 0;
        for (const s of holders) {
          const segment = segments[s]!;
          const k = next[s]! * F + f;
          let i = segment.postingStart[k]!;
          const end = segment.postingStart[k + 1]!;
          if (i === end) continue;
          // The list's first document, stored whole, becomes a gap from the previous segment's last.
          let first = 0;
          let b: number;
          let shift = 0;
          do {
            b = segment.postings[i++]!;
            first += (b & 0x7f) * 2 ** shift;
            shift += 7;
          } while (b & 0x80);
          write(first - last);
          bytes.set(segment.postings.subarray(i, end), at);
          at += end - i;
          last = segment.last[k]!;
        }
      }
      for (const s of holders) next[s]!++;
      if (at === starts[0]) continue; // every list of this term was pruned
      dict.push(term);
      termStart.push(termStart.at(-1)! + term.length);
      postingStart.push(...starts);
    }
    postingStart.push(at);
    return {
      documentIds: this.ids,
      fieldLength: Uint32Array.from(this.lengths),
      dict: dict.join(""),
      termStart: Uint32Array.from(termStart),
      postingStart: Uint32Array.from(postingStart),
      postings: bytes.slice(0, at),
    };
  }
}

/** Pack documents' terms in one go. */
export function packIndex(docs: Iterable<{ id: string; terms: DocTerms }>): PackedIndex {
  const builder = new IndexBuilder();
  for (const d of docs) builder.add(d.id, d.terms);
  return builder.finish();
}
