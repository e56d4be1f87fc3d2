import { describe, expect, it } from "vitest";
import type { Article } from "../../src/library/article.ts";
import { Library } from "../../src/library/library.ts";
import { imageOfDay, zenGallery } from "../../src/zen/gallery.ts";

function article(i: number, zenImage?: string): Article {
  const date = `2024-01-${String(i + 1).padStart(2, "0")}`;
  return {
    id: `a${i}`,
    title: `文章${i}`,
    date,
    body: "正文",
    summary: "摘要",
    zen: zenImage ? { title: `图${i}`, image: zenImage } : undefined,
  };
}

const library = new Library(Array.from({ length: 7 }, (_, i) => article(i, `https://img.example.com/${i}.jpg`)));

function nextDays(start: string, n: number): string[] {
  const t0 = Date.parse(`${start}T00:00:00Z`);
  return Array.from({ length: n }, (_, i) => new Date(t0 + i * 86_400_000).toISOString().slice(0, 10));
}

describe("image of the day", () => {
  it("shows every image of the gallery once before any repeats", () => {
    const gallery = zenGallery(library);
    const week = nextDays("2026-11-25", 7).map((d) => imageOfDay(gallery, d)!.image);
    expect(new Set(week).size).toBe(7);
    const nextWeek = nextDays("2026-12-02", 7).map((d) => imageOfDay(gallery, d)!.image);
    expect(nextWeek).toEqual(week);
  });

  it("is the same choice for a library loaded in any order (every instance agrees)", () => {
    const shuffled = new Library([...library.articles].reverse());
    const days = nextDays("2026-01-01", 30);
    expect(days.map((d) => imageOfDay(zenGallery(shuffled), d)!.image)).toEqual(
      days.map((d) => imageOfDay(zenGallery(library), d)!.image),
    );
  });

  it("keeps one entry per image when several articles reuse it", () => {
    const dup = new Library([
      article(1, "https://img.example.com/same.jpg"),
      article(2, "https://img.example.com/same.jpg"),
    ]);
    expect(zenGallery(dup)).toHaveLength(1);
    expect(zenGallery(dup)[0]!.article.title).toBe("文章1");
  });

  it("has no image when no article has one", () => {
    expect(imageOfDay(zenGallery(new Library([article(1)])), "2026-11-25")).toBeUndefined();
  });
});
