import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it, vi } from "vitest";
import { run } from "../../src/cli/import.ts";
import { ImportError, chooseSummary, importBackups, type ImportReport } from "../../src/importer/import.ts";
import { formatReport } from "../../src/importer/report.ts";
import { safeFileName } from "../../src/importer/write.ts";
import { loadLibrary } from "../../src/library/load.ts";
import { BACKUP_DIR, FIXTURES, LIST_PAGE } from "./corpus.ts";

const tmp = mkdtempSync(path.join(os.tmpdir(), "article-bot-import-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const SENTENCE_END = /[。！？…][”’」』）)]*$/;

function countOf(r: ImportReport) {
  return {
    new: r.imported.new.length,
    updated: r.imported.updated.length,
    unchanged: r.imported.unchanged.length,
    skipped: r.skipped.length,
  };
}

function snapshot(dir: string): Map<string, { bytes: string; mtime: number }> {
  return new Map(
    readdirSync(dir).map((f) => [
      f,
      { bytes: readFileSync(path.join(dir, f), "utf8"), mtime: statSync(path.join(dir, f)).mtimeMs },
    ]),
  );
}

describe("importBackups on the real 槽边往事 sample", () => {
  const out = path.join(tmp, "real");
  let first: ImportReport;

  it("imports 41 of 43 backups and explains the rest", async () => {
    const progress: Array<[number, number]> = [];
    first = await importBackups({
      backupDir: BACKUP_DIR,
      listPage: LIST_PAGE,
      outDir: out,
      onProgress: (d, t) => progress.push([d, t]),
    });
    expect(first.total).toBe(43);
    expect(countOf(first)).toEqual({ new: 41, updated: 0, unchanged: 0, skipped: 2 });
    expect(first.skipped).toEqual([
      { file: "微信红包封面汇总（1）.md", reason: expect.stringMatching(/too short/) },
      { file: "给陈桐玥同学的回信.md", reason: expect.stringMatching(/placeholder "None"/) },
    ]);
    expect(first.withoutDate).toEqual([]);
    expect(first.notInList).toEqual([]);
    expect(first.withoutZen).toEqual(["2024 年 12 月文章一览.md"]);
    expect(first.account).toBe("槽边往事");
    expect(progress).toEqual([[43, 43]]);
  });

  it("lists the other 607 entries of the list page (648 titles) as listings: title, date and link, no text", async () => {
    expect(first.listedOnly.new).toHaveLength(607);
    expect(first.listedOnly.new).toContain("给陈桐玥同学的回信.md"); // its backup is a placeholder
    expect(first.listedSkipped).toEqual([]);
    const listing = readFileSync(path.join(out, "1688游记.md"), "utf8");
    expect(listing).toMatch(/^listed_only: true$/m);
    expect(listing.split("---\n")[2]!.trim()).toBe("");
  });

  it("writes files the library loads without a single problem", async () => {
    const lib = await loadLibrary(out);
    expect(lib.skipped).toEqual([]);
    expect(lib.articles).toHaveLength(648);
    expect(lib.articles.filter((a) => !a.listed_only)).toHaveLength(41);
  });

  it("独一无二 gets its date, url, summary and zen", async () => {
    const lib = await loadLibrary(out);
    const a = lib.articles.find((x) => x.id === "独一无二")!;
    expect(a).toMatchObject({
      title: "独一无二",
      date: "2024-07-02",
      url: expect.stringContaining("mid=2652799716"),
      author: "和菜头",
      account: "槽边往事",
      zen: { title: "墨荷", creator: "和菜头的小肉手", model: "Midjourney V6" },
    });
    expect(a.zen!.image).toMatch(/wx_fmt=jpeg&from=appmsg$/);
    expect(a.cover).toMatch(/wx_fmt=jpeg&from=appmsg$/);
    expect(a.body.startsWith("大家都喜欢看视频")).toBe(true);
    expect(a.tags).toBeUndefined();
    // The list page's digest: one complete sentence (see chooseSummary).
    expect(a.summary).toBe("大家都喜欢看视频，而我也已经很久没有发布视频内容，那么今天的文章不妨从视频开始。");
  });

  it("summaries end at a sentence end and stay within 120 characters when computed", async () => {
    const lib = await loadLibrary(out);
    const byId = new Map(lib.articles.map((a) => [a.id, a]));
    for (const id of ["预测之书：通往未来的门票", "2024年8月文章一览", "AI所画不出来的"]) {
      const s = byId.get(id)!.summary;
      expect([...s].length, id).toBeGreaterThanOrEqual(80);
      expect([...s].length, id).toBeLessThanOrEqual(120);
      expect(s, id).toMatch(SENTENCE_END);
    }
    // WeChat's automatic digest cut inside a quotation is replaced by a summary of the body.
    expect(byId.get("飞机和草台班子")!.summary).toMatch(/不该坐飞机。”.*。$/);
    // A digest post's summary is its prose, not its list of titles.
    expect(byId.get("2024年8月文章一览")!.summary).not.toContain("路人甲的高光时刻");
    expect(byId.get("2024年8月文章一览")!.tags).toEqual(["文章一览"]);
    expect(byId.get("2024 年 12 月文章一览")!.tags).toEqual(["文章一览"]);
    // The author's own digest is kept even though it is short.
    expect(byId.get("在和菜头的激励下")!.summary).toBe("阿甘是个傻子");
  });

  it("is idempotent: a second run rewrites nothing", async () => {
    const before = snapshot(out);
    const second = await importBackups({ backupDir: BACKUP_DIR, listPage: LIST_PAGE, outDir: out });
    expect(countOf(second)).toEqual({ new: 0, updated: 0, unchanged: 41, skipped: 2 });
    expect(second.listedOnly.unchanged).toHaveLength(607);
    expect(snapshot(out)).toEqual(before);
  });

  it("rewrites a file that was changed by hand, and only that one", async () => {
    const file = path.join(out, "独一无二.md");
    const original = readFileSync(file, "utf8");
    writeFileSync(file, original.replace("墨荷", "别的"));
    const third = await importBackups({ backupDir: BACKUP_DIR, listPage: LIST_PAGE, outDir: out });
    expect(third.imported.updated).toEqual(["独一无二.md"]);
    expect(readFileSync(file, "utf8")).toBe(original);
  });

  it("without a list page every article lacks a date and is skipped", async () => {
    const r = await importBackups({ backupDir: BACKUP_DIR, outDir: path.join(tmp, "nolist") });
    expect(countOf(r)).toMatchObject({ new: 0, skipped: 43 });
    expect(r.withoutDate).toHaveLength(41);
    expect(r.skipped.find((s) => s.file === "独一无二.md")?.reason).toMatch(/no list page/);
  });
});

describe("importBackups on awkward input", () => {
  const backups = path.join(tmp, "mixed-in");
  const out = path.join(tmp, "mixed-out");
  mkdirSync(backups, { recursive: true });
  for (const f of readdirSync(`${FIXTURES}backups`)) copyFileSync(`${FIXTURES}backups/${f}`, path.join(backups, f));
  copyFileSync(`${BACKUP_DIR}/独一无二.md`, path.join(backups, "独一无二.md"));
  writeFileSync(path.join(backups, "notes.json"), "{}");

  it("skips empty and placeholder backups with a reason and reports titles not on the list", async () => {
    const r = await importBackups({ backupDir: backups, listPage: `${FIXTURES}list.md`, outDir: out });
    expect(r.total).toBe(4);
    expect(r.account).toBe("测试号");
    expect(r.imported.new).toEqual([`${safeFileName(`说 "再见": 《告别》的 'YAML' 测试`)}.md`]);
    expect(r.skipped.map((s) => s.file).sort()).toEqual(["empty.md", "placeholder.md", "独一无二.md"]);
    expect(r.skipped.find((s) => s.file === "empty.md")?.reason).toMatch(/empty/);
    expect(r.notInList).toEqual(["独一无二.md"]);
    expect(r.withoutDate).toEqual(["独一无二.md"]);
    expect(r.notRead).toEqual([{ file: "notes.json", reason: "not a backup (only .md and .txt files are read)" }]);
  });

  it("lists the entry whose backup is a placeholder, and not the one without a real date", async () => {
    const r = await importBackups({ backupDir: backups, listPage: `${FIXTURES}list.md`, outDir: out });
    expect(r.listedOnly.unchanged).toEqual(["占位文章.md"]);
    expect(r.listedSkipped).toEqual([{ file: "坏日期", reason: "no date on the list page" }]);
    const lib = await loadLibrary(out);
    expect(lib.articles.find((a) => a.title === "占位文章")).toMatchObject({
      date: "2024-07-03",
      url: "https://mp.weixin.qq.com/s/placeholder",
      summary: "作者写的摘要",
      account: "测试号",
      listed_only: true,
      body: "",
    });
  });

  it("round-trips a title with colon, quotes and 《》 through YAML", async () => {
    const lib = await loadLibrary(out);
    expect(lib.skipped).toEqual([]);
    expect(lib.articles.find((a) => !a.listed_only)).toMatchObject({
      title: `说 "再见": 《告别》的 'YAML' 测试`,
      date: "2024-07-02",
      url: "https://mp.weixin.qq.com/s/quoting-test",
      account: "测试号",
      author: "测试者",
    });
    expect(safeFileName(`说 "再见": 《告别》的 'YAML' 测试`)).toBe(`说 _再见__ 《告别》的 'YAML' 测试`);
  });

  it("reports progress every 100 backups and at the end", async () => {
    const many = path.join(tmp, "many");
    mkdirSync(many, { recursive: true });
    for (let i = 0; i < 230; i++) writeFileSync(path.join(many, `${String(i).padStart(3, "0")}.md`), "None");
    const calls: number[] = [];
    const r = await importBackups({
      backupDir: many,
      outDir: path.join(tmp, "many-out"),
      onProgress: (d) => calls.push(d),
    });
    expect(calls).toEqual([100, 200, 230]);
    expect(r.skipped).toHaveLength(230);
  });

  it("throws ImportError for a missing backup directory or list page", async () => {
    await expect(importBackups({ backupDir: path.join(tmp, "nope"), outDir: out })).rejects.toBeInstanceOf(ImportError);
    await expect(
      importBackups({ backupDir: backups, listPage: path.join(tmp, "nope.md"), outDir: out }),
    ).rejects.toBeInstanceOf(ImportError);
  });
});

describe("importing one backup, .txt backups, and the account", () => {
  const one = path.join(tmp, "one");
  const out = path.join(tmp, "one-out");
  mkdirSync(path.join(one, "backup", "sub"), { recursive: true });
  copyFileSync(`${BACKUP_DIR}/独一无二.md`, path.join(one, "backup", "独一无二.md"));
  copyFileSync(`${BACKUP_DIR}/AI所画不出来的.md`, path.join(one, "backup", "AI所画不出来的.txt"));
  writeFileSync(path.join(one, "backup", "cover.png"), "");
  writeFileSync(path.join(one, "backup", ".DS_Store"), "");

  it("imports a single backup file given instead of a folder", async () => {
    const r = await importBackups({
      backupDir: path.join(one, "backup", "独一无二.md"),
      listPage: LIST_PAGE,
      outDir: path.join(out, "file"),
    });
    expect(r.total).toBe(1);
    expect(r.imported.new).toEqual(["独一无二.md"]);
    expect(r.notRead).toEqual([]);
  });

  it("reads .txt backups like .md ones, and says why each other entry of the folder was not read", async () => {
    const r = await importBackups({
      backupDir: path.join(one, "backup"),
      listPage: LIST_PAGE,
      outDir: path.join(out, "folder"),
    });
    expect(r.imported.new).toEqual(["AI所画不出来的.md", "独一无二.md"]);
    expect(r.notRead).toEqual([
      { file: ".DS_Store", reason: "a hidden file" },
      { file: "cover.png", reason: "not a backup (only .md and .txt files are read)" },
      { file: "sub/", reason: "a folder (only the files directly in the backup folder are read)" },
    ]);
    expect(formatReport(r, out)).toContain(
      "not read: 3\n  .DS_Store: a hidden file\n  cover.png: not a backup (only .md and .txt files are read)\n",
    );
  });

  it("takes the account from --account before the list page's heading and the folder's name, and says where it came from", async () => {
    const named = await importBackups({
      backupDir: path.join(one, "backup"),
      listPage: LIST_PAGE,
      account: "菜头的号",
      outDir: path.join(out, "named"),
    });
    expect(named.account).toBe("菜头的号");
    expect((await loadLibrary(path.join(out, "named"))).articles.find((a) => a.title === "独一无二")?.account).toBe(
      "菜头的号",
    );
    const fromList = await importBackups({
      backupDir: path.join(one, "backup"),
      listPage: LIST_PAGE,
      outDir: path.join(out, "named"),
    });
    expect(fromList.account).toBe("槽边往事");
    const fromFolder = await importBackups({ backupDir: path.join(one, "backup"), outDir: path.join(out, "nolist") });
    expect(formatReport(fromFolder, out)).toMatch(
      /^backups: 2 \(account backup: the folder's name; --account NAME to change it\)\n/,
    );
    const lone = await importBackups({
      backupDir: path.join(one, "backup", "独一无二.md"),
      outDir: path.join(out, "nolist"),
    });
    expect(lone.account).toBeUndefined(); // not "backup": a lone file's folder names no account
  });
});

describe("re-importing articles that are already there, written by hand or bundled", () => {
  it("leaves the bundled library's 41 articles as they are: nothing but the importer's mark would change", async () => {
    const bundled = fileURLToPath(new URL("../../data/articles", import.meta.url));
    const out = path.join(tmp, "bundled");
    mkdirSync(out);
    for (const f of readdirSync(bundled)) if (f.endsWith(".md")) copyFileSync(path.join(bundled, f), path.join(out, f));
    const before = snapshot(out);
    const r = await importBackups({ backupDir: BACKUP_DIR, listPage: LIST_PAGE, outDir: out });
    expect(countOf(r)).toEqual({ new: 0, updated: 0, unchanged: 41, skipped: 2 });
    const after = snapshot(out);
    for (const [file, was] of before) expect(after.get(file), file).toEqual(was);
  });
});

describe("chooseSummary", () => {
  const body = "第一句话说完了。第二句话接着说，还有很多内容，一直说到这里才结束。第三句。";

  it("replaces WeChat's truncated automatic digest with a summary of the body", () => {
    expect(chooseSummary("第一句话说完了。第二句话接着说", body)).toBe(body);
    expect(chooseSummary("“引号没有闭合。", "“引号没有闭合。”然后继续。")).toBe("“引号没有闭合。”然后继续。");
  });

  it("keeps a complete or author-written digest", () => {
    expect(chooseSummary("第一句话说完了。", body)).toBe("第一句话说完了。");
    expect(chooseSummary("作者自己写的话", body)).toBe("作者自己写的话");
  });
});

describe("article-bot import (CLI)", () => {
  const output = () => {
    const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    return {
      text: () => ({
        out: out.mock.calls.map((c) => String(c[0])).join(""),
        err: err.mock.calls.map((c) => String(c[0])).join(""),
      }),
      restore: () => (out.mockRestore(), err.mockRestore()),
    };
  };

  it("exits 2 on usage errors and 1 for a missing backup directory", async () => {
    const io = output();
    try {
      expect(await run([])).toBe(2);
      expect(await run([BACKUP_DIR, "--out", path.join(tmp, "x")])).toBe(2); // no --list, no --no-list
      expect(await run(["a", "b"])).toBe(2);
      expect(await run(["a", "--bogus"])).toBe(2);
      expect(await run([path.join(tmp, "nope"), "--no-list", "--out", path.join(tmp, "x")])).toBe(1);
      expect(io.text().err).toMatch(/no such backup file or folder: /);
      expect(await run([path.join(tmp, "x.json"), "--no-list", "--account", " "])).toBe(2);
    } finally {
      io.restore();
    }
  });

  it("prints the report and exits 0 even with skipped backups", async () => {
    const io = output();
    try {
      const code = await run([BACKUP_DIR, "--list", LIST_PAGE, "--out", path.join(tmp, "cli")]);
      expect(code).toBe(0);
      const { out, err } = io.text();
      expect(out).toMatch(/imported: 41 \(new 41, updated 0, unchanged 0\)/);
      expect(out).toMatch(/skipped: 2\n {2}微信红包封面汇总（1）\.md: /);
      expect(out).toMatch(/without date: 0/);
      expect(out).toMatch(/without zen: 1/);
      expect(err).toBe("43/43 backups processed\n");
    } finally {
      io.restore();
    }
  });
});
