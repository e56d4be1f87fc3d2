import { DamagedFile, packSections, unpackSections } from "../util/checked-sections.ts";
import { FIELDS } from "./terms.ts";
import { messageOf } from "../util/errors.ts";

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

/** Varint gaps of each (term, field) list, the first from 0; documents are ascending within a list (they were added in order). */
export function encodePostings(sorted: Uint32Array, start: Uint32Array): { bytes: Uint8Array; start: Uint32Array } {
  let bytes = new Uint8Array(Math.max(16, sorted.length * 2));
  const out = new Uint32Array(start.length);
  let at = 0;
  for (let k = 0; k + 1 < start.length; k++) {
    out[k] = at;
    let previous = 0;
    for (let i = start[k]!; i < start[k + 1]!; i++) {
      if (at + 5 > bytes.length) bytes = grow(bytes);
      at = putVarint(bytes, at, sorted[i]! - previous);
      previous = sorted[i]!;
    }
  }
  out[start.length - 1] = at;
  return { bytes: bytes.slice(0, at), start: out };
}

/** Writes `value` as a varint at `at` (the caller leaves 5 bytes of room) and returns the offset after it. */
export function putVarint(bytes: Uint8Array, at: number, value: number): number {
  while (value >= 0x80) {
    bytes[at++] = (value & 0x7f) | 0x80;
    value = Math.floor(value / 128);
  }
  bytes[at++] = value;
  return at;
}

export function grow<T extends Uint8Array | Uint32Array>(a: T, atLeast = 0): T {
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
    at = putVarint(bytes, at, value);
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
            if (moved >= 0) write(moved - last), (last = moved);
          }
        }
      }
      if (u !== undefined) for (const doc of postingsOf(added, u, f)) write(base + doc - last), (last = base + doc);
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

const MAGIC = 0x33584241; // "ABX3" little-endian: checked sections (ABX2 had none, ABX1 stored the dictionary as UTF-8)
const EARLIER_MAGICS = [0x31584241, 0x32584241];
const SECTIONS = ["header", "fieldLength", "termStart", "postingStart", "dict", "postings"] as const;

/** The bytes of a packed index on disk, with a header describing it (and anything the caller adds, e.g. a fingerprint). */
export function serializeIndex(index: PackedIndex, extra: Record<string, unknown>): Buffer {
  const header = Buffer.from(JSON.stringify({ ...extra, documentIds: index.documentIds }));
  // UTF-16 as JavaScript holds it: reading 10,000 articles' dictionary back takes 1 ms, against 12 from UTF-8.
  const dict = Buffer.from(index.dict, "utf16le");
  const u32 = (a: Uint32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  return packSections(MAGIC, [
    header,
    u32(index.fieldLength),
    u32(index.termStart),
    u32(index.postingStart),
    dict,
    index.postings,
  ]);
}

/**
 * Read back {@link serializeIndex}'s bytes (no copy of the postings);
 * undefined when they are a packed index of an earlier format. Every
 * section's checksum, length and offsets are checked before the index is
 * used, so a damaged file cannot make a query or a merge read out of bounds.
 * @throws DamagedFile when the bytes are not a sound packed index
 */
export function deserializeIndex(bytes: Buffer): { index: PackedIndex; extra: Record<string, unknown> } | undefined {
  if (bytes.length >= 4 && EARLIER_MAGICS.includes(bytes.readUInt32LE(0))) return undefined;
  // Typed arrays need aligned offsets: copy once if the buffer is not aligned (sections start at multiples of 4).
  const buf = bytes.byteOffset % 4 === 0 ? bytes : Buffer.from(bytes);
  const [header, fieldBytes, termBytes, postingBytes, dictBytes, postings] = unpackSections(buf, MAGIC, SECTIONS) as [
    Buffer,
    Buffer,
    Buffer,
    Buffer,
    Buffer,
    Buffer,
  ];
  const { documentIds, ...extra } = parseHeader(header);
  const u32 = (name: string, b: Buffer, count: number) => {
    if (b.length !== count * 4)
      throw new DamagedFile(`${name}: ${b.length} bytes where ${count} entries take ${count * 4}`);
    return new Uint32Array(b.buffer, b.byteOffset, count);
  };
  if (dictBytes.length % 2 !== 0) throw new DamagedFile("dict: an odd number of bytes is not UTF-16");
  const dict = dictBytes.toString("utf16le");
  const fieldLength = u32("fieldLength", fieldBytes, documentIds.length * F);
  const termStart = u32("termStart", termBytes, Math.max(1, termBytes.length / 4));
  const postingStart = u32("postingStart", postingBytes, (termStart.length - 1) * F + 1);
  ascendingFromZeroTo("termStart", termStart, dict.length);
  ascendingFromZeroTo("postingStart", postingStart, postings.length);
  return {
    index: {
      documentIds,
      fieldLength,
      dict,
      termStart,
      postingStart,
      postings: new Uint8Array(postings.buffer, postings.byteOffset, postings.length),
    },
    extra,
  };
}

function parseHeader(bytes: Buffer): Record<string, unknown> & { documentIds: string[] } {
  let header: unknown;
  try {
    header = JSON.parse(bytes.toString("utf8"));
  } catch (err) {
    throw new DamagedFile(`header: ${messageOf(err)}`);
  }
  const documentIds = (header as { documentIds?: unknown })?.documentIds;
  if (!Array.isArray(documentIds) || !documentIds.every((id) => typeof id === "string"))
    throw new DamagedFile("header: no list of document ids");
  return header as Record<string, unknown> & { documentIds: string[] };
}

/** Offsets into a section of `end` units: from 0, never going back, ending at `end` — so every slice they make is inside it. */
function ascendingFromZeroTo(name: string, offsets: Uint32Array, end: number): void {
  let previous = 0;
  for (let i = 0; i < offsets.length; i++) {
    if (offsets[i]! < previous) throw new DamagedFile(`${name}: offsets go backwards at ${i}`);
    previous = offsets[i]!;
  }
  if (offsets[0] !== 0 || previous !== end)
    throw new DamagedFile(`${name}: offsets run from ${offsets[0]} to ${previous}, not from 0 to ${end}`);
}
