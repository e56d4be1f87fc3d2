/**
 * The README's systemd recipe, as far as it can run without systemd: its
 * file steps (the data directory and the articles copied into it) run as
 * root, exactly as written but for the paths, then the bot runs as an
 * unprivileged user the way the unit runs it (`start --data`), and so does
 * `sync`. Both must be able to write where they keep things: the index
 * cache beside the articles, the sync's mirror and imported files.
 *
 * Needs root (to give files away) and util-linux's setpriv (to drop to
 * another uid); elsewhere it is skipped with that reason.
 */
import { execFile, execFileSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { BackupRepo } from "../helpers/backup-repo.ts";
import { BIN, cleanEnv, REPO } from "../helpers/bot-process.ts";

/** The uid/gid that stands in for the recipe's `article-bot` system user (nobody:nogroup exists everywhere). */
const USER = 65534;
const DATA = "/var/lib/article-bot";

function hasSetpriv(): boolean {
  try {
    execFileSync("setpriv", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
const root = process.getuid?.() === 0;
const skipReason = !root
  ? "needs root to give the data directory to another user"
  : !hasSetpriv()
    ? "needs setpriv (util-linux) to run the bot as another user"
    : "";

/** The README's systemd code block. */
function systemdRecipe(): string {
  const readme = readFileSync(path.join(REPO, "README.md"), "utf8");
  const block = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)]
    .map((m) => m[1]!)
    .find((b) => b.includes("deploy/article-bot.service"));
  if (!block) throw new Error("README has no systemd recipe (a sh block naming deploy/article-bot.service)");
  return block;
}

/**
 * The recipe's steps that make the data directory, made runnable here:
 * without sudo, in `prefix` instead of `/`, with the stand-in user's ids.
 */
function fileSteps(recipe: string, prefix: string, uid: number): string[] {
  return recipe
    .split("\n")
    .filter((line) => line.includes(DATA) && !line.includes("useradd"))
    .map((line) =>
      line
        .replace(/\s+#.*$/, "")
        .replace(/\bsudo\s+/g, "")
        .replaceAll(DATA, `${prefix}${DATA}`)
        .replace(/\barticle-bot:article-bot\b/g, `${uid}:${uid}`)
        .replace(/(-[og])\s+article-bot\b/g, `$1 ${uid}`),
    );
}

/** Run the CLI as the stand-in user, with a home of its own (git wants one). */
function asUser(
  args: string[],
  home: string,
  input?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      "setpriv",
      [`--reuid=${USER}`, `--regid=${USER}`, "--clear-groups", process.execPath, BIN, ...args],
      { cwd: REPO, env: cleanEnv({ HOME: home, LOG_LEVEL: "warn" }), maxBuffer: 16 << 20 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin!.end(input ?? "");
  });
}

let tmp = "";
let repo: BackupRepo | undefined;
afterEach(() => {
  repo?.remove();
  repo = undefined;
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  tmp = "";
});

describe.skipIf(skipReason !== "")(
  `the README's systemd recipe${skipReason ? ` (skipped: ${skipReason})` : ""}`,
  { timeout: 300_000 },
  () => {
    it("leaves a data directory the bot's user can write: it starts, writes the index cache, syncs, and starts again from the cache", async () => {
      tmp = mkdtempSync(path.join(os.tmpdir(), "systemd-recipe-"));
      chmodSync(tmp, 0o755);
      // The checkout the recipe runs in (/opt/article-bot): only its bundled articles matter to these steps.
      const checkout = path.join(tmp, "opt", "article-bot");
      cpSync(path.join(REPO, "data", "articles"), path.join(checkout, "data", "articles"), {
        recursive: true,
        filter: (src) => !path.basename(src).startsWith("."),
      });
      const steps = fileSteps(systemdRecipe(), tmp, USER);
      expect(steps.join("\n")).toContain("data/articles");
      for (const step of steps)
        execFileSync("bash", ["-euo", "pipefail", "-c", step], { cwd: checkout, stdio: "pipe" });
      const data = path.join(tmp, DATA);
      const home = path.join(tmp, "home");
      execFileSync("install", ["-d", "-o", String(USER), "-g", String(USER), home]);

      const first = await asUser(["start", "--data", data], home, "墨荷\n");
      expect(first.stderr).not.toMatch(/EACCES|EPERM/);
      expect(first.code).toBe(0);
      expect(first.stdout).toContain("墨荷");
      expect(readdirSync(path.join(data, "articles", ".article-bot-cache")).length).toBeGreaterThan(0);

      repo = new BackupRepo();
      repo
        .put("槽边往事", [{ title: "黄狗追呀追", date: "2025-02-28", body: "黄狗在院子里追自己的尾巴。" }])
        .commit("backups");
      // The stand-in user reads the remote as its own (git refuses a repository another user owns).
      chmodSync(repo.base, 0o755);
      execFileSync("chown", ["-R", `${USER}:${USER}`, repo.base]);
      const sync = await asUser(["sync", "--repo", repo.url, "--account", "槽边往事", "--data", data], home);
      expect(sync.stderr).not.toMatch(/EACCES|EPERM/);
      expect(sync.code).toBe(0);
      expect(sync.stdout).toContain("槽边往事: new 1");
      expect(existsSync(path.join(data, "articles", "槽边往事", "黄狗追呀追.md"))).toBe(true);

      const again = await asUser(["start", "--data", data], home, "黄狗追呀追\n");
      expect(again.stderr).not.toMatch(/EACCES|EPERM|warn/i);
      expect(again.code).toBe(0);
      expect(again.stdout).toContain("黄狗追呀追");
    });
  },
);

// Keep the helper honest where the spec itself cannot run.
describe("the recipe's file steps, as the spec rewrites them", () => {
  it("keep every step that touches the data directory, without sudo, under the prefix, owned by the stand-in user", () => {
    const steps = fileSteps(systemdRecipe(), "/tmp/x", USER);
    expect(steps.length).toBeGreaterThan(0);
    for (const step of steps) {
      expect(step).not.toMatch(/\bsudo\b|(?<![\w/-])article-bot:/);
      expect(step).toContain(`/tmp/x${DATA}`);
    }
  });
});
