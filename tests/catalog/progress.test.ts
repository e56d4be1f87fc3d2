import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LibraryCache } from "../../src/catalog/cache.ts";
import { loadIndexedLibrary } from "../../src/catalog/indexed.ts";
import { openSnapshot } from "../../src/catalog/live.ts";
import { BUNDLED_LIBRARY } from "../helpers/bot.ts";
import { capturedLog } from "../observability/harness.ts";

let dir = "";
afterEach(() => rm(dir, { recursive: true, force: true }));

async function copyOfBundled(): Promise<string> {
  dir = await mkdtemp(path.join(os.tmpdir(), "article-bot-progress-"));
  await cp(BUNDLED_LIBRARY, dir, { recursive: true });
  return dir;
}

/** Load `d` through its cache; every progress report it makes. */
async function load(d: string): Promise<Array<[number, number]>> {
  const reports: Array<[number, number]> = [];
  await loadIndexedLibrary(d, { cache: LibraryCache.for(d), onProgress: (done, total) => reports.push([done, total]) });
  return reports;
}

const article = (i: number) => `---\ntitle: 第${i}篇\ndate: 2024-01-01\n---\n一篇很短的文章，编号 ${i}。\n`;

describe("progress of an index build", () => {
  it("reports a first build from 0 up to every file, the counts rising; a start with nothing changed reports nothing", async () => {
    const d = await copyOfBundled();
    const first = await load(d);
    const total = first[0]![1];
    expect(total).toBeGreaterThan(40);
    expect(first[0]).toEqual([0, total]);
    expect(first.at(-1)).toEqual([total, total]);
    expect(first.every(([, of]) => of === total)).toBe(true);
    const counts = first.map(([done]) => done);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(new Set(counts).size).toBe(counts.length);
    expect(await load(d)).toEqual([]);
  });

  it("counts only the files parsed again when some changed", async () => {
    const d = await copyOfBundled();
    await load(d);
    await writeFile(path.join(d, "新来的一篇.md"), article(1));
    expect(await load(d)).toEqual([
      [0, 1],
      [1, 1],
    ]);
  });

  it("reports a large build about every 1 % and logs it every 10 %; a small build or a start from the cache logs none", async () => {
    const d = await copyOfBundled();
    await Promise.all(Array.from({ length: 1_000 }, (_, i) => writeFile(path.join(d, `n${i}.md`), article(i))));
    const indexing = (lines: Array<Record<string, unknown>>) =>
      lines.filter((l) => String(l.msg).startsWith("indexing articles"));
    const first = capturedLog();
    let reports = 0;
    await openSnapshot(d, first.log, LibraryCache.for(d), () => reports++);
    expect(reports).toBeGreaterThan(90);
    expect(reports).toBeLessThanOrEqual(101);
    const logged = indexing(first.lines());
    expect(logged).toHaveLength(11);
    expect(logged.map((l) => Math.floor(((l.done as number) * 10) / (l.total as number)))).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ]);
    const cached = capturedLog();
    await openSnapshot(d, cached.log, LibraryCache.for(d));
    expect(indexing(cached.lines())).toEqual([]);
    await writeFile(path.join(d, "新来的一篇.md"), article(1));
    const small = capturedLog();
    await openSnapshot(d, small.log, LibraryCache.for(d));
    expect(indexing(small.lines())).toEqual([]);
    expect(small.lines()).toContainEqual(expect.objectContaining({ msg: "library ready", parsed: 1 }));
  });
});
