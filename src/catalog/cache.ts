import { randomUUID } from "node:crypto";
import { open, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { deserializeIndex, serializeIndex, type PackedIndex } from "../search/packed.ts";
import { DamagedFile, packSections, unpackSections } from "../util/checked-sections.ts";
import { makePrivateDir } from "../util/private-files.ts";
import type { ArticleMeta } from "../library/article.ts";
import type { Library, LibraryRows } from "../library/library.ts";
import type { LoadProblem } from "../library/load.ts";

/**
 * Bump when tokenisation, index layout or the article shape changes: a
 * cache written by another version is ignored and rebuilt.
 */
const CACHE_VERSION = "library-cache-16/name-pairs-2";

const MAGIC = 0x324d4241; // "ABM2" little-endian: checked sections
const EARLIER_MAGIC = 0x314d4241; // "ABM1": no checksums; read as another version, not as damage
const SECTIONS = ["header", "offsets", "articles"] as const;

/** A file's modification time and size: what it is remembered by. */
export interface FileStamp {
  mtimeMs: number;
  size: number;
}

/** An article's file (relative name) and its stamp. */
export interface ArticleFile extends FileStamp {
  file: string;
}

/** What the cache remembers of a library: its files and its articles in library order. */
export interface CachedLibrary {
  /** File name → its stamp and its article's row in `rows`. */
  files: Map<string, FileStamp & { row: number }>;
  /** The articles in library order; each article's metadata is decoded when asked for. */
  rows: LibraryRows;
  /** Duplicate titles and urls found when the cache was written. */
  warnings: LoadProblem[];
  /** Which write this is: `index.bin` is valid only with the `meta.bin` written with it. */
  generation: string;
}

/** What {@link LibraryCache.read} found. */
export interface CacheRead {
  library?: CachedLibrary;
  /** The index written with `library`. */
  index?: PackedIndex;
  /** Why a cache that is there cannot be used (a file that fails its checks, an index of another write); the loader logs it once. */
  damaged?: string;
}

/** The first section of `meta.bin`, read as JSON; the metadata of each article follows as its own JSON text. */
interface Header {
  version: string;
  generation: string;
  /** Per row: the article's file (null: its id + ".md", as nearly always), its stamp and the library's columns. */
  files: Array<string | null>;
  mtimeMs: number[];
  size: number[];
  ids: string[];
  dates: string[];
  accounts: Array<string | null>;
  authors: Array<string | null>;
  digests: string;
  /** Per row "1" for a listing (`listed_only`), else "0": search ranks listings without decoding them. */
  listings: string;
  warnings: LoadProblem[];
}

/**
 * The on-disk cache of an article directory, in two files so a start
 * with no changes reads only what it needs: `meta.bin` (every article's
 * file stamp, the columns the library is sorted and looked up by, and its
 * front matter, decoded per article when shown) and `index.bin` (the
 * packed search index, read back without parsing; see packed.ts). A
 * start reads 10,000 articles' stamps and columns in a few milliseconds,
 * where parsing all their front matter took 80. Both files are checked
 * whole when read (a checksum per section, every length and offset; see
 * checked-sections.ts): a missing, damaged or outdated part reads as
 * empty, and the library is rebuilt from the files, which is always
 * correct. Damage is told to the caller, to be logged once.
 */
export class LibraryCache {
  constructor(readonly dir: string) {}

  /** The conventional cache of an article directory. */
  static for(articlesDir: string): LibraryCache {
    return new LibraryCache(path.join(articlesDir, ".article-bot-cache"));
  }

  /**
   * The remembered library and the index written with it; either part is
   * undefined when missing, unreadable, damaged or of another version or
   * write (`damaged` says which file and why, for the two last).
   * Both files are read whole in one request each, so the thread pool
   * copies them while the caller stats the article files.
   */
  async read(): Promise<CacheRead> {
    const [meta, index] = await Promise.all([
      readWhole(path.join(this.dir, "meta.bin")),
      readWhole(path.join(this.dir, "index.bin")),
    ]);
    const library = meta && decode("meta.bin", () => decodeLibrary(meta));
    if (library && "damaged" in library) return library;
    const stored = library && index && decode("index.bin", () => deserializeIndex(index));
    if (stored && "damaged" in stored) return { library, damaged: stored.damaged };
    if (!stored || stored.extra.version !== CACHE_VERSION) return { library };
    // A crash between writing index.bin and meta.bin leaves them from two writes.
    if (stored.extra.generation !== library?.generation)
      return { library, damaged: "index.bin: written with another meta.bin" };
    return { library, index: stored.index };
  }

  /** Persist both parts (each atomically; the index first, so meta.bin never describes a missing index). */
  async write(
    library: Library,
    files: Map<string, ArticleFile>,
    warnings: LoadProblem[],
    index: PackedIndex,
  ): Promise<void> {
    const generation = randomUUID();
    const meta = encodeLibrary(library, files, warnings, generation);
    makePrivateDir(this.dir);
    await this.save("index.bin", serializeIndex(index, { version: CACHE_VERSION, generation }));
    await this.save("meta.bin", meta);
    // Earlier versions kept per-article terms and all front matter as JSON here; they are no longer read.
    await rm(path.join(this.dir, "terms.json"), { force: true });
    await rm(path.join(this.dir, "meta.json"), { force: true });
  }

  /** Temp file + rename: a crash never leaves half a file. Readable by the bot and its group only (0640, or narrower by the umask). */
  private async save(name: string, data: string | Buffer): Promise<void> {
    const file = path.join(this.dir, name);
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, data, { mode: 0o640 });
    await rename(tmp, file);
  }
}

/** A file's bytes (undefined when it cannot be read), in one read request rather than readFile's 512 KiB steps, each of which waits for a free main thread. */
async function readWhole(file: string): Promise<Buffer | undefined> {
  try {
    const handle = await open(file, "r");
    try {
      const { size } = await handle.stat();
      const bytes = Buffer.allocUnsafe(size);
      let at = 0;
      for (let n = 1; at < size && n > 0; at += n) n = (await handle.read(bytes, at, size - at, at)).bytesRead;
      return bytes.subarray(0, at);
    } finally {
      await handle.close();
    }
  } catch {
    return undefined;
  }
}

/** `file`'s contents decoded, or why they cannot be: whatever decoding throws counts as damage (it is checked whole, so nothing should). */
function decode<T>(file: string, decoder: () => T | undefined): T | { damaged: string } | undefined {
  try {
    return decoder();
  } catch (err) {
    return { damaged: `${file}: ${err instanceof DamagedFile ? err.message : String(err)}` };
  }
}

/** `files`: each article's file by article id. */
function encodeLibrary(
  library: Library,
  files: Map<string, ArticleFile>,
  warnings: LoadProblem[],
  generation: string,
): Buffer {
  const fileOf = (id: string) => {
    const f = files.get(id);
    if (!f) throw new Error(`no file known for article ${id}`);
    return f;
  };
  const rows = library.ids.map((id) => fileOf(id));
  const header: Header = {
    version: CACHE_VERSION,
    generation,
    files: rows.map((f, row) => (f.file === `${library.ids[row]}.md` ? null : f.file)),
    mtimeMs: rows.map((f) => f.mtimeMs),
    size: rows.map((f) => f.size),
    ids: [...library.ids],
    dates: library.ids.map((_, row) => library.dateAt(row)),
    accounts: library.ids.map((_, row) => library.accountAt(row) ?? null),
    authors: library.articles.map((a) => a.author ?? null),
    digests: library.ids.map((_, row) => (library.isDigestAt(row) ? "1" : "0")).join(""),
    listings: library.ids.map((_, row) => (library.isListingAt(row) ? "1" : "0")).join(""),
    warnings,
  };
  const metas = library.articles.map((a) => Buffer.from(JSON.stringify(withoutBody(a))));
  const offsets = Buffer.alloc((metas.length + 1) * 4);
  let end = 0;
  metas.forEach((m, i) => offsets.writeUInt32LE((end += m.length), (i + 1) * 4));
  return packSections(MAGIC, [Buffer.from(JSON.stringify(header)), offsets, Buffer.concat(metas)]);
}

/** @throws DamagedFile (or what JSON.parse throws) when `bytes` are not a sound meta.bin */
function decodeLibrary(bytes: Buffer): CachedLibrary | undefined {
  if (bytes.length >= 4 && bytes.readUInt32LE(0) === EARLIER_MAGIC) return undefined;
  const [json, offsets, metas] = unpackSections(bytes, MAGIC, SECTIONS) as [Buffer, Buffer, Buffer];
  const header = JSON.parse(json.toString("utf8")) as Header;
  if (header.version !== CACHE_VERSION) return undefined;
  const count = header.ids.length;
  const columns = [
    header.files,
    header.mtimeMs,
    header.size,
    header.dates,
    header.accounts,
    header.authors,
    header.digests,
    header.listings,
  ];
  if (columns.some((c) => c.length !== count))
    throw new DamagedFile(`header: columns of other lengths than its ${count} articles`);
  if (offsets.length !== (count + 1) * 4)
    throw new DamagedFile(`offsets: ${offsets.length} bytes for ${count} articles`);
  // Read the offsets with DataView: the bytes read need not be 4-byte aligned in memory.
  const view = new DataView(offsets.buffer, offsets.byteOffset, offsets.length);
  const offset = (row: number) => view.getUint32(row * 4, true);
  // Every article's record is a non-empty slice of the articles section, so showing one never reads past it.
  for (let row = 0; row < count; row++)
    if (offset(row + 1) <= offset(row)) throw new DamagedFile(`offsets: article ${row} has no record`);
  if (offset(0) !== 0 || offset(count) !== metas.length)
    throw new DamagedFile(`offsets: the records do not fill the articles section`);
  const files = new Map(
    header.files.map(
      (file, row) =>
        [file ?? `${header.ids[row]}.md`, { mtimeMs: header.mtimeMs[row]!, size: header.size[row]!, row }] as const,
    ),
  );
  const optional = (values: Array<string | null>) => values.map((v) => v ?? undefined);
  return {
    files,
    rows: {
      ids: header.ids,
      dates: header.dates,
      accounts: optional(header.accounts),
      authors: optional(header.authors),
      digests: Uint8Array.from(header.digests, (c) => (c === "1" ? 1 : 0)),
      listings: Uint8Array.from(header.listings, (c) => (c === "1" ? 1 : 0)),
      meta: (row) => JSON.parse(metas.toString("utf8", offset(row), offset(row + 1))) as ArticleMeta,
    },
    warnings: header.warnings,
    generation: header.generation,
  };
}

/** A library built in memory may hold bodies; the cache keeps metadata only. */
function withoutBody(article: ArticleMeta & { body?: string }): ArticleMeta {
  const { body: _body, ...meta } = article;
  return meta;
}
