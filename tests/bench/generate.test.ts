import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { ensureCorpus, generateArticles, MAX_BODY, MIN_BODY, readManifest } from "../../bench/generate.ts";
import { readSource, type SourceMaterial } from "../../bench/source.ts";
import { loadLibrary } from "../../src/library/load.ts";
import { HARDENING_LIBRARY } from "../hardening/fixtures.ts";

let material: SourceMaterial;
let dir = "";
beforeAll(async () => {
  material = await readSource(HARDENING_LIBRARY);
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe("the benchmark corpus generator", () => {
  it("recombines real articles into valid, unique articles with 1–5k character bodies", async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "bench-corpus-"));
    expect(await ensureCorpus(dir, 300, { sourceDir: HARDENING_LIBRARY })).toBe(true);
    const { articles, skipped } = await loadLibrary(dir);
    expect(skipped).toEqual([]);
    expect(articles).toHaveLength(300);
    expect(new Set(articles.map((a) => a.title)).size).toBe(300);
    expect(new Set(articles.map((a) => a.url)).size).toBe(300);
    for (const a of articles) {
      expect(a.body.length).toBeGreaterThanOrEqual(MIN_BODY);
      expect(a.body.length).toBeLessThanOrEqual(MAX_BODY);
      expect(a.body).toMatch(/\p{Script=Han}/u);
    }
    expect(articles.filter((a) => a.zen).length).toBeGreaterThan(200);
  });

  it("is deterministic: the same seed gives the same articles, another seed others", () => {
    const first = [...generateArticles(50, material, 7)];
    expect([...generateArticles(50, material, 7)]).toEqual(first);
    expect([...generateArticles(50, material, 8)].map((a) => a.frontMatter.title)).not.toEqual(
      first.map((a) => a.frontMatter.title),
    );
  });

  it("keeps titles unique even when the material can make only a few", () => {
    const tiny: SourceMaterial = { ...material, clauses: ["同一个标题"], words: ["猫弟"], titles: ["独一无二"] };
    const titles = [...generateArticles(500, tiny, 1)].map((a) => a.frontMatter.title);
    expect(new Set(titles).size).toBe(500);
  });

  it("leaves a corpus alone when it already holds what was asked, and rebuilds it otherwise", async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "bench-corpus-"));
    await ensureCorpus(dir, 20, { sourceDir: HARDENING_LIBRARY });
    const before = (await stat(path.join(dir, "a00.md"))).mtimeMs;
    expect(await ensureCorpus(dir, 20, { sourceDir: HARDENING_LIBRARY })).toBe(false);
    expect((await stat(path.join(dir, "a00.md"))).mtimeMs).toBe(before);
    expect(await ensureCorpus(dir, 30, { sourceDir: HARDENING_LIBRARY })).toBe(true);
    expect((await readdir(dir)).filter((f) => f.endsWith(".md"))).toHaveLength(30);
    expect(readManifest(dir)).toMatchObject({ articles: 30, seed: 1, sourceArticles: 4 });
  });
});
