/**
 * Callback data of the paging buttons. Telegram allows 64 bytes of
 * callback data, and Chinese queries take 3 bytes a character, so a query
 * that does not fit is kept in a bounded in-memory map under a random id,
 * bound to the chat the button was sent to. Callback data is chosen by the
 * client, so an id must be unguessable and must not open another chat's
 * query. After a restart (or once evicted) such a button reports "expired".
 */
import { randomBytes } from "node:crypto";

/** What a paging button asks for. */
export interface PageRequest {
  query: string;
  offset: number;
}

/** What rendering needs: callback data for a page of a query. */
export interface PageLinks {
  data(query: string, offset: number): string;
}

const MAX_DATA_BYTES = 64;
/** Data of a button whose query is inside: `q:<offset>:<query>`. */
const INLINE = "q";
/** Data of a button whose query is in the map: `k:<offset>:<id>`. */
const KEPT = "k";
/** 16 random bytes, base64url: 22 characters, within 64 bytes with any offset. */
const ID_BYTES = 16;

/** Encodes paging requests into callback data and back. */
export class Pager implements PageLinks {
  private readonly kept = new Map<string, { query: string; chatId?: string }>();
  private readonly ids = new Map<string, string>();

  /** @param capacity queries kept at once; the oldest are forgotten first */
  constructor(private readonly capacity = 5000) {}

  /** The links of buttons sent to `chatId`: kept queries open only there. */
  forChat(chatId: number | string): PageLinks {
    return { data: (query, offset) => this.data(query, offset, String(chatId)) };
  }

  /** Callback data (≤ 64 bytes) for the page of `query` starting at `offset`, in `chatId`. */
  data(query: string, offset: number, chatId?: string): string {
    const inline = `${INLINE}:${offset}:${query}`;
    if (Buffer.byteLength(inline) <= MAX_DATA_BYTES) return inline;
    return `${KEPT}:${offset}:${this.keep(query, chatId)}`;
  }

  /**
   * The request behind callback data pressed in `chatId`: a {@link PageRequest},
   * `"expired"` for a kept query that is unknown or belongs to another chat,
   * or undefined for data that is not a paging button's.
   */
  parse(data: string, chatId?: string): PageRequest | "expired" | undefined {
    const m = /^([qk]):(\d{1,9}):([\s\S]+)$/.exec(data);
    if (!m) return undefined;
    const offset = Number(m[2]);
    if (m[1] === INLINE) return { query: m[3]!, offset };
    const kept = this.kept.get(m[3]!);
    return kept === undefined || kept.chatId !== chatId ? "expired" : { query: kept.query, offset };
  }

  private keep(query: string, chatId: string | undefined): string {
    const key = `${chatId ?? ""}\u0000${query}`;
    const known = this.ids.get(key);
    if (known !== undefined) return known;
    const id = randomBytes(ID_BYTES).toString("base64url");
    this.kept.set(id, { query, chatId });
    this.ids.set(key, id);
    if (this.kept.size > this.capacity) {
      const [oldId, old] = this.kept.entries().next().value!;
      this.kept.delete(oldId);
      this.ids.delete(`${old.chatId ?? ""}\u0000${old.query}`);
    }
    return id;
  }
}
