import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { importBackups } from "../../src/importer/import.ts";
import { loadLibrary } from "../../src/library/load.ts";

/**
 * A list page names more articles than there are backups: each entry
 * without a usable backup becomes a listing (title, date, link, the digest
 * when there is one; `listed_only: true`, no body), and the backup that
 * arrives later replaces it under the same name.
 */
let dir: string;
let backups: string;
let out: string;
let listPage: string;

const BODY =
  "这是一篇用来测试导入的文章，正文要足够长，才能算作一篇真正的文章而不是占位。第二句话也在这里，让摘要有内容可取。";

interface Entry {
  title: string;
  url?: string;
  date?: string;
  digest?: string;
}

function givenListPage(entries: Entry[]): void {
  const lines = ["# 【测试号】文章列表", "", "## 文章列表"];
  for (const e of entries) {
    lines.push(`- [${e.title}](${e.url ?? "无链接"}) |  [备份查看](/gzh/backup/测试号/x)`);
    if (e.date) lines.push(`    - 时间：${e.date}`);
    lines.push(`    - 摘要：${e.digest ?? ""}`);
  }
  writeFileSync(listPage, `${lines.join("\n")}\n`);
}

function givenBackup(file: string, title: string, body = BODY): void {
  writeFileSync(path.join(backups, file), `# ${title}\n\n${body}\n`);
}

const run = () => importBackups({ backupDir: backups, listPage, outDir: out });

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "import-listings-"));
  backups = path.join(dir, "backups");
  out = path.join(dir, "articles");
  listPage = path.join(dir, "list.md");
  mkdirSync(backups);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("list entries without a backup", () => {
  it("become listings: title, date, link and account, the digest as summary only when the page has one", async () => {
    givenListPage([
      { title: "有备份", url: "https://mp.weixin.qq.com/s/a", date: "2024-07-03" },
      { title: "只有摘要", url: "https://mp.weixin.qq.com/s/b", date: "2024-07-02", digest: "作者写的摘要" },
      { title: "什么都没有", url: "https://mp.weixin.qq.com/s/c", date: "2024-07-01" },
    ]);
    givenBackup("有备份.md", "有备份");
    const r = await run();
    expect(r.imported.new).toEqual(["有备份.md"]);
    expect(r.listedOnly.new).toEqual(["什么都没有.md", "只有摘要.md"]);
    const lib = await loadLibrary(out);
    expect(lib.skipped).toEqual([]);
    const byTitle = new Map(lib.articles.map((a) => [a.title, a]));
    expect(byTitle.get("只有摘要")).toMatchObject({
      date: "2024-07-02",
      url: "https://mp.weixin.qq.com/s/b",
      account: "测试号",
      listed_only: true,
      summary: "作者写的摘要",
      body: "",
    });
    expect(byTitle.get("什么都没有")).toMatchObject({ listed_only: true, summary: "", body: "" });
    expect(readFileSync(path.join(out, "什么都没有.md"), "utf8")).not.toMatch(/^summary:/m);
    expect(byTitle.get("有备份")!.listed_only).toBeUndefined();
  });

  it("are listed with a date and no link, and not at all without a date", async () => {
    givenListPage([
      { title: "只有日期", date: "2024-07-02" },
      { title: "只有链接", url: "https://mp.weixin.qq.com/s/b" },
      { title: "两样都没有" },
    ]);
    const r = await run();
    expect(r.listedOnly.new).toEqual(["只有日期.md"]);
    expect(r.listedSkipped).toEqual([
      { file: "只有链接", reason: "no date on the list page" },
      { file: "两样都没有", reason: "no date on the list page" },
    ]);
    expect(readdirSync(out)).toEqual(["只有日期.md"]);
  });

  it("include entries whose backup is a placeholder", async () => {
    givenListPage([{ title: "占位", url: "https://mp.weixin.qq.com/s/a", date: "2024-07-02" }]);
    givenBackup("占位.md", "占位", "None");
    const r = await run();
    expect(r.skipped).toEqual([{ file: "占位.md", reason: expect.stringMatching(/placeholder/) }]);
    expect(r.listedOnly.new).toEqual(["占位.md"]);
  });
});

describe("a backup that arrives later", () => {
  it("replaces the listing in the same file: the same article, not a second one", async () => {
    givenListPage([{ title: "迟到的备份", url: "https://mp.weixin.qq.com/s/a", date: "2024-07-02", digest: "摘要" }]);
    await run();
    givenBackup("迟到的备份.md", "迟到的备份");
    const r = await run();
    expect(r.imported.new).toEqual([]);
    expect(r.imported.updated).toEqual(["迟到的备份.md"]);
    expect(r.listedOnly).toEqual({ new: [], updated: [], unchanged: [] });
    const lib = await loadLibrary(out);
    expect(lib.articles).toHaveLength(1);
    expect(lib.articles[0]).toMatchObject({ id: "迟到的备份", body: BODY, summary: "摘要" });
    expect(lib.articles[0]!.listed_only).toBeUndefined();
  });

  it("removes the listing when it spells the title into another file name (？ for ?)", async () => {
    givenListPage([{ title: "要不要跳槽?", url: "https://mp.weixin.qq.com/s/a", date: "2024-07-02" }]);
    await run();
    expect(readdirSync(out)).toEqual(["要不要跳槽_.md"]);
    givenBackup("要不要跳槽？.md", "要不要跳槽？");
    const r = await run();
    expect(r.imported.new).toEqual(["要不要跳槽？.md"]);
    expect(readdirSync(out)).toEqual(["要不要跳槽？.md"]);
  });

  it("keeps its text when it later turns into a placeholder: a listing never replaces an article", async () => {
    givenListPage([{ title: "变成占位", url: "https://mp.weixin.qq.com/s/a", date: "2024-07-02" }]);
    givenBackup("变成占位.md", "变成占位");
    await run();
    const article = readFileSync(path.join(out, "变成占位.md"), "utf8");
    givenBackup("变成占位.md", "变成占位", "None");
    const r = await run();
    expect(r.listedOnly).toEqual({ new: [], updated: [], unchanged: [] });
    expect(readFileSync(path.join(out, "变成占位.md"), "utf8")).toBe(article);
  });
});

describe("with only some backups (a sync's changes)", () => {
  it("writes listings only for the entries named in `listed`", async () => {
    givenListPage([
      { title: "新上列表", url: "https://mp.weixin.qq.com/s/a", date: "2024-07-03" },
      { title: "早就在列表", url: "https://mp.weixin.qq.com/s/b", date: "2024-07-02" },
    ]);
    const r = await importBackups({ backupDir: backups, listPage, outDir: out, only: [], listed: ["新上列表"] });
    expect(r.listedOnly.new).toEqual(["新上列表.md"]);
    expect(readdirSync(out)).toEqual(["新上列表.md"]);
  });
});
