import { systemClock, type Clock } from "../clock.ts";
import { downloadImage, type DownloadOptions, type Downloaded } from "./download.ts";

/** Options of an {@link ImageCache}. */
export interface ImageCacheOptions {
  /** How an image is fetched. Default: {@link downloadImage} with `downloadOptions`. */
  download?: (url: string) => Promise<Downloaded>;
  /** Options of the default download, e.g. `allowHosts` from IMAGE_HOSTS_ALLOW. */
  downloadOptions?: DownloadOptions;
  clock?: Clock;
  /** Images kept at once (oldest dropped first). Default 8. */
  maxEntries?: number;
  /** How long a downloaded image is reused. Default 24 h: the image of the day. */
  ttlMs?: number;
  /**
   * How long a failed download is remembered, so a broken image is not
   * fetched again for every subscriber of a push. Default 5 min.
   */
  failureTtlMs?: number;
}

interface Entry {
  result: Promise<Downloaded>;
  /** Clock time after which the entry is fetched again; Infinity while in flight. */
  expiresAt: number;
}

/**
 * Downloaded images shared by everything that sends them: the daily push
 * fetches the image of the day once and every platform's sender reuses the
 * bytes. Concurrent requests for one URL share a single download.
 */
export class ImageCache {
  private readonly entries = new Map<string, Entry>();
  private readonly download: (url: string) => Promise<Downloaded>;
  private readonly clock: Clock;

  constructor(private readonly options: ImageCacheOptions = {}) {
    this.download = options.download ?? ((url) => downloadImage(url, options.downloadOptions));
    this.clock = options.clock ?? systemClock;
  }

  /**
   * The image at `url`, from the cache or downloaded now.
   * @throws DownloadError (or whatever `download` throws) — remembered for `failureTtlMs`
   */
  get(url: string): Promise<Downloaded> {
    const now = this.clock.now().getTime();
    const hit = this.entries.get(url);
    if (hit && hit.expiresAt > now) {
      this.entries.delete(url);
      this.entries.set(url, hit);
      return hit.result;
    }
    const entry: Entry = { result: this.download(url), expiresAt: Infinity };
    entry.result.then(
      () => (entry.expiresAt = this.clock.now().getTime() + (this.options.ttlMs ?? 86_400_000)),
      () => (entry.expiresAt = this.clock.now().getTime() + (this.options.failureTtlMs ?? 300_000)),
    );
    this.entries.delete(url);
    this.entries.set(url, entry);
    this.evict();
    return entry.result;
  }

  /** Forget every image (e.g. after the library changed its images). */
  clear(): void {
    this.entries.clear();
  }

  private evict(): void {
    const max = this.options.maxEntries ?? 8;
    for (const key of this.entries.keys()) {
      if (this.entries.size <= max) break;
      this.entries.delete(key);
    }
  }
}
