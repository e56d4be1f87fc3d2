/**
 * Callback data of the paging buttons. Telegram allows 64 bytes of
 * callback data, and Chinese queries take 3 bytes a character, so a query
 * that does not fit is kept in a bounded in-memory map under a short id.
 * After a restart (or once evicted) such a button reports "expired".
 */

/** What a paging button asks for. */
export interface PageRequest {
  query: string;
  offset: number;
}

const MAX_DATA_BYTES = 64;
/** Data of a button whose query is inside: `q:<offset>:<query>`. */
const INLINE = "q";
/** Data of a button whose query is in the map: `k:<offset>:<id>`. */
const KEPT = "k";

/** Encodes paging requests into callback data and back. */
export class Pager {
  private readonly kept = new Map<string, string>();
  private readonly ids = new Map<string, string>();
  private nextId = 0;
  /** Ids start with a per-process tag, so a button from before a restart reads as expired, not as another query. */
  private readonly tag = Math.floor(Math.random() * 36 ** 4).toString(36).padStart(4, "0");

  /** @param capacity queries kept at once; the oldest are forgotten first */
  constructor(private readonly capacity = 5000) {}

  /** Callback data (≤ 64 bytes) for the page of `query` starting at `offset`. */
  data(query: string, offset: number): string {
    const inline = `${INLINE}:${offset}:${query}`;
    if (Buffer.byteLength(inline) <= MAX_DATA_BYTES) return inline;
    return `${KEPT}:${offset}:${this.keep(query)}`;
  }

  /**
   * The request behind callback data: a {@link PageRequest}, `"expired"`
   * for a kept query that is no longer known, or undefined for data that
   * is not a paging button's.
   */
  parse(data: string): PageRequest | "expired" | undefined {
    const m = /^([qk]):(\d{1,9}):([\s\S]+)$/.exec(data);
    if (!m) return undefined;
    const offset = Number(m[2]);
    if (m[1] === INLINE) return { query: m[3]!, offset };
    const query = this.kept.get(m[3]!);
    return query === undefined ? "expired" : { query, offset };
  }

  private keep(query: string): string {
    const known = this.ids.get(query);
    if (known !== undefined) return known;
    const id = `${this.tag}${(this.nextId++).toString(36)}`;
    this.kept.set(id, query);
    this.ids.set(query, id);
    if (this.kept.size > this.capacity) {
      const [oldId, oldQuery] = this.kept.entries().next().value!;
      this.kept.delete(oldId);
      this.ids.delete(oldQuery);
    }
    return id;
  }
}
