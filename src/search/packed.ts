import { FIELDS, type DocTerms } from "./terms.ts";

/**
 * The search index in a compact, persistable form: a sorted dictionary of
 * terms in one string, and for every term and field the documents that
 * contain it as varint-encoded gaps in one byte array. At 10,000 real
 * articles (every word of every body) it holds ~15 million postings in
 * ~25 MB; it is written to disk as is and read back without parsing, and
 * a term's documents are decoded only when a query asks for it.
 */
export interface PackedIndex {
  /** Article ids, by document number. */
  documentIds: string[];
  /** Terms per document and field: `fieldLength[doc * FIELDS.length + field]`. */
  fieldLength: Uint32Array;
  /** Every term, sorted (JavaScript string order), concatenated. */
  dict: string;
  /** Where term `t` starts in `dict` (UTF-16 units); `termCount + 1` entries. */
  termStart: Uint32Array;
  /** Where the postings of term `t`, field `f` start in `postings`: index `t * FIELDS.length + f`; one more entry at the end. */
  postingStart: Uint32Array;
  /** Document numbers, ascending per term and field, as varint gaps. */
  postings: Uint8Array;
}

const F = FIELDS.length;
/** Body-derived fields, where near-universal terms are dropped (see {@link IndexBuilder.finish}). */
const PRUNED_FIELDS = new Set<number>(["summary", "body", "chars"].map((f) => FIELDS.indexOf(f as (typeof FIELDS)[number])));
/** A body term in more than this share of the library says nothing about any one article. */
const MAX_DOC_SHARE = 0.2;
/** ...but small libraries keep everything: there a share of 20% is a handful of articles. */
const MIN_PRUNED_DF = 500;

/** Number of terms of a packed index. */
export function termCount(index: PackedIndex): number {
  return index.termStart.length - 1;
}

/** Term number `t`'s text. */
export function termAt(index: PackedIndex, t: number): string {
  return index.dict.slice(index.termStart[t]!, index.termStart[t + 1]!);
}

/** Position of `term` in the dictionary, or of where it would go (negative: -(insertion point) - 1). */
export function findTerm(index: PackedIndex, term: string): number {
  let lo = 0;
  let hi = termCount(index) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const t = termAt(index, mid);
    if (t < term) lo = mid + 1;
    else if (t > term) hi = mid - 1;
    else return mid;
  }
  return -lo - 1;
}

/** The documents of term `t` in field `f`, ascending. */
export function postingsOf(index: PackedIndex, t: number, f: number): number[] {
  const out: number[] = [];
  const bytes = index.postings;
  const end = index.postingStart[t * F + f + 1]!;
  let doc = 0;
  for (let i = index.postingStart[t * F + f]!; i < end; ) {
    let gap = 0;
    let shift = 0;
    let b: number;
    do {
      b = bytes[i++]!;
      gap += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    doc += gap;
    out.push(doc);
  }
  return out;
}

/**
 * Collects postings document by document, then packs them. Postings are
 * kept as (term × field, document) pairs in typed arrays rather than an
 * array per term: a tenth of the memory and no garbage per posting.
 */
export class IndexBuilder {
  private readonly termIds = new Map<string, number>();
  private terms: string[] = [];
  private keys = new Uint32Array(1 << 16);
  private docs = new Uint32Array(1 << 16);
  private length = 0;
  private readonly ids: string[] = [];
  private lengths: number[] = [];

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

  /**
   * Pack what was added. Terms found in the summaries or bodies of more
   * than 20% of a large library are dropped from those fields (titles keep
   * them): their BM25 weight is near zero, yet scoring their postings cost
   * tens of milliseconds per query at 10,000 articles.
   */
  finish(): PackedIndex {
    const n = this.ids.length;
    const order = this.terms.map((_, i) => i).sort((a, b) => (this.terms[a]! < this.terms[b]! ? -1 : 1));
    const rank = new Uint32Array(this.terms.length);
    order.forEach((id, r) => (rank[id] = r));
    const count = new Uint32Array(this.terms.length * F);
    for (let i = 0; i < this.length; i++) count[rank[Math.floor(this.keys[i]! / F)]! * F + (this.keys[i]! % F)]!++;
    const limit = Math.max(MIN_PRUNED_DF, n * MAX_DOC_SHARE);
    for (let k = 0; k < count.length; k++) if (PRUNED_FIELDS.has(k % F) && count[k]! > limit) count[k] = 0;
    // Terms left with no postings at all leave the dictionary.
    const kept: number[] = [];
    for (let r = 0; r < order.length; r++) {
      let any = false;
      for (let f = 0; f < F && !any; f++) any = count[r * F + f]! > 0;
      if (any) kept.push(r);
    }
    const newRank = new Int32Array(order.length).fill(-1);
    kept.forEach((r, i) => (newRank[r] = i));
    const start = new Uint32Array(kept.length * F + 1);
    kept.forEach((r, i) => {
      for (let f = 0; f < F; f++) start[i * F + f + 1] = count[r * F + f]!;
    });
    for (let k = 1; k < start.length; k++) start[k]! += start[k - 1]!;
    const sorted = new Uint32Array(start[start.length - 1]!);
    const fill = start.slice(0, -1);
    for (let i = 0; i < this.length; i++) {
      const r = rank[Math.floor(this.keys[i]! / F)]!;
      const f = this.keys[i]! % F;
      if (count[r * F + f] === 0) continue;
      sorted[fill[newRank[r]! * F + f]!++] = this.docs[i]!;
    }
    const encoded = encodePostings(sorted, start);
    const dictTerms = kept.map((r) => this.terms[order[r]!]!);
    const termStart = new Uint32Array(dictTerms.length + 1);
    dictTerms.forEach((t, i) => (termStart[i + 1] = termStart[i]! + t.length));
    return {
      documentIds: this.ids,
      fieldLength: Uint32Array.from(this.lengths),
      dict: dictTerms.join(""),
      termStart,
      postingStart: encoded.start,
      postings: encoded.bytes,
    };
  }
}

/** Varint gaps of each (term, field) list; documents are ascending within a list (they were added in order). */
function encodePostings(sorted: Uint32Array, start: Uint32Array): { bytes: Uint8Array; start: Uint32Array } {
  let bytes = new Uint8Array(Math.max(16, sorted.length * 2));
  const out = new Uint32Array(start.length);
  let at = 0;
  for (let k = 0; k + 1 < start.length; k++) {
    out[k] = at;
    let previous = 0;
    for (let i = start[k]!; i < start[k + 1]!; i++) {
      if (at + 5 > bytes.length) bytes = grow(bytes);
      let gap = sorted[i]! - previous;
      previous = sorted[i]!;
      while (gap >= 0x80) {
        bytes[at++] = (gap & 0x7f) | 0x80;
        gap = Math.floor(gap / 128);
      }
      bytes[at++] = gap;
    }
  }
  out[start.length - 1] = at;
  return { bytes: bytes.slice(0, at), start: out };
}

function grow<T extends Uint8Array | Uint32Array>(a: T, atLeast = 0): T {
  const bigger = new (a.constructor as new (n: number) => T)(Math.max(a.length * 2, atLeast * 2));
  bigger.set(a);
  return bigger;
}

/**
 * The index of `old`'s documents that `keep` accepts (in their order)
 * followed by `added`'s, without unpacking `old`: its postings are copied
 * byte for byte where no document was removed, and only the terms of the
 * added documents are decoded. This is how a reload after a few new or
 * changed files avoids re-indexing the archive. Body terms that cross the
 * pruning share are only dropped by the next full build.
 */
export function mergeIndex(old: PackedIndex, keep: (id: string) => boolean, added: PackedIndex): PackedIndex {
  const renumber = new Int32Array(old.documentIds.length);
  const documentIds: string[] = [];
  old.documentIds.forEach((id, d) => (renumber[d] = keep(id) ? documentIds.push(id) - 1 : -1));
  const identity = documentIds.length === old.documentIds.length;
  const base = documentIds.length;
  documentIds.push(...added.documentIds);
  const fieldLength = new Uint32Array(documentIds.length * F);
  renumber.forEach((to, d) => to >= 0 && fieldLength.set(old.fieldLength.subarray(d * F, d * F + F), to * F));
  fieldLength.set(added.fieldLength, base * F);

  let bytes = new Uint8Array(old.postings.length + added.postings.length * 2 + 1024);
  let at = 0;
  const write = (value: number) => {
    if (at + 5 > bytes.length) bytes = grow(bytes);
    while (value >= 0x80) {
      bytes[at++] = (value & 0x7f) | 0x80;
      value = Math.floor(value / 128);
    }
    bytes[at++] = value;
  };
  const dict: string[] = [];
  const termStart: number[] = [0];
  const postingStart: number[] = [];
  const emit = (term: string, t: number | undefined, u: number | undefined) => {
    const mark = at;
    const starts: number[] = [];
    for (let f = 0; f < F; f++) {
      starts.push(at);
      let last = 0;
      if (t !== undefined) {
        const from = old.postingStart[t * F + f]!;
        const to = old.postingStart[t * F + f + 1]!;
        if (identity && from < to) {
          if (at + (to - from) > bytes.length) bytes = grow(bytes, at + (to - from));
          bytes.set(old.postings.subarray(from, to), at);
          at += to - from;
          if (u !== undefined) last = postingsOf(old, t, f).at(-1)!;
        } else if (from < to) {
          for (const doc of postingsOf(old, t, f)) {
            const moved = renumber[doc]!;
            if (moved >= 0) (write(moved - last), (last = moved));
          }
        }
      }
      if (u !== undefined) for (const doc of postingsOf(added, u, f)) (write(base + doc - last), (last = base + doc));
    }
    if (at === mark) return; // every document of this term was removed
    dict.push(term);
    termStart.push(termStart.at(-1)! + term.length);
    postingStart.push(...starts);
  };
  const oldCount = termCount(old);
  const addedCount = termCount(added);
  for (let i = 0, j = 0; i < oldCount || j < addedCount; ) {
    const a = i < oldCount ? termAt(old, i) : undefined;
    const b = j < addedCount ? termAt(added, j) : undefined;
    if (b === undefined || (a !== undefined && a < b)) emit(a!, i++, undefined);
    else if (a === undefined || b < a) emit(b, undefined, j++);
    else emit(a, i++, j++);
  }
  postingStart.push(at);
  return {
    documentIds,
    fieldLength,
    dict: dict.join(""),
    termStart: Uint32Array.from(termStart),
    postingStart: Uint32Array.from(postingStart),
    postings: bytes.slice(0, at),
  };
}

/** Pack documents' terms in one go. */
export function packIndex(docs: Iterable<{ id: string; terms: DocTerms }>): PackedIndex {
  const builder = new IndexBuilder();
  for (const d of docs) builder.add(d.id, d.terms);
  return builder.finish();
}

const MAGIC = 0x31584241; // "ABX1" little-endian
const HEADER_ALIGN = 4;

/** The bytes of a packed index on disk, with a header describing it (and anything the caller adds, e.g. a fingerprint). */
export function serializeIndex(index: PackedIndex, extra: Record<string, unknown>): Buffer {
  const dict = Buffer.from(index.dict, "utf8");
  const header = Buffer.from(
    JSON.stringify({
      ...extra,
      documentIds: index.documentIds,
      terms: termCount(index),
      fieldLength: index.fieldLength.length,
      postingStart: index.postingStart.length,
      dictBytes: dict.length,
      postingBytes: index.postings.length,
    }),
  );
  const headerPadded = Math.ceil((8 + header.length) / HEADER_ALIGN) * HEADER_ALIGN;
  const prefix = Buffer.alloc(headerPadded);
  prefix.writeUInt32LE(MAGIC, 0);
  prefix.writeUInt32LE(header.length, 4);
  header.copy(prefix, 8);
  const u32 = (a: Uint32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  return Buffer.concat([prefix, u32(index.fieldLength), u32(index.termStart), u32(index.postingStart), dict, Buffer.from(index.postings.buffer, index.postings.byteOffset, index.postings.byteLength)]);
}

/** Read back {@link serializeIndex}'s bytes (no copy of the postings); undefined when they are not a packed index. */
export function deserializeIndex(bytes: Buffer): { index: PackedIndex; extra: Record<string, unknown> } | undefined {
  if (bytes.length < 8 || bytes.readUInt32LE(0) !== MAGIC) return undefined;
  const headerLength = bytes.readUInt32LE(4);
  const header = JSON.parse(bytes.toString("utf8", 8, 8 + headerLength)) as Record<string, unknown> & {
    documentIds: string[];
    terms: number;
    fieldLength: number;
    postingStart: number;
    dictBytes: number;
    postingBytes: number;
  };
  // Typed arrays need aligned offsets: copy once if the buffer is not aligned.
  const buf = bytes.byteOffset % 4 === 0 ? bytes : Buffer.from(bytes);
  let at = Math.ceil((8 + headerLength) / HEADER_ALIGN) * HEADER_ALIGN;
  const u32 = (n: number) => {
    const a = new Uint32Array(buf.buffer, buf.byteOffset + at, n);
    at += n * 4;
    return a;
  };
  const fieldLength = u32(header.fieldLength);
  const termStart = u32(header.terms + 1);
  const postingStart = u32(header.postingStart);
  const dict = buf.toString("utf8", at, at + header.dictBytes);
  at += header.dictBytes;
  const postings = new Uint8Array(buf.buffer, buf.byteOffset + at, header.postingBytes);
  if (at + header.postingBytes !== buf.length || termStart[header.terms] !== dict.length) return undefined;
  const { documentIds, terms: _t, fieldLength: _f, postingStart: _p, dictBytes: _d, postingBytes: _b, ...extra } = header;
  return { index: { documentIds, fieldLength, dict, termStart, postingStart, postings }, extra };
}
