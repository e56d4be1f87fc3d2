import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadLibrary, readArticleBody } from "../../src/library/load.ts";
import { parseAll } from "../helpers/parse.ts";

/**
 * gray-matter evaluates `---js` / `--- javascript` front matter with eval,
 * `require` in reach. An article file is hostile input: only `---` + YAML
 * may ever be parsed.
 */
let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function libraryWith(files: Record<string, string>): { dir: string; marker: string } {
  dir = mkdtempSync(path.join(tmpdir(), "front-matter-"));
  const marker = path.join(dir, "pwned");
  for (const [name, text] of Object.entries(files))
    writeFileSync(path.join(dir, name), text.replaceAll("MARKER", JSON.stringify(marker)));
  return { dir, marker };
}

/** Front matter that, if evaluated, writes a marker file and returns valid metadata. */
const EVIL = (opener: string) =>
  `${opener}\n{ title: (require("fs").writeFileSync(MARKER, "x"), "被执行了"), date: "2024-07-01" }\n---\n正文\n`;
const GOOD = "---\ntitle: 好文章\ndate: 2024-07-01\n---\n正文\n";

describe("article front matter is YAML behind a bare `---`, nothing else", () => {
  const openers = [
    "---js",
    "--- javascript",
    "---coffee",
    "---JS",
    "---toml",
    "---json",
    "---yml",
    "\ufeff---js",
    "---\u00a0js",
  ];

  it("skips a file opening with any other engine, naming the file, and never runs its code", async () => {
    const files: Record<string, string> = { "good.md": GOOD };
    openers.forEach((o, i) => (files[`evil-${i}.md`] = EVIL(o)));
    const { dir, marker } = libraryWith(files);
    const { articles, skipped } = await loadLibrary(dir);
    expect(articles.map((a) => a.title)).toEqual(["好文章"]);
    expect(skipped.map((p) => p.file).sort()).toEqual(openers.map((_, i) => `evil-${i}.md`).sort());
    for (const p of skipped) expect(p.message).toMatch(/front matter must open with a bare "---"/);
    expect(existsSync(marker)).toBe(false);
  });

  it("does not run it in the parse workers either", async () => {
    const { dir, marker } = libraryWith({ "a.md": EVIL("---js"), "b.md": EVIL("--- javascript"), "c.md": GOOD });
    const results = await parseAll(dir, ["a.md", "b.md", "c.md"], { workers: 2 });
    expect(results.map((r) => ("message" in r ? r.file : r.meta.title))).toEqual(["a.md", "b.md", "好文章"]);
    expect(existsSync(marker)).toBe(false);
  });

  it("does not run it when a search reply reads an article body from disk", () => {
    const { dir, marker } = libraryWith({ "a.md": EVIL("---js") });
    expect(readArticleBody(dir, "a")).toBe("");
    expect(existsSync(marker)).toBe(false);
  });

  it("still reads YAML front matter opened by `---` with trailing spaces or CRLF", async () => {
    const { dir } = libraryWith({ "a.md": "---  \r\ntitle: 甲\r\ndate: 2024-07-01\r\n---\r\n正文\r\n" });
    const { articles, skipped } = await loadLibrary(dir);
    expect(skipped).toEqual([]);
    expect(articles.map((a) => [a.title, a.body])).toEqual([["甲", "正文"]]);
  });
});

describe("dates are real calendar dates", () => {
  it("skips 2024-02-30 and 2023-02-29 (checked by round trip), keeps 2024-02-29", async () => {
    const article = (date: string) => `---\ntitle: 日期 ${date}\ndate: ${date}\n---\n正文\n`;
    const { dir } = libraryWith({
      "a.md": article("2024-02-30"),
      "b.md": article("2023-02-29"),
      "c.md": article("2024-02-29"),
      "d.md": article("2024-04-31"),
    });
    const { articles, skipped } = await loadLibrary(dir);
    expect(articles.map((a) => a.date)).toEqual(["2024-02-29"]);
    expect(skipped.map((p) => [p.file, p.message])).toEqual([
      ["a.md", "date is not a real calendar date"],
      ["b.md", "date is not a real calendar date"],
      ["d.md", "date is not a real calendar date"],
    ]);
  });
});
