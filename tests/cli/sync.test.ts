import { execFile } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BackupRepo } from "../helpers/backup-repo.ts";

const BIN = fileURLToPath(new URL("../../bin/article-bot.js", import.meta.url));
let repo: BackupRepo;
let data = "";

function cli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("SYNC_")));
    execFile(
      process.execPath,
      [BIN, "sync", ...args],
      { env: { ...clean, LOG_LEVEL: "silent", ...env } },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

beforeEach(async () => {
  repo = new BackupRepo();
  repo
    .put("槽边往事", [
      { title: "黄狗追呀追", date: "2025-02-28" },
      { title: "从心所欲", date: "2025-02-27" },
    ])
    .commit("backups");
  data = await mkdtemp(path.join(os.tmpdir(), "sync-cli-"));
});
afterEach(async () => {
  repo.remove();
  await rm(data, { recursive: true, force: true });
});

describe("article-bot sync (command line)", () => {
  it("imports, prints a per-account report and exits 0; a second run says 0 new", async () => {
    const first = await cli(["--repo", repo.url, "--account", "槽边往事", "--data", data]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("first sync");
    expect(first.stdout).toContain("槽边往事: new 2, updated 0, unchanged 0, skipped 0");
    expect(first.stdout).toContain("total: 2 new, 0 updated, 0 skipped");
    expect(first.stderr).toBe("「槽边往事」已处理 2 篇备份\n");
    expect((await readdir(path.join(data, "articles", "槽边往事"))).sort()).toEqual(["从心所欲.md", "黄狗追呀追.md"]);
    const second = await cli(["--data", data], { SYNC_REPO: repo.url, SYNC_ACCOUNTS: "槽边往事" });
    expect(second).toMatchObject({ code: 0, stdout: expect.stringMatching(/^up to date at [0-9a-f]{10}: 0 new\n$/) });
  });

  it("exits 1 with the reason when the repository cannot be reached, and writes nothing", async () => {
    const result = await cli(["--repo", `file://${repo.base}/nowhere.git`, "--data", data]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/sync failed: git ls-remote failed: .*the library is unchanged/);
    expect(await readdir(data)).toEqual([".sync"]);
  });

  it("exits 2 on a usage error: no repository, a bad account name, an unknown option", async () => {
    expect((await cli(["--data", data])).stderr).toContain("no repository: pass --repo");
    expect((await cli(["--data", data])).code).toBe(2);
    expect((await cli(["--repo", repo.url, "--account", "../x", "--data", data])).code).toBe(2);
    expect((await cli(["--repo", repo.url, "--bogus"])).code).toBe(2);
  });

  it("never prints the credentials of a repository URL", async () => {
    const result = await cli(["--repo", "http://user:s3cret-token@127.0.0.1:9/repo.git", "--data", data]);
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).not.toContain("s3cret-token");
  });
});
