import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LibraryCache } from "../../src/catalog/cache.ts";
import { openSnapshot, type LibrarySnapshot } from "../../src/catalog/live.ts";
import { HARDENING_LIBRARY } from "../hardening/fixtures.ts";
import { capturedLog } from "../observability/harness.ts";

let dir = "";
afterEach(() => rm(dir, { recursive: true, force: true }));

/** A writable copy of the four-article fixture library (or two short articles), with its cache written. */
async function cachedLibrary(tiny = false): Promise<{ dir: string; meta: string; index: string }> {
  dir = await mkdtemp(path.join(os.tmpdir(), "article-bot-damage-"));
  if (tiny) {
    await writeFile(path.join(dir, "cat.md"), "---\ntitle: 猫弟\ndate: '2024-05-20'\n---\n关于猫弟的短文。\n");
    await writeFile(path.join(dir, "lotus.md"), "---\ntitle: 墨荷\ndate: '2024-05-21'\n---\n关于墨荷的短文。\n");
  } else await cp(HARDENING_LIBRARY, dir, { recursive: true });
  await openSnapshot(dir, capturedLog().log);
  const cache = LibraryCache.for(dir).dir;
  return { dir, meta: path.join(cache, "meta.bin"), index: path.join(cache, "index.bin") };
}

/** Everything a reader sees of a snapshot: every article's metadata and the answers to a few searches. */
function seen(s: LibrarySnapshot) {
  return {
    articles: s.library.articles,
    gallery: s.gallery,
    answers: ["呼吸机", "猫弟", "墨荷", "粗体", "视频"].map((q) =>
      s.index.search(q, { limit: 5 }).hits.map((h) => [h.article.id, h.score]),
    ),
  };
}

/** A start-up with a log the test reads: what it serves, and the warnings about the cache it logged. */
async function start(d: string): Promise<{ snapshot: LibrarySnapshot; cacheWarnings: string[] }> {
  const { log, lines } = capturedLog();
  const snapshot = await openSnapshot(d, log);
  const cacheWarnings = lines()
    .filter((l) => l.level === 40 && String(l.msg).includes("cache"))
    .map((l) => String(l.msg));
  return { snapshot, cacheWarnings };
}

const flipped = (bytes: Buffer, at: number) => {
  const copy = Buffer.from(bytes);
  copy[at] = copy[at]! ^ 0xff;
  return copy;
};

/** About `n` positions spread over a file, its first and last byte among them. */
const spread = (length: number, n: number) => [
  ...new Set([...Array(n).keys()].map((k) => Math.round((k * (length - 1)) / (n - 1)))),
];

describe("a damaged library cache", () => {
  it("is refused, never misread, whichever single byte of index.bin or meta.bin changed", async () => {
    // Two short articles: a few thousand bytes to change one by one.
    const { dir: d, meta, index } = await cachedLibrary(true);
    for (const file of [index, meta]) {
      const good = await readFile(file);
      const cache = LibraryCache.for(d);
      for (let at = 0; at < good.length; at++) {
        await writeFile(file, flipped(good, at));
        const read = await cache.read();
        expect(read.index, `${path.basename(file)} byte ${at}`).toBeUndefined();
        expect(read.damaged, `${path.basename(file)} byte ${at}`).toMatch(
          new RegExp(path.basename(file).replace(".", "\\.")),
        );
      }
      await writeFile(file, good);
    }
    const sound = await LibraryCache.for(d).read();
    expect(sound.damaged).toBeUndefined();
    expect(sound.index?.documentIds.length).toBe(2);
  });

  it("rebuilds with one warning and answers the same when a byte of index.bin changed and an article changed since it was written", async () => {
    const { dir: d, meta, index } = await cachedLibrary();
    const goodMeta = await readFile(meta);
    const goodIndex = await readFile(index);
    // An article edited after the cache was written: the start merges the change into the remembered index.
    const edited = path.join(d, "emoji.md");
    await writeFile(edited, (await readFile(edited, "utf8")).replace("猫弟在的时候", "猫弟和缓存都在的时候"));
    await rm(path.dirname(meta), { recursive: true });
    const expected = seen(await openSnapshot(d, capturedLog().log));
    for (const at of spread(goodIndex.length, 24)) {
      await writeFile(meta, goodMeta);
      await writeFile(index, flipped(goodIndex, at));
      const { snapshot, cacheWarnings } = await start(d);
      expect(seen(snapshot), `index.bin byte ${at}`).toEqual(expected);
      expect(cacheWarnings, `index.bin byte ${at}`).toEqual([
        expect.stringMatching(/^library cache is damaged \(index\.bin: .+\); rebuilding it from the article files$/),
      ]);
    }
    // The rebuilt cache is sound again: the next start reads it without a word.
    expect((await start(d)).cacheWarnings).toEqual([]);
  });

  it("rebuilds with one warning when a byte inside an article's record in meta.bin changed, instead of failing when that article is shown", async () => {
    const { dir: d, meta } = await cachedLibrary();
    const expected = seen(await openSnapshot(d, capturedLog().log));
    const good = await readFile(meta);
    const record = good.indexOf('"title":"呼吸机答疑"');
    expect(record).toBeGreaterThan(0);
    // The quote that opens "title": the record no longer parses, which the first reader to be shown the article used to get as a 500.
    await writeFile(meta, flipped(good, record));
    const { snapshot, cacheWarnings } = await start(d);
    expect(seen(snapshot)).toEqual(expected);
    expect(cacheWarnings).toEqual([
      expect.stringMatching(/^library cache is damaged \(meta\.bin: .+\); rebuilding it from the article files$/),
    ]);
  });

  it("rebuilds with one warning when index.bin is from another write than meta.bin, as a crash between the two leaves them", async () => {
    const { dir: d, index } = await cachedLibrary();
    const older = await readFile(index);
    await writeFile(path.join(d, "new.md"), "---\ntitle: 新的一篇\ndate: '2024-09-01'\n---\n讲缓存的新文章。\n");
    await start(d);
    await writeFile(index, older);
    const { snapshot, cacheWarnings } = await start(d);
    expect(snapshot.index.search("新的一篇").hits[0]?.article.id).toBe("new");
    expect(cacheWarnings).toEqual([
      "library cache is damaged (index.bin: written with another meta.bin); rebuilding it from the article files",
    ]);
  });

  it("rebuilds a cache an earlier version wrote without a word", async () => {
    const { dir: d, meta, index } = await cachedLibrary();
    const expected = seen((await start(d)).snapshot);
    // The signatures of the formats before checked sections: ABM1 (meta.bin) and ABX2 (index.bin).
    for (const [file, magic] of [
      [meta, 0x314d4241],
      [index, 0x32584241],
    ] as const) {
      const bytes = await readFile(file);
      bytes.writeUInt32LE(magic, 0);
      await writeFile(file, bytes);
      const { snapshot, cacheWarnings } = await start(d);
      expect(seen(snapshot)).toEqual(expected);
      expect(cacheWarnings).toEqual([]);
    }
  });

  it("says nothing on a first start, with no cache yet", async () => {
    const { dir: d } = await cachedLibrary();
    await rm(LibraryCache.for(d).dir, { recursive: true });
    expect((await start(d)).cacheWarnings).toEqual([]);
  });
});
