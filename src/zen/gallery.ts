import { createHash } from "node:crypto";
import type { ArticleMeta, Zen } from "../library/article.ts";
import type { Library } from "../library/library.ts";

/** A 禅定时刻 image together with the article it closes. */
export interface ZenImage extends Zen {
  article: { id: string; title: string; url?: string; date: string };
}

/**
 * Every distinct zen image of the library (by image URL), in a stable
 * order that does not depend on file names or load order.
 */
export function zenGallery(library: Library): ZenImage[] {
  const seen = new Map<string, ZenImage>();
  const oldestFirst = [...library.articles].reverse();
  for (const a of oldestFirst) {
    if (a.zen && !seen.has(a.zen.image)) seen.set(a.zen.image, toZenImage(a, a.zen));
  }
  return [...seen.values()].sort((x, y) => hash(x.image).localeCompare(hash(y.image)));
}

function toZenImage(a: ArticleMeta, zen: Zen): ZenImage {
  return { ...zen, article: { id: a.id, title: a.title, url: a.url, date: a.date } };
}

function hash(s: string): string {
  return createHash("sha1").update(s).digest("hex");
}

/**
 * The image of `day` (YYYY-MM-DD): day number modulo gallery size over a
 * hash-shuffled gallery, so consecutive days walk the whole gallery before
 * any image repeats, and every instance agrees without shared state.
 */
export function imageOfDay(gallery: readonly ZenImage[], day: string): ZenImage | undefined {
  if (gallery.length === 0) return undefined;
  const dayNumber = Math.floor(Date.parse(`${day}T00:00:00Z`) / 86_400_000);
  return gallery[((dayNumber % gallery.length) + gallery.length) % gallery.length];
}
