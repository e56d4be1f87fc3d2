import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import type { PreparedIndex } from "../search/build.ts";
import type { DocTerms } from "../search/terms.ts";
import type { ArticleMeta } from "./article.ts";

/**
 * Bump when tokenisation, index layout or the article shape changes: a
 * cache written by another version is ignored and rebuilt.
 */
const CACHE_VERSION = "library-cache-9/full-bodies";

/** What is remembered of one article file between runs. */
export interface FileEntry {
  /** File modification time and size: the entry is valid while both match. */
  mtimeMs: number;
  size: number;
  meta: ArticleMeta;
}

/**
 * The on-disk cache of an article directory, in three files so a start
 * with no changes reads only what it needs: `meta.json` (every article's
 * front matter and file stamp), `index.json` (the prepared index)
 * and `terms.json` (per-article terms, read only to rebuild the index).
 * A missing, corrupt or outdated part reads as empty: the library is then
 * rebuilt from the files, which is always correct.
 */
export class LibraryCache {
  constructor(readonly dir: string) {}

  /** The conventional cache of an article directory. */
  static for(articlesDir: string): LibraryCache {
    return new LibraryCache(path.join(articlesDir, ".article-bot-cache"));
  }

  async readFiles(): Promise<Map<string, FileEntry>> {
    return new Map(Object.entries((await this.read<Record<string, FileEntry>>("meta.json")) ?? {}));
  }

  async readTerms(): Promise<Map<string, DocTerms>> {
    return new Map(Object.entries((await this.read<Record<string, DocTerms>>("terms.json")) ?? {}));
  }

  /** The persisted index, if it was built from exactly these files. */
  async readIndex(files: Map<string, FileEntry>): Promise<PreparedIndex | undefined> {
    const stored = await this.read<{ fingerprint: string; index: PreparedIndex }>("index.json");
    return stored?.fingerprint === fingerprint(files) ? stored.index : undefined;
  }

  /** Persist all three parts (each atomically). */
  async write(files: Map<string, FileEntry>, terms: Map<string, DocTerms>, index: PreparedIndex): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await this.save("terms.json", Object.fromEntries(terms));
    await this.save("index.json", { fingerprint: fingerprint(files), index });
    await this.save("meta.json", Object.fromEntries(files));
  }

  private async read<T>(name: string): Promise<T | undefined> {
    try {
      const data = JSON.parse(await readFile(path.join(this.dir, name), "utf8")) as { version?: string; data?: T };
      return data.version === CACHE_VERSION ? data.data : undefined;
    } catch {
      return undefined;
    }
  }

  /** Temp file + rename: a crash never leaves half a file. */
  private async save(name: string, data: unknown): Promise<void> {
    const file = path.join(this.dir, name);
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify({ version: CACHE_VERSION, data }));
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
