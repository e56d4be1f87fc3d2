/**
 * Images of the web pages (covers, 禅定时刻), served by the bot itself:
 * WeChat's image host answers hotlinked requests with a placeholder, and a
 * page that hot-links would also tell it who reads what. An image is
 * downloaded once (src/net/download.ts: no Referer, no internal address,
 * only real images, size cap, timeout), kept on disk, and served from there.
 * Only URLs that appear in the library are fetched, so `/img/…` is not an
 * open proxy. A failed image is not asked for again for 5 minutes, the
 * other images of a host that is down for a minute (failing-hosts.ts).
 */
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Clock } from "../clock.ts";
import type { LibrarySnapshot } from "../catalog/live.ts";
import type { Logger } from "../log.ts";
import type { Downloaded } from "../net/download.ts";
import { messageOf } from "../util/errors.ts";
import { FailingHosts } from "./failing-hosts.ts";

/** Options of a {@link WebImages}. */
export interface WebImagesOptions {
  /** Folder of the cached files (created when missing). */
  dir: string;
  /** How an image is fetched (src/net/download.ts with the bot's allow list and proxy). */
  download: (url: string) => Promise<Downloaded>;
  /** Disk budget: the least recently served images go first. */
  maxBytes: number;
  clock: Clock;
  log: Logger;
  /** How long a failed download is not retried. Default 5 min. */
  failureTtlMs?: number;
}

/** An image ready to serve. */
export interface ServedImage {
  bytes: Buffer;
  contentType: string;
}

interface CachedFile {
  file: string;
  size: number;
  contentType: string;
  usedAt: number;
}

const TYPES: Record<string, string> = { jpeg: "image/jpeg", png: "image/png", gif: "image/gif", webp: "image/webp" };
const ID = /^[0-9a-f]{32}$/;

/** The path of an image on the site: `/img/<hash of its URL>`. */
export function imagePath(url: string): string {
  return `/img/${imageId(url)}`;
}

/**
 * The media type an image URL most likely has, for feeds that must name it
 * before anyone downloads the image: WeChat's host says it in `wx_fmt`,
 * other hosts in the file name; JPEG otherwise (most photos are).
 */
export function likelyImageType(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return TYPES.jpeg!;
  }
  const format = parsed.searchParams.get("wx_fmt") ?? /\.([a-z]+)$/i.exec(parsed.pathname)?.[1];
  const name = format?.toLowerCase() === "jpg" ? "jpeg" : format?.toLowerCase();
  return (name && TYPES[name]) ?? TYPES.jpeg!;
}

function imageId(url: string): string {
  return createHash("sha256").update(url).digest("hex").slice(0, 32);
}

/** The disk-cached images of the library. */
export class WebImages {
  private readonly files = new Map<string, CachedFile>();
  private readonly inFlight = new Map<string, Promise<ServedImage>>();
  private readonly failures = new Map<string, { until: number; error: Error }>();
  private readonly known = new WeakMap<LibrarySnapshot, Map<string, string>>();
  private readonly hosts: FailingHosts;
  private opened?: Promise<void>;
  private total = 0;

  constructor(private readonly options: WebImagesOptions) {
    this.hosts = new FailingHosts(options.clock, options.log);
  }

  /**
   * The image `id` of `snapshot`'s articles: from disk, or downloaded now.
   * Undefined when no article of the snapshot has that image.
   * @throws Error (a DownloadError, or the remembered one) when it cannot be fetched
   */
  async get(id: string, snapshot: LibrarySnapshot): Promise<ServedImage | undefined> {
    if (!ID.test(id)) return undefined;
    const url = this.urlsOf(snapshot).get(id);
    if (!url) return undefined;
    await (this.opened ??= this.open());
    const cached = this.files.get(id);
    if (cached) {
      try {
        const bytes = await readFile(path.join(this.options.dir, cached.file));
        cached.usedAt = this.options.clock.now().getTime();
        return { bytes, contentType: cached.contentType };
      } catch {
        this.forget(id);
      }
    }
    const failed = this.failures.get(id);
    if (failed && failed.until > this.options.clock.now().getTime()) throw failed.error;
    let pending = this.inFlight.get(id);
    if (!pending) {
      const refused = this.hosts.refusal(url);
      if (refused) throw refused;
      pending = this.fetch(id, url).finally(() => this.inFlight.delete(id));
      this.inFlight.set(id, pending);
    }
    return pending;
  }

  private async fetch(id: string, url: string): Promise<ServedImage> {
    const now = () => this.options.clock.now().getTime();
    let image: Downloaded;
    try {
      image = await this.options.download(url);
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      this.failures.set(id, { until: now() + (this.options.failureTtlMs ?? 300_000), error });
      this.hosts.failed(url, error);
      throw error;
    }
    this.failures.delete(id);
    this.hosts.succeeded(url);
    const ext = image.fileName.split(".").pop() ?? "";
    const contentType = TYPES[ext] ?? image.contentType;
    const file = `${id}.${TYPES[ext] ? ext : "bin"}`;
    try {
      // Written whole, then renamed: a crash never leaves half an image to serve.
      const tmp = path.join(this.options.dir, `.${file}.${process.pid}.tmp`);
      await writeFile(tmp, image.bytes);
      await rename(tmp, path.join(this.options.dir, file));
      this.remember(id, { file, size: image.bytes.length, contentType, usedAt: now() });
      await this.evict();
    } catch (err) {
      // A full disk costs the cache, not the page.
      this.options.log.warn({ err: messageOf(err) }, "web image could not be cached on disk");
    }
    return { bytes: image.bytes, contentType };
  }

  /** Known image URLs of a snapshot by id: covers and 禅定时刻 images. */
  private urlsOf(snapshot: LibrarySnapshot): Map<string, string> {
    let urls = this.known.get(snapshot);
    if (!urls) {
      urls = new Map();
      for (const a of snapshot.library.articles) {
        if (a.cover) urls.set(imageId(a.cover), a.cover);
        if (a.zen) urls.set(imageId(a.zen.image), a.zen.image);
      }
      this.known.set(snapshot, urls);
    }
    return urls;
  }

  /** Learn what is already on disk (a restart keeps the cache). */
  private async open(): Promise<void> {
    await mkdir(this.options.dir, { recursive: true });
    for (const name of await readdir(this.options.dir)) {
      const [id, ext] = name.split(".");
      if (!id || !ID.test(id) || !ext || !TYPES[ext]) continue;
      const s = await stat(path.join(this.options.dir, name)).catch(() => undefined);
      if (s?.isFile()) this.remember(id, { file: name, size: s.size, contentType: TYPES[ext], usedAt: s.mtimeMs });
    }
    await this.evict();
  }

  private remember(id: string, file: CachedFile): void {
    this.forget(id);
    this.files.set(id, file);
    this.total += file.size;
  }

  private forget(id: string): void {
    const old = this.files.get(id);
    if (!old) return;
    this.files.delete(id);
    this.total -= old.size;
  }

  private async evict(): Promise<void> {
    if (this.total <= this.options.maxBytes) return;
    const oldestFirst = [...this.files].sort(([, a], [, b]) => a.usedAt - b.usedAt);
    for (const [id, file] of oldestFirst) {
      if (this.total <= this.options.maxBytes) break;
      this.forget(id);
      await unlink(path.join(this.options.dir, file.file)).catch(() => {});
    }
  }
}
