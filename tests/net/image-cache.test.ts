import { describe, expect, it } from "vitest";
import type { Downloaded } from "../../src/net/download.ts";
import { ImageCache } from "../../src/net/image-cache.ts";
import { fakeClock } from "../helpers/bot.ts";

const image = (url: string): Downloaded => ({
  bytes: Buffer.from(url),
  contentType: "image/png",
  fileName: "image.png",
});

/** A download that records calls and fails for URLs containing "broken". */
function counting() {
  const calls: string[] = [];
  const download = async (url: string) => {
    calls.push(url);
    await new Promise((r) => setTimeout(r, 5));
    if (url.includes("broken")) throw new Error("download failed: HTTP 404");
    return image(url);
  };
  return { calls, download };
}

describe("ImageCache", () => {
  it("shares one download among concurrent and later requests for the same URL", async () => {
    const { calls, download } = counting();
    const cache = new ImageCache({ download });
    const results = await Promise.all(Array.from({ length: 20 }, () => cache.get("https://a/1.png")));
    await cache.get("https://a/1.png");
    expect(calls).toEqual(["https://a/1.png"]);
    expect(results.every((r) => r.bytes.toString() === "https://a/1.png")).toBe(true);
  });

  it("downloads again after a day", async () => {
    const clock = fakeClock("2026-11-25T00:00:00Z");
    const { calls, download } = counting();
    const cache = new ImageCache({ download, clock });
    await cache.get("https://a/1.png");
    clock.set("2026-11-25T23:59:00Z");
    await cache.get("https://a/1.png");
    clock.set("2026-11-26T00:00:01Z");
    await cache.get("https://a/1.png");
    expect(calls).toHaveLength(2);
  });

  it("remembers a failure briefly so a broken image is not fetched once per subscriber", async () => {
    const clock = fakeClock("2026-11-25T00:00:00Z");
    const { calls, download } = counting();
    const cache = new ImageCache({ download, clock, failureTtlMs: 60_000 });
    await expect(cache.get("https://a/broken.png")).rejects.toThrow(/404/);
    await expect(cache.get("https://a/broken.png")).rejects.toThrow(/404/);
    expect(calls).toHaveLength(1);
    clock.set("2026-11-25T00:01:00Z");
    await expect(cache.get("https://a/broken.png")).rejects.toThrow(/404/);
    expect(calls).toHaveLength(2);
  });

  it("keeps only the most recently used images", async () => {
    const { calls, download } = counting();
    const cache = new ImageCache({ download, maxEntries: 2 });
    await cache.get("https://a/1.png");
    await cache.get("https://a/2.png");
    await cache.get("https://a/1.png");
    await cache.get("https://a/3.png"); // evicts 2, the least recently used
    await cache.get("https://a/1.png");
    await cache.get("https://a/2.png");
    expect(calls).toEqual(["https://a/1.png", "https://a/2.png", "https://a/3.png", "https://a/2.png"]);
  });
});
