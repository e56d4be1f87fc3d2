const SPACE = 0x20;
const NEWLINE = 0x0a;

/**
 * A word → weight table in jieba's `idf.txt` format (one `word weight`
 * per line, 270k lines, 6 MB), looked up without parsing it first.
 *
 * Parsing the whole table (jieba's own TfIdf, or a Map) costs 145–210 ms:
 * more than everything else a start from the persisted index does with
 * 10k articles, for a one-shot `search` that looks up three words. So the
 * first lookups scan the raw bytes for `\n<word> ` (1–3 ms each, memoised);
 * once a process has asked for `indexAfter` different words it is clearly
 * serving queries, and the line starts are hashed once (~70 ms) so every
 * later lookup is a probe. Both paths read the same first matching line,
 * so they always agree.
 */
export class WordWeights {
  private readonly memo = new Map<string, number | undefined>();
  private slots?: Int32Array;
  private readonly table: Buffer;

  constructor(
    table: Uint8Array,
    private readonly indexAfter = 32,
  ) {
    this.table = Buffer.from(table.buffer, table.byteOffset, table.byteLength);
  }

  /** The word's weight, or undefined when the table does not list it. */
  get(word: string): number | undefined {
    // A space or newline would match across fields; such a string is never a listed word.
    if (word === "" || word.includes(" ") || word.includes("\n")) return undefined;
    const key = Buffer.from(word);
    if (this.slots) return this.probe(key);
    if (this.memo.has(word)) return this.memo.get(word);
    const weight = this.scan(key);
    this.memo.set(word, weight);
    if (this.memo.size >= this.indexAfter) {
      this.slots = hashLines(this.table);
      this.memo.clear();
    }
    return weight;
  }

  /** Linear search: the first line that starts with `<word> `. */
  private scan(key: Buffer): number | undefined {
    if (this.lineIs(0, key)) return this.valueAt(0, key);
    const needle = Buffer.concat([Buffer.of(NEWLINE), key, Buffer.of(SPACE)]);
    const at = this.table.indexOf(needle);
    return at < 0 ? undefined : this.valueAt(at + 1, key);
  }

  /** Hash lookup; linear probing keeps equal words in line order, so the first line wins as in `scan`. */
  private probe(key: Buffer): number | undefined {
    const slots = this.slots!;
    const mask = slots.length - 1;
    for (let s = fnv1a(key, 0, key.length) & mask; slots[s] !== -1; s = (s + 1) & mask) {
      if (this.lineIs(slots[s]!, key)) return this.valueAt(slots[s]!, key);
    }
    return undefined;
  }

  private lineIs(start: number, key: Buffer): boolean {
    const end = start + key.length;
    return (
      end < this.table.length && this.table[end] === SPACE && this.table.compare(key, 0, key.length, start, end) === 0
    );
  }

  private valueAt(start: number, key: Buffer): number | undefined {
    const from = start + key.length + 1;
    const newline = this.table.indexOf(NEWLINE, from);
    const value = Number(this.table.toString("latin1", from, newline < 0 ? this.table.length : newline).trim());
    return Number.isFinite(value) ? value : undefined;
  }
}

/** Open-addressing table of line starts, keyed by the FNV-1a hash of each line's word; -1 marks a free slot. */
function hashLines(table: Buffer): Int32Array {
  let lines = 1;
  for (let i = table.indexOf(NEWLINE); i >= 0; i = table.indexOf(NEWLINE, i + 1)) lines++;
  const slots = new Int32Array(2 ** Math.ceil(Math.log2(lines * 2))).fill(-1);
  const mask = slots.length - 1;
  for (let start = 0; start < table.length; ) {
    const space = table.indexOf(SPACE, start);
    const newline = table.indexOf(NEWLINE, start);
    const end = newline < 0 ? table.length : newline;
    if (space >= 0 && space < end) {
      let s = fnv1a(table, start, space) & mask;
      while (slots[s] !== -1) s = (s + 1) & mask;
      slots[s] = start;
    }
    start = end + 1;
  }
  return slots;
}

function fnv1a(bytes: Uint8Array, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0;
}
