import { execFileSync } from "node:child_process";
import {
  existsSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { loadLibrary } from "../../src/library/load.ts";
import { formatSyncReport } from "../../src/sync/report.ts";
import { syncLibrary, SyncUsageError, type SyncOptions } from "../../src/sync/sync.ts";
import { BackupRepo, type FakeArticle } from "../helpers/backup-repo.ts";

let repo: BackupRepo;
let data: string;

const articles = (n: number, prefix: string, date = "2025-02-01"): FakeArticle[] =>
  Array.from({ length: n }, (_, i) => ({ title: `${prefix}${i + 1}`, date }));

function opts(extra: Partial<SyncOptions> = {}): SyncOptions {
  return {
    repo: repo.url,
    branch: "master",
    root: "gzh",
    accounts: [],
    dataDir: data,
    articlesDir: path.join(data, "articles"),
    ...extra,
  };
}

/** Every file under the article folder (not the mirror) with its bytes and modification time. */
function snapshot(): Map<string, string> {
  const files = new Map<string, string>();
  const dir = path.join(data, "articles");
  if (!existsSync(dir)) return files;
  for (const rel of readdirSync(dir, { recursive: true }) as string[]) {
    const file = path.join(dir, rel);
    if (rel.startsWith(".") || !lstatSync(file).isFile()) continue;
    files.set(rel, `${statSync(file).mtimeMs}\n${readFileSync(file, "utf8")}`);
  }
  return files;
}

beforeEach(() => {
  repo = new BackupRepo();
  data = mkdtempSync(path.join(os.tmpdir(), "sync-data-"));
  repo
    .put("槽边往事", articles(4, "槽边", "2025-02-01"))
    .put("记忆承载", [...articles(2, "记忆", "2025-01-10"), { title: "槽边1", date: "2025-01-11" }]);
  repo.commit("first backups");
});
afterEach(() => {
  repo.remove();
  rmSync(data, { recursive: true, force: true });
});

describe("article-bot sync", () => {
  it("skips a backup over 5 MB with its reason, still advances the synced commit, and remembers the backup for the next start", async () => {
    repo
      .write("gzh/backup/槽边往事/槽边2.md", `# 槽边2\n\n${"很长的一段话。".repeat(300_000)}\n`)
      .commit("a 6 MB backup");
    const report = await syncLibrary(opts());
    expect(report).toMatchObject({ status: "synced", commit: repo.head() });
    const account = report.accounts.find((a) => a.account === "槽边往事")!;
    expect(account.import!.skipped).toEqual([
      { file: "槽边2.md", reason: expect.stringMatching(/^too large \(\d+ bytes; a backup may have at most 5 MB/) },
    ]);
    const remembered = JSON.parse(readFileSync(path.join(data, ".sync", "failed-backups.json"), "utf8")).failed;
    expect(Object.keys(remembered)).toEqual([expect.stringMatching(/^槽边往事\/槽边2\.md \d+$/)]);
    expect(JSON.parse(readFileSync(path.join(data, ".sync", "state.json"), "utf8")).commit).toBe(repo.head());
  });

  it("imports every account's backups on the first sync, each into its own folder, with date, link and account", async () => {
    const report = await syncLibrary(opts());
    expect(report).toMatchObject({ status: "synced", mode: "first", newArticles: 7, commit: repo.head() });
    expect(readdirSync(path.join(data, "articles", "槽边往事")).sort()).toEqual([
      "槽边1.md",
      "槽边2.md",
      "槽边3.md",
      "槽边4.md",
    ]);
    const lib = await loadLibrary(path.join(data, "articles"));
    // The mirror (<data>/.sync, raw backups) is never loaded; the same title in two accounts is no duplicate.
    expect(lib.articles).toHaveLength(7);
    expect(lib.skipped).toEqual([]);
    expect(lib.warnings).toEqual([]);
    const a = lib.articles.find((x) => x.id === "记忆承载/槽边1")!;
    expect(a).toMatchObject({
      title: "槽边1",
      date: "2025-01-11",
      account: "记忆承载",
      url: expect.stringMatching(/^http:\/\/mp\.weixin\.qq\.com\/s\?/),
    });
    expect(existsSync(path.join(data, ".sync", "mirror", ".git"))).toBe(true);
    expect(formatSyncReport(report)).toContain("total: 7 new, 0 updated, 0 skipped");
  });

  it("changes nothing when the repository did not move: byte-identical files, 0 new", async () => {
    await syncLibrary(opts());
    const before = snapshot();
    const again = await syncLibrary(opts());
    expect(again).toMatchObject({ status: "up-to-date", newArticles: 0 });
    expect(formatSyncReport(again)).toMatch(/^up to date at [0-9a-f]{10}: 0 new\n$/);
    expect(snapshot()).toEqual(before);
  });

  it("imports only what a push changed: added, modified and renamed backups and list-page dates", async () => {
    await syncLibrary(opts());
    const before = snapshot();
    repo.put("槽边往事", [
      ...articles(3, "新文", "2025-02-10"),
      { title: "槽边2", date: "2025-02-01", body: "改过的正文，多了一句。" },
    ]);
    // A list page that moves an existing article's date (the site rewrites list pages on every push).
    repo.put("记忆承载", [{ title: "记忆1", date: "2025-01-12" }]);
    repo.rename("gzh/backup/槽边往事/槽边3.md", "gzh/backup/槽边往事/槽边3 .md");
    repo.commit("weekly push");
    const report = await syncLibrary(opts());
    expect(report).toMatchObject({ status: "synced", mode: "incremental", newArticles: 3, updated: 2 });
    const cao = report.accounts.find((a) => a.account === "槽边往事")!;
    expect(cao.import!.imported.new).toEqual(["新文1.md", "新文2.md", "新文3.md"]);
    expect(cao.import!.imported.updated).toEqual(["槽边2.md"]);
    // The renamed backup keeps its title: same article file, untouched; the old name is reported gone.
    expect(cao.import!.imported.unchanged).toEqual(["槽边3.md"]);
    expect(cao.gone).toEqual(["槽边3.md"]);
    // Only changed files were read: the other backups of the account were not imported again.
    expect(cao.import!.total).toBe(5);
    const mem = report.accounts.find((a) => a.account === "记忆承载")!;
    expect(mem.import!.imported.updated).toEqual(["记忆1.md"]);
    expect(mem.import!.total).toBe(1);
    const after = snapshot();
    for (const name of ["槽边往事/槽边1.md", "槽边往事/槽边4.md", "记忆承载/记忆2.md", "槽边往事/槽边3.md"])
      expect(after.get(name)).toBe(before.get(name));
    expect(readFileSync(path.join(data, "articles", "记忆承载", "记忆1.md"), "utf8")).toContain("date: '2025-01-12'");
    expect((await loadLibrary(path.join(data, "articles"))).articles).toHaveLength(10);
  });

  it("tells how each account's import goes, account by account, ending at its number of backups", async () => {
    const progress: Array<[string, number, number]> = [];
    await syncLibrary(opts({ onProgress: (account, done, total) => progress.push([account, done, total]) }));
    expect(progress).toEqual([
      ["槽边往事", 4, 4],
      ["记忆承载", 3, 3],
    ]);
  });

  it("checks out only the wanted accounts (sparse), and imports only them", async () => {
    const report = await syncLibrary(opts({ accounts: ["记忆承载"] }));
    expect(report).toMatchObject({ status: "synced", newArticles: 3 });
    expect(readdirSync(path.join(data, "articles"))).toEqual(["记忆承载"]);
    expect(readdirSync(path.join(data, ".sync", "mirror", "gzh", "backup"))).toEqual(["记忆承载"]);
  });

  it("reports an account the repository does not have, and fails without touching the others' state", async () => {
    const report = await syncLibrary(opts({ accounts: ["记忆承载", "没有这个号"] }));
    expect(report.status).toBe("failed");
    expect(report.error).toContain("没有这个号: not in the repository");
    expect(formatSyncReport(report)).toContain("没有这个号: FAILED");
  });

  it("survives a rewritten history (force-push): clones again and reconciles without duplicates", async () => {
    await syncLibrary(opts());
    const before = snapshot();
    repo.put("槽边往事", articles(1, "重写后", "2025-02-12"));
    repo.rewriteHistory();
    const report = await syncLibrary(opts());
    expect(report).toMatchObject({ status: "synced", mode: "reclone", newArticles: 1, updated: 0 });
    const after = snapshot();
    expect(after.size).toBe(before.size + 1);
    for (const [name, content] of before) expect(after.get(name)).toBe(content);
    expect((await syncLibrary(opts())).status).toBe("up-to-date");
  });

  it("leaves the library as it was when the remote is unreachable, and catches up once it is back", async () => {
    await syncLibrary(opts());
    const before = snapshot();
    repo.put("槽边往事", articles(2, "迟到", "2025-02-15")).commit("push");
    const moved = `${repo.remote}.away`;
    execFileSync("mv", [repo.remote, moved]);
    const failed = await syncLibrary(opts());
    expect(failed.status).toBe("failed");
    expect(failed.error).toMatch(/git ls-remote failed/);
    expect(formatSyncReport(failed)).toContain("the library is unchanged");
    expect(snapshot()).toEqual(before);
    execFileSync("mv", [moved, repo.remote]);
    expect(await syncLibrary(opts())).toMatchObject({ status: "synced", mode: "incremental", newArticles: 2 });
  });

  it.skipIf(process.getuid?.() !== 0)(
    "keeps git's own words when it refuses a repository another user owns: the error and its safe.directory hint (needs root to give the repository away)",
    async () => {
      execFileSync("chown", ["-R", "65534:65534", repo.remote]);
      const failed = await syncLibrary(opts());
      expect(failed.status).toBe("failed");
      expect(failed.error).toMatch(
        /^git ls-remote failed: fatal: detected dubious ownership in repository at '.*' \/ To add an exception for this directory, call: \/ git config --global --add safe\.directory .* \(the sync reads no global git configuration, so that setting would not reach it: give the repository to the user the bot runs as\)$/,
      );
    },
  );

  it("keeps an article whose backup left the source, unless --prune", async () => {
    await syncLibrary(opts());
    repo.removeBackup("槽边往事", "槽边4").commit("remove one");
    const kept = await syncLibrary(opts());
    expect(kept.accounts.find((a) => a.account === "槽边往事")!.gone).toEqual(["槽边4.md"]);
    expect(existsSync(path.join(data, "articles", "槽边往事", "槽边4.md"))).toBe(true);
    repo.removeBackup("槽边往事", "槽边1").commit("remove another");
    const pruned = await syncLibrary(opts({ prune: true }));
    expect(pruned.accounts.find((a) => a.account === "槽边往事")!.pruned).toEqual(["槽边1.md"]);
    expect(existsSync(path.join(data, "articles", "槽边往事", "槽边1.md"))).toBe(false);
  });

  it("--prune after a re-clone removes only the importer's own files, never a hand-written article", async () => {
    await syncLibrary(opts());
    const notes = path.join(data, "articles", "槽边往事", "读书笔记.md");
    writeFileSync(notes, "---\ntitle: 读书笔记\ndate: 2025-01-01\n---\n\n我自己写的笔记，不是导入的。\n");
    repo.removeBackup("槽边往事", "槽边2");
    repo.rewriteHistory();
    const report = await syncLibrary(opts({ prune: true }));
    expect(report.mode).toBe("reclone");
    expect(report.accounts.find((a) => a.account === "槽边往事")!.pruned).toEqual(["槽边2.md"]);
    expect(existsSync(notes)).toBe(true);
  });

  it("never follows a symlink from the repository, nor writes outside the account folder", async () => {
    const secret = path.join(repo.base, "secret.md");
    execFileSync("sh", ["-c", `printf '%s' "$1" > "$2"`, "sh", "# 机密\n\n机密内容机密内容".repeat(20), secret]);
    symlinkSync(secret, path.join(repo.work, "gzh", "backup", "槽边往事", "链接.md"));
    symlinkSync("/etc", path.join(repo.work, "gzh", "backup", "外链号"));
    repo.write("gzh/backup/槽边往事/sub/深处.md", "# 深处\n\n子目录里的文件不属于这个号。");
    repo.commit("hostile");
    const report = await syncLibrary(opts());
    expect(report.status).toBe("synced");
    expect(report.accounts.map((a) => a.account).sort()).toEqual(["槽边往事", "记忆承载"]);
    const all = [...snapshot().values()].join("\n");
    expect(all).not.toContain("机密内容");
    expect(readdirSync(path.join(data, "articles")).sort()).toEqual(["槽边往事", "记忆承载"]);
  });

  it("gives up on a remote that never answers, at the deadline, without prompting", async () => {
    const server = createServer(() => {});
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      // The error names the deadline that ended the call: no wall-clock race needed.
      const report = await syncLibrary(
        opts({ repo: `http://127.0.0.1:${port}/repo.git`, timeouts: { quickMs: 1000, transferMs: 1000 } }),
      );
      expect(report).toMatchObject({ status: "failed", error: "git ls-remote timed out after 1 s" });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it("reads SYNC_* variables, rejecting a bad SYNC_CRON by name", () => {
    expect(loadConfig({ SYNC_REPO: repo.url, SYNC_ACCOUNTS: "槽边往事, 记忆承载" }).sync).toEqual({
      repo: repo.url,
      branch: "master",
      root: "gzh",
      accounts: ["槽边往事", "记忆承载"],
      cron: "0 * * * *",
    });
    expect(loadConfig({}).sync).toBeUndefined();
    expect(() => loadConfig({ SYNC_REPO: repo.url, SYNC_CRON: "hourly" })).toThrow(
      /SYNC_CRON: is not a 5-field cron expression/,
    );
  });

  it("refuses account names and roots that would leave the article folder", async () => {
    await expect(syncLibrary(opts({ accounts: ["../etc"] }))).rejects.toThrow(SyncUsageError);
    await expect(syncLibrary(opts({ accounts: [".sync"] }))).rejects.toThrow(SyncUsageError);
    await expect(syncLibrary(opts({ root: "../gzh" }))).rejects.toThrow(SyncUsageError);
    await expect(syncLibrary(opts({ repo: "--upload-pack=touch /tmp/x" }))).rejects.toThrow(SyncUsageError);
  });
});
