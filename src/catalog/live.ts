import { watch, type FSWatcher } from "chokidar";
import type { Logger } from "../log.ts";
import { SearchIndex } from "../search/index.ts";
import { zenGallery, type ZenImage } from "../zen/gallery.ts";
import { Library } from "../library/library.ts";
import { LibraryCache } from "./cache.ts";
import { loadIndexedLibrary, type IndexedLoad } from "./indexed.ts";
import { isHiddenPath, type LoadResult } from "../library/load.ts";
import { inSteps, type OnProgress } from "../util/progress.ts";
import path from "node:path";

/** Everything derived from one load of the article directory. */
export interface LibrarySnapshot {
  library: Library;
  index: SearchIndex;
  gallery: ZenImage[];
  loadedAt: Date;
  /** Files this load skipped, or loaded with a warning (the web console lists them); absent for snapshots built in memory. */
  problems?: Pick<IndexedLoad, "skipped" | "warnings">;
}

/** Build the searchable snapshot of a set of loaded articles (bodies in memory: tests, tools). */
export function snapshotOf(result: Pick<LoadResult, "articles">, loadedAt = new Date()): LibrarySnapshot {
  const library = new Library(result.articles);
  return withGallery({ library, index: SearchIndex.build(library), loadedAt });
}

/**
 * The snapshot with its gallery computed on first use: the gallery reads
 * every article's metadata, which a start from the cache otherwise
 * decodes only for the articles it shows.
 */
function withGallery(parts: Omit<LibrarySnapshot, "gallery">): LibrarySnapshot {
  let gallery: ZenImage[] | undefined;
  return {
    ...parts,
    get gallery() {
      gallery ??= zenGallery(parts.library);
      return gallery;
    },
  };
}

/** Below this many files to parse, a build takes a few seconds and its "library ready" line says enough. */
const LOG_PROGRESS_FROM = 1_000;

/**
 * Load `dir` (through its cache) and build its snapshot, logging what was
 * skipped, and a build of many files every 10 %; `onProgress` is told
 * (about every 1 %) too, e.g. to draw it on the terminal.
 */
export async function openSnapshot(
  dir: string,
  log: Logger,
  cache: LibraryCache | undefined = LibraryCache.for(dir),
  onProgress?: OnProgress,
): Promise<LibrarySnapshot> {
  const started = performance.now();
  const logged = inSteps(10, (done, total) => log.info({ dir, done, total }, `indexing articles: ${done}/${total}`));
  const progress: OnProgress = (done, total) => {
    if (total >= LOG_PROGRESS_FROM) logged(done, total);
    onProgress?.(done, total);
  };
  const load = await loadIndexedLibrary(dir, { cache, log, onProgress: progress });
  report(load, dir, log);
  const snapshot = withGallery({
    library: load.library,
    index: load.index,
    loadedAt: new Date(),
    problems: { skipped: load.skipped, warnings: load.warnings },
  });
  log.info(
    {
      dir,
      articles: load.library.size,
      fromCache: load.cached,
      parsed: load.parsed,
      ms: Math.round(performance.now() - started),
    },
    "library ready",
  );
  return snapshot;
}

/**
 * The library the bot serves right now. `reload()` reads the directory
 * again and swaps the snapshot only when that succeeds, so a bad moment
 * on disk never takes the bot down; `watch()` reloads on file changes.
 */
export class LiveLibrary {
  private snapshot: LibrarySnapshot;
  private watcher?: FSWatcher;
  private timer?: NodeJS.Timeout;
  private reloading?: Promise<void>;
  private readonly listeners: Array<(next: LibrarySnapshot, previous: LibrarySnapshot) => void> = [];

  private constructor(
    readonly dir: string,
    private readonly log: Logger,
    first: LibrarySnapshot,
  ) {
    this.snapshot = first;
  }

  /** Load `dir` once; resolves when the first snapshot is ready. `onProgress`: that first load's (reloads only log theirs). */
  static async open(dir: string, log: Logger, onProgress?: OnProgress): Promise<LiveLibrary> {
    return new LiveLibrary(dir, log, await openSnapshot(dir, log, LibraryCache.for(dir), onProgress));
  }

  /** The current snapshot. */
  get current(): LibrarySnapshot {
    return this.snapshot;
  }

  /** Re-read the directory; on failure the previous snapshot stays. */
  reload(): Promise<void> {
    this.reloading ??= this.doReload().finally(() => {
      this.reloading = undefined;
    });
    return this.reloading;
  }

  private async doReload(): Promise<void> {
    try {
      const next = await openSnapshot(this.dir, this.log);
      // An emptied directory is far more often a checkout or sync in progress than a wish to serve nothing.
      if (next.library.size === 0 && this.snapshot.library.size > 0) {
        this.log.error(
          { dir: this.dir, serving: this.snapshot.library.size },
          "library directory has no articles; still serving the previous library",
        );
        return;
      }
      const previous = this.snapshot;
      this.snapshot = next;
      for (const listener of this.listeners) listener(next, previous);
    } catch (err) {
      this.log.error({ err, dir: this.dir }, "library reload failed; still serving the previous library");
    }
  }

  /**
   * Reload `debounceMs` after the last change to a markdown file, so a
   * burst of writes (an import, a git pull) causes one reload. Resolves
   * once the watcher is ready.
   */
  watch(debounceMs = 500, onReload?: () => void): Promise<void> {
    const watcher = watch(this.dir, {
      ignoreInitial: true,
      // Dot-folders (the index cache, the sync's git mirror) and non-markdown files never change the library.
      ignored: (p, stats) => isHiddenPath(path.relative(this.dir, p)) || Boolean(stats?.isFile() && !p.endsWith(".md")),
    });
    this.watcher = watcher;
    watcher.on("all", () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => void this.reload().then(onReload), debounceMs);
    });
    watcher.on("error", (err) => this.log.warn({ err, dir: this.dir }, "library watcher error"));
    return new Promise((resolve) => watcher.once("ready", () => resolve()));
  }

  /** Be told after every reload that swapped in a new snapshot (e.g. to announce new articles). */
  onChange(listener: (next: LibrarySnapshot, previous: LibrarySnapshot) => void): void {
    this.listeners.push(listener);
  }

  /** Stop watching. */
  async close(): Promise<void> {
    clearTimeout(this.timer);
    await this.watcher?.close();
  }
}

function report(load: Pick<IndexedLoad, "skipped" | "warnings">, dir: string, log: Logger): void {
  for (const p of load.skipped)
    log.warn({ dir, file: p.file, field: p.field }, `skipped article ${p.file}: ${p.message}`);
  for (const p of load.warnings) log.warn({ dir, file: p.file, field: p.field }, `article ${p.file}: ${p.message}`);
}
