import { cp, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LibraryCache } from "../../src/catalog/cache.ts";
import { loadIndexedLibrary } from "../../src/catalog/indexed.ts";
import { openSnapshot, type LibrarySnapshot } from "../../src/catalog/live.ts";
import { Library } from "../../src/library/library.ts";
import { silentLogger } from "../../src/log.ts";
import { SearchIndex } from "../../src/search/index.ts";
import { BUNDLED_LIBRARY } from "../helpers/bot.ts";

let dir = "";
afterEach(() => rm(dir, { recursive: true, force: true }));

/** A copy of the bundled library (digests, 禅定时刻 images) plus a second copy of one article under another name: a duplicate url. */
async function libraryCopy(): Promise<string> {
  dir = await mkdtemp(path.join(os.tmpdir(), "article-bot-cache-"));
  // Not the cache a local `npm start` left in the bundled library: each test starts without one.
  await cp(BUNDLED_LIBRARY, dir, { recursive: true, filter: (from) => path.basename(from) !== ".article-bot-cache" });
  const [first] = (await readdir(dir)).filter((f) => f.endsWith(".md") && !f.includes("文章一览"));
  const text = await readFile(path.join(dir, first!), "utf8");
  await writeFile(path.join(dir, "重复的一篇.md"), text.replace(/^title: .*$/m, "title: 重复的一篇"));
  return dir;
}

const open = (d: string) => openSnapshot(d, silentLogger(), LibraryCache.for(d));
const cacheDir = (d: string) => LibraryCache.for(d).dir;

/** Everything a reader or an operator can see of a snapshot. */
function seen(s: LibrarySnapshot) {
  const { library } = s;
  return {
    articles: library.articles,
    accounts: library.accounts,
    authors: library.authors,
    latest: library.latest(5),
    onThisDay: library.onThisDay("07-03", 2030),
    random: library.random(() => 0.5),
    gallery: s.gallery,
    warnings: s.problems?.warnings,
    answers: ["照相机", "AI视频", "墨荷", "文章一览"].map((q) =>
      s.index.search(q, { limit: 5 }).hits.map((h) => [h.article.id, h.score]),
    ),
  };
}

describe("the library cache", () => {
  it("gives back the same library, gallery, duplicate warnings and answers as reading every file", async () => {
    const d = await libraryCopy();
    const fresh = await open(d);
    expect(fresh.problems?.warnings.length).toBeGreaterThan(0);
    const restarted = await open(d);
    expect(seen(restarted)).toEqual(seen(fresh));
    expect(await loadIndexedLibrary(d, { cache: LibraryCache.for(d) })).toMatchObject({
      parsed: 0,
      cached: fresh.library.size,
    });
    expect(seen(restarted).latest.length).toBe(5);
    expect(restarted.library.body(fresh.library.latest(1)[0]!.id)).toBe(
      fresh.library.body(fresh.library.latest(1)[0]!.id),
    );
  });

  it("decodes only the articles a search shows, not the whole library, on a start from the cache", async () => {
    const d = await libraryCopy();
    await open(d);
    const cached = await LibraryCache.for(d).read();
    const decoded = new Set<number>();
    const rows = { ...cached.library!.rows, meta: (row: number) => (decoded.add(row), cached.library!.rows.meta(row)) };
    const lib = new Library(rows);
    const hits = SearchIndex.fromPacked(lib, cached.index!).search("AI", { limit: 3 }).hits;
    expect(hits.length).toBe(3);
    expect(decoded.size).toBe(3);
    expect(lib.size).toBeGreaterThan(40);
  });

  it("rebuilds from the files when meta.bin is cut short, garbage, or from another write than index.bin", async () => {
    const d = await libraryCopy();
    const expected = seen(await open(d));
    const meta = path.join(cacheDir(d), "meta.bin");
    const bytes = await readFile(meta);
    for (const broken of [bytes.subarray(0, bytes.length - 7), Buffer.from("not a cache at all")]) {
      await writeFile(meta, broken);
      const snapshot = await open(d);
      expect(seen(snapshot), String(broken.length)).toEqual(expected);
      expect((await readFile(meta)).equals(bytes)).toBe(false); // written again (a new generation)
    }
    // A damaged row: its JSON no longer starts as an object.
    const fresh = await readFile(meta);
    const firstRow = fresh.lastIndexOf('{"title":');
    await writeFile(meta, Buffer.concat([fresh.subarray(0, firstRow), Buffer.from(" "), fresh.subarray(firstRow + 1)]));
    expect(await LibraryCache.for(d).read()).toEqual({ damaged: "meta.bin: articles: checksum mismatch" });
    expect(seen(await open(d))).toEqual(expected);
    // index.bin of an earlier write beside the current meta.bin.
    const oldIndex = await readFile(path.join(cacheDir(d), "index.bin"));
    await writeFile(path.join(d, "新文章.md"), "---\ntitle: 新文章\ndate: 2026-11-30\n---\n一篇讲缓存重建的新文章。\n");
    await open(d);
    await writeFile(path.join(cacheDir(d), "index.bin"), oldIndex);
    const rebuilt = await open(d);
    expect(rebuilt.index.search("缓存重建").hits[0]?.article.title).toBe("新文章");
  });

  it("reads every file again when a remembered article's metadata does not decode while merging a change", async () => {
    const d = await libraryCopy();
    const before = await open(d);
    const meta = path.join(cacheDir(d), "meta.bin");
    const bytes = await readFile(meta);
    // Break the JSON inside the last row, keeping its braces: only decoding that article notices.
    const at = bytes.lastIndexOf('":"');
    await writeFile(meta, Buffer.concat([bytes.subarray(0, at), Buffer.from("\u0001"), bytes.subarray(at + 1)]));
    await writeFile(path.join(d, "新文章.md"), "---\ntitle: 新文章\ndate: 2026-11-30\n---\n一篇讲缓存损坏的新文章。\n");
    const after = await open(d);
    expect(after.library.size).toBe(before.library.size + 1);
    expect(after.library.articles.filter((a) => a.title !== "新文章")).toEqual(before.library.articles);
    expect(after.index.search("缓存损坏").hits[0]?.article.title).toBe("新文章");
    expect(await loadIndexedLibrary(d, { cache: LibraryCache.for(d) })).toMatchObject({ parsed: 0 });
  });

  it("keeps its files from everyone but the bot and its group, whatever the umask", async () => {
    const d = await libraryCopy();
    const umask = process.umask(0);
    try {
      await open(d);
    } finally {
      process.umask(umask);
    }
    const mode = async (f: string) => (await stat(f)).mode & 0o777;
    expect(await mode(cacheDir(d))).toBe(0o750);
    expect(await mode(path.join(cacheDir(d), "meta.bin"))).toBe(0o640);
    expect(await mode(path.join(cacheDir(d), "index.bin"))).toBe(0o640);
  });

  it("replaces the JSON cache of earlier versions instead of reading it", async () => {
    const d = await libraryCopy();
    await open(d);
    await writeFile(
      path.join(cacheDir(d), "meta.json"),
      JSON.stringify({ version: "library-cache-10/packed", data: {} }),
    );
    await rm(path.join(cacheDir(d), "meta.bin"));
    const snapshot = await open(d);
    expect(snapshot.library.size).toBeGreaterThan(40);
    expect((await readdir(cacheDir(d))).sort()).toEqual(["index.bin", "meta.bin"]);
  });
});
