import type { Logger } from "../log.ts";
import { inSteps, type OnProgress } from "../util/progress.ts";
import { SearchIndex, warmSearch } from "../search/index.ts";
import { IndexBuilder } from "../search/builder.ts";
import { mergeIndex } from "../search/packed.ts";
import type { ArticleFile, FileStamp, LibraryCache } from "./cache.ts";
import type { ArticleMeta } from "../library/article.ts";
import type { ParsedForIndex } from "./parse-job.ts";
import { Library } from "../library/library.ts";
import { findDuplicates, readArticleBody, type LoadProblem } from "../library/load.ts";
import { statFiles, type Found } from "./stat-files.ts";
import { parseEach } from "./parse-pool.ts";

/** Options of {@link loadIndexedLibrary}. */
export interface IndexedLoadOptions {
  /** Where parsed articles and the index are remembered between runs; none: no cache. */
  cache?: LibraryCache;
  log?: Logger;
  /**
   * Told how many of the files to parse (new or changed) are done: 0 first, then about every 1 %, the total
   * last. Never called when nothing needs parsing, as on a start with nothing changed.
   */
  onProgress?: OnProgress;
}

/** A library ready to serve, with what was skipped and how much came from the cache. */
export interface IndexedLoad {
  library: Library;
  index: SearchIndex;
  skipped: LoadProblem[];
  warnings: LoadProblem[];
  /** Files taken from the cache / parsed now. */
  cached: number;
  parsed: number;
}

/**
 * Load an article directory for serving: metadata of every valid article
 * and its search index; bodies stay on disk (read on demand). Files whose
 * modification time and size match the cache are not parsed again; when
 * nothing changed the persisted index is used as it is, so a restart costs
 * a directory scan and two file reads, and when some files changed only
 * those are parsed and merged into the persisted index.
 */
export async function loadIndexedLibrary(dir: string, options: IndexedLoadOptions = {}): Promise<IndexedLoad> {
  const { cache, log, onProgress } = options;
  // The cache is read while the article files are stat-ed: each takes tens of milliseconds at 10,000 articles.
  // A large library is stat-ed on another thread, and this one loads the segmenter the first answer needs.
  const reading = cache?.read();
  const found = await statFiles(dir, warmSearch);
  const remembered = await reading;
  if (remembered?.damaged)
    log?.warn(
      { dir: cache?.dir, problem: remembered.damaged },
      `library cache is damaged (${remembered.damaged}); rebuilding it from the article files`,
    );
  // Without the index that goes with the remembered files, their terms are unknown: parse everything.
  const previous =
    remembered?.library && remembered.index ? { ...remembered.library, index: remembered.index } : undefined;
  // Articles are indexed as the parse workers hand them over: their terms are never all held at once.
  const builder = new IndexBuilder();
  const scan = await scanFiles(dir, found, previous?.files ?? new Map(), builder, log, onProgress);
  const readBody = (id: string) => readArticleBody(dir, id);
  const counts = { skipped: scan.skipped, cached: scan.unchanged.size, parsed: scan.parsed.size };
  if (previous && scan.parsed.size === 0 && scan.unchanged.size === previous.files.size) {
    // Nothing changed: the remembered library as it is, each article decoded only when shown.
    const library = new Library(previous.rows, readBody);
    return { ...counts, library, warnings: previous.warnings, index: SearchIndex.fromPacked(library, previous.index) };
  }

  const files = new Map<string, ArticleFile>();
  const metas: ArticleMeta[] = [];
  // The cache was checked whole when read: every remembered article decodes.
  for (const [file, { mtimeMs, size, row }] of scan.unchanged) {
    const meta = previous!.rows.meta(row);
    files.set(meta.id, { file, mtimeMs, size });
    metas.push(meta);
  }
  for (const [file, { mtimeMs, size, meta }] of scan.parsed) {
    files.set(meta.id, { file, mtimeMs, size });
    metas.push(meta);
  }
  const library = new Library(metas, readBody);
  const warnings = findDuplicates(library.articles);
  const kept = new Set([...scan.unchanged.values()].map((e) => previous!.rows.ids[e.row]));
  const packed = previous ? mergeIndex(previous.index, (id) => kept.has(id), builder.finish()) : builder.finish();
  if (cache)
    await cache
      .write(library, files, warnings, packed)
      .catch((err) => log?.warn({ err, dir: cache.dir }, "could not write the library cache"));
  return { ...counts, library, warnings, index: SearchIndex.fromPacked(library, packed) };
}

interface Scan {
  /** Files the cache knows in this version, with their rows in the remembered library. */
  unchanged: Map<string, FileStamp & { row: number }>;
  parsed: Map<string, FileStamp & { meta: ArticleMeta }>;
  skipped: LoadProblem[];
}

/** Parse and add to `builder` only the files the cache does not know in this version. */
async function scanFiles(
  dir: string,
  found: readonly Found[],
  previous: Map<string, FileStamp & { row: number }>,
  builder: IndexBuilder,
  log?: Logger,
  onProgress?: OnProgress,
): Promise<Scan> {
  const scan: Scan = { unchanged: new Map(), parsed: new Map(), skipped: [] };
  const changed: Array<{ name: string } & FileStamp> = [];
  for (const { name, stamp } of found) {
    if (!stamp) {
      scan.skipped.push({ file: name, message: "vanished while loading" });
      continue;
    }
    const known = previous.get(name);
    if (known && known.mtimeMs === stamp.mtimeMs && known.size === stamp.size) scan.unchanged.set(name, known);
    else changed.push({ name, ...stamp });
  }
  const each = (result: ParsedForIndex | LoadProblem, i: number) => {
    const { name, mtimeMs, size } = changed[i]!;
    const known = previous.get(name);
    if ("terms" in result) {
      builder.add(result.meta.id, result.terms);
      return void scan.parsed.set(name, { mtimeMs, size, meta: result.meta });
    }
    // A file caught half-written (or broken by an edit) keeps serving its last good version.
    if (known) scan.unchanged.set(name, known);
    scan.skipped.push(known ? { ...result, message: `${result.message} (serving its last good version)` } : result);
  };
  // In steps of 1 %: a build of 100,000 files is ~100 reports; nothing to parse, none.
  const progress = onProgress && changed.length > 0 ? inSteps(100, onProgress) : undefined;
  progress?.(0, changed.length);
  await parseEach(
    dir,
    changed.map((c) => c.name),
    progress ? (result, i) => (each(result, i), progress(i + 1, changed.length)) : each,
    { log },
  );
  scan.skipped.sort((a, b) => a.file.localeCompare(b.file));
  return scan;
}
