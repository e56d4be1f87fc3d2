/**
 * Rendered answers kept per URL while the library stays the same, with the
 * validators feed readers send back (`If-None-Match`, `If-Modified-Since`):
 * a reader polling every minute gets a 304 from a map lookup, and even a
 * reader without validators costs no search and no rendering. A reload
 * that changes nothing in a feed keeps its ETag and Last-Modified.
 */
import { createHash } from "node:crypto";

/** One rendered answer and its validators. */
export interface Rendered {
  body: string;
  type: string;
  /** Strong validator: a hash of the body. */
  etag: string;
  /** When the body last changed (a library reload that changed it), to the second. */
  lastModified: Date;
}

interface Entry extends Rendered {
  /** The library snapshot it was rendered from. */
  version: object;
}

/** A bounded cache of rendered answers (least recently used go first: a flood of odd URLs cannot grow memory). */
export class RenderCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly max = 500) {}

  /** The answer for `key` from library snapshot `version`, rendered only when the snapshot changed; `changedAt`: when it did. */
  get(key: string, version: object, changedAt: Date, render: () => { body: string; type: string }): Rendered {
    const previous = this.entries.get(key);
    let entry = previous;
    if (!entry || entry.version !== version) {
      const { body, type } = render();
      const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`;
      const lastModified =
        previous?.etag === etag ? previous.lastModified : new Date(Math.floor(changedAt.getTime() / 1000) * 1000);
      entry = { body, type, etag, lastModified, version };
    }
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
    return entry;
  }
}

/** Whether the client already has `r` (RFC 9110 §13.2.2: `If-None-Match` first, `If-Modified-Since` only without it). */
export function notModified(
  r: Pick<Rendered, "etag" | "lastModified">,
  ifNoneMatch: string | undefined,
  ifModifiedSince: string | undefined,
): boolean {
  if (ifNoneMatch !== undefined) {
    return (
      ifNoneMatch.trim() === "*" || ifNoneMatch.split(",").some((tag) => tag.trim().replace(/^W\//, "") === r.etag)
    );
  }
  if (ifModifiedSince === undefined) return false;
  const since = Date.parse(ifModifiedSince);
  return !Number.isNaN(since) && since >= r.lastModified.getTime();
}
