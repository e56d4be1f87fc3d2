import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { importBackups } from "../../src/importer/import.ts";
import { loadLibrary } from "../../src/library/load.ts";

/**
 * `--out` is usually the bot's article folder, which also holds files the
 * writer made by hand: the importer replaces only files it wrote itself,
 * and one bad backup never stops the run.
 */
let dir: string;
let backups: string;
let out: string;
let listPage: string;

const BODY =
  "这是一篇用来测试导入的文章，正文要足够长，才能算作一篇真正的文章而不是占位。第二句话也在这里，让摘要有内容可取。";

/** Backups (title → body) and a list page giving each a date and a url. */
function givenBackups(articles: Record<string, string>): void {
  const lines = ["# 【测试号】文章列表", "", "## 文章列表"];
  Object.entries(articles).forEach(([title, body], i) => {
    writeFileSync(path.join(backups, `backup-${i}.md`), `# ${title}\n\n${body}\n`);
    lines.push(
      `- [${title}](https://mp.weixin.qq.com/s/a${i}) |  [备份查看](/gzh/backup/测试号/${i})`,
      "    - 时间：2024-07-02",
      "    - 摘要：",
    );
  });
  writeFileSync(listPage, `${lines.join("\n")}\n`);
}

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "import-own-"));
  backups = path.join(dir, "backups");
  out = path.join(dir, "articles");
  listPage = path.join(dir, "list.md");
  mkdirSync(backups);
  mkdirSync(out);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("the importer only replaces files it owns", () => {
  it("leaves a hand-written file of the same name alone and writes the article beside it, run after run", async () => {
    const notes = "---\ntitle: 我的笔记\ndate: 2024-01-01\n---\n手写的，不许覆盖。\n";
    writeFileSync(path.join(out, "notes.md"), notes);
    givenBackups({ notes: BODY });
    const first = await importBackups({ backupDir: backups, listPage, outDir: out });
    expect(first.imported.new).toEqual(["notes-2.md"]);
    expect(readFileSync(path.join(out, "notes.md"), "utf8")).toBe(notes);
    const again = await importBackups({ backupDir: backups, listPage, outDir: out });
    expect(again.imported).toEqual({ new: [], updated: [], unchanged: ["notes-2.md"] });
    expect(readFileSync(path.join(out, "notes.md"), "utf8")).toBe(notes);
  });

  it("still updates its own file, recognised by the url or by its mark", async () => {
    givenBackups({ 独一无二: BODY });
    await importBackups({ backupDir: backups, listPage, outDir: out });
    const file = path.join(out, "独一无二.md");
    const written = readFileSync(file, "utf8");
    expect(written).toMatch(/^imported_from: /m);
    writeFileSync(file, written.replace("正文要足够长", "被手改过"));
    const r = await importBackups({ backupDir: backups, listPage, outDir: out });
    expect(r.imported.updated).toEqual(["独一无二.md"]);
    expect(readFileSync(file, "utf8")).toBe(written);
  });

  it("restores the previous content when the new version fails the check, and never deletes a file it did not create", async () => {
    givenBackups({ 大文章: BODY });
    await importBackups({ backupDir: backups, listPage, outDir: out });
    const file = path.join(out, "大文章.md");
    const before = readFileSync(file, "utf8");
    givenBackups({ 大文章: `${BODY}\n\n一个\u0000字节。` }); // the loader refuses a file with a NUL byte
    const r = await importBackups({ backupDir: backups, listPage, outDir: out });
    expect(r.skipped).toEqual([
      { file: "backup-0.md", reason: expect.stringMatching(/written file does not load: binary file/) },
    ]);
    expect(readFileSync(file, "utf8")).toBe(before);
    expect(readdirSync(out)).toEqual(["大文章.md"]); // no temporary file left behind
  });
});

describe("file names the file system accepts", () => {
  it("limits names to 200 UTF-8 bytes: an 80-character Chinese title is imported, not fatal", async () => {
    const long = "长".repeat(80);
    givenBackups({ [long]: BODY, 短标题: BODY });
    const r = await importBackups({ backupDir: backups, listPage, outDir: out });
    expect(r.skipped).toEqual([]);
    expect(r.imported.new).toHaveLength(2);
    for (const name of r.imported.new) expect(Buffer.byteLength(name)).toBeLessThanOrEqual(200);
    const lib = await loadLibrary(out);
    expect(lib.articles.map((a) => a.title).sort()).toEqual([long, "短标题"].sort());
  });

  it("avoids names Windows reserves (CON, nul, COM1)", async () => {
    givenBackups({ CON: BODY, nul: BODY, com1: BODY });
    const r = await importBackups({ backupDir: backups, listPage, outDir: out });
    expect(r.imported.new.sort()).toEqual(["_CON.md", "_com1.md", "_nul.md"]);
  });

  it("skips one backup it cannot write, with a line naming it, and imports the rest", async () => {
    mkdirSync(path.join(out, "坏.md")); // a directory where the file would go
    givenBackups({ 坏: BODY, 好: BODY });
    const r = await importBackups({ backupDir: backups, listPage, outDir: out });
    expect(r.imported.new).toEqual(["好.md"]);
    expect(r.skipped).toEqual([{ file: "backup-0.md", reason: expect.stringMatching(/^cannot write 坏\.md: /) }]);
  });
});
