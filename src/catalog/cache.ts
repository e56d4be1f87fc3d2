import { createHash } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { deserializeIndex, serializeIndex, type PackedIndex } from "../search/packed.ts";
import type { ArticleMeta } from "../library/article.ts";

/**
 * Bump when tokenisation, index layout or the article shape changes: a
 * cache written by another version is ignored and rebuilt.
 */
const CACHE_VERSION = "library-cache-10/packed";

/** What is remembered of one article file between runs. */
export interface FileEntry {
  /** File modification time and size: the entry is valid while both match. */
  mtimeMs: number;
  size: number;
  meta: ArticleMeta;
}

/**
 * The on-disk cache of an article directory, in two files so a start
 * with no changes reads only what it needs: `meta.json` (every article's
 * front matter and file stamp) and `index.bin` (the packed search index,
 * read back without parsing; see packed.ts). A missing, corrupt or
 * outdated part reads as empty: the library is then rebuilt from the
 * files, which is always correct.
 */
export class LibraryCache {
  constructor(readonly dir: string) {}

  /** The conventional cache of an article directory. */
  static for(articlesDir: string): LibraryCache {
    return new LibraryCache(path.join(articlesDir, ".article-bot-cache"));
  }

  async readFiles(): Promise<Map<string, FileEntry>> {
    try {
      const data = JSON.parse(await readFile(path.join(this.dir, "meta.json"), "utf8")) as { version?: string; data?: Record<string, FileEntry> };
      return new Map(data.version === CACHE_VERSION ? Object.entries(data.data ?? {}) : []);
    } catch {
      return new Map();
    }
  }

  /** The persisted index, if it was built from exactly these files. */
  async readIndex(files: Map<string, FileEntry>): Promise<PackedIndex | undefined> {
    try {
      const stored = deserializeIndex(await readFile(path.join(this.dir, "index.bin")));
      return stored?.extra.version === CACHE_VERSION && stored.extra.fingerprint === fingerprint(files) ? stored.index : undefined;
    } catch {
      return undefined;
    }
  }

  /** Persist both parts (each atomically; the index first, so meta.json never describes a missing index). */
  async write(files: Map<string, FileEntry>, index: PackedIndex): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await this.save("index.bin", serializeIndex(index, { version: CACHE_VERSION, fingerprint: fingerprint(files) }));
    await this.save("meta.json", JSON.stringify({ version: CACHE_VERSION, data: Object.fromEntries(files) }));
    // The cache of earlier versions kept per-article terms here; they are no longer read.
    await rm(path.join(this.dir, "terms.json"), { force: true });
  }

  /** Temp file + rename: a crash never leaves half a file. */
  private async save(name: string, data: string | Buffer): Promise<void> {
    const file = path.join(this.dir, name);
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, data);
    await rename(tmp, file);
  }
}

/** Identifies a set of files in given versions; an index is valid only for its own. */
function fingerprint(files: Map<string, FileEntry>): string {
  const hash = createHash("sha1");
  for (const name of [...files.keys()].sort()) {
    const e = files.get(name)!;
    hash.update(`${name}\u0000${e.mtimeMs}\u0000${e.size}\n`);
  }
  return hash.digest("hex");
}
