import { statSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { statFiles } from "../../src/catalog/stat-files.ts";

let dir = "";
afterEach(() => rm(dir, { recursive: true, force: true }));

/** `count` markdown files spread over three folders, plus files and folders the library ignores. */
async function library(count: number): Promise<string> {
  dir = await mkdtemp(path.join(os.tmpdir(), "article-bot-stat-"));
  for (const folder of ["槽边往事", "九边", "刘润", ".sync"]) await mkdir(path.join(dir, folder));
  await Promise.all(
    Array.from({ length: count }, (_, i) =>
      writeFile(path.join(dir, ["槽边往事", "九边", "刘润"][i % 3]!, `第${i}篇.md`), "x".repeat(i % 50)),
    ),
  );
  await writeFile(path.join(dir, ".sync", "hidden.md"), "not the library");
  await writeFile(path.join(dir, "import.log"), "not an article");
  return dir;
}

/** What the main thread's own stat says of each file. */
const stamped = (d: string, name: string) => {
  const info = statSync(path.join(d, name));
  return { name, stamp: { mtimeMs: info.mtimeMs, size: info.size } };
};

describe("statFiles", () => {
  it("stats a large library on a worker thread: every markdown file, sorted, with the stamps this thread sees, running `meanwhile` while it waits", async () => {
    const d = await library(2100);
    const ran: string[] = [];
    const found = await statFiles(d, () => ran.push("warmed"));
    expect(ran).toEqual(["warmed"]);
    expect(found).toHaveLength(2100);
    expect(found.map((f) => f.name)).toEqual(found.map((f) => f.name).sort());
    expect(found.every((f) => f.name.endsWith(".md") && !f.name.startsWith("."))).toBe(true);
    for (const f of [found[0]!, found[777]!, found[2099]!]) expect(f).toEqual(stamped(d, f.name));
  });

  it("stats a small library on this thread, with the same answer and `meanwhile` run once", async () => {
    const d = await library(30);
    let ran = 0;
    const found = await statFiles(d, () => ran++);
    expect(ran).toBe(1);
    expect(found).toEqual(found.map((f) => stamped(d, f.name)));
    expect(found).toHaveLength(30);
  });
});
