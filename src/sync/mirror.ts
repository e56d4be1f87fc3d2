/**
 * The local mirror of the backup repository: a partial clone (no file
 * contents until needed) with a sparse checkout of just the wanted
 * accounts, so a sync never downloads or writes the whole archive.
 */
import { existsSync } from "node:fs";
import { rename, rm } from "node:fs/promises";
import path from "node:path";
import { git } from "./git.ts";

/** Deadlines of git calls, in milliseconds. */
export interface GitTimeouts {
  /** `ls-remote`, `rev-parse`, `diff`, `show`: small requests. */
  quickMs: number;
  /** `clone`, `fetch`, `checkout`: may move the whole archive the first time. */
  transferMs: number;
}

export const DEFAULT_TIMEOUTS: GitTimeouts = { quickMs: 60_000, transferMs: 15 * 60_000 };

/** One line of `git diff --name-status`. */
export interface DiffEntry {
  /** A (added), M (modified), D (deleted), T (type changed), … */
  status: string;
  path: string;
}

/** The folder name of the mirror's git checkout inside the sync folder. */
const CHECKOUT = "mirror";

/**
 * Where git should fetch from. A local path becomes a `file://` URL (git
 * ignores `--filter` for plain-path clones) and gets an upload-pack that
 * serves partial clones, which a local repository does not by default.
 */
export function remoteOf(repo: string): { url: string; uploadPack?: string } {
  const isUrl = /^[a-z][a-z0-9+.-]*:\/\//i.test(repo) || /^[^/\\]+@[^/\\:]+:/.test(repo);
  if (isUrl && !repo.startsWith("file://")) return { url: repo };
  const url = isUrl ? repo : `file://${path.resolve(repo)}`;
  return { url, uploadPack: "git -c uploadpack.allowFilter=true -c uploadpack.allowAnySHA1InWant=true upload-pack" };
}

/** The mirror of one repository and branch in `<syncDir>/mirror`. */
export class Mirror {
  readonly dir: string;
  private readonly remote: { url: string; uploadPack?: string };

  constructor(
    readonly syncDir: string,
    repo: string,
    readonly branch: string,
    private readonly timeouts: GitTimeouts = DEFAULT_TIMEOUTS,
    private readonly signal?: AbortSignal,
  ) {
    this.dir = path.join(syncDir, CHECKOUT);
    this.remote = remoteOf(repo);
  }

  private run(args: string[], slow = false, cwd: string | undefined = this.dir): Promise<string> {
    return git(args, { cwd, timeoutMs: slow ? this.timeouts.transferMs : this.timeouts.quickMs, signal: this.signal });
  }

  /** The commit the remote branch points at now: one small request, nothing downloaded. */
  async remoteHead(): Promise<string> {
    const ref = `refs/heads/${this.branch}`;
    const out = await this.run(["ls-remote", ...this.uploadPackArgs(), this.remote.url, ref], false, this.syncDir);
    const line = out.split("\n").find((l) => l.endsWith(`\t${ref}`));
    if (!line) throw new Error(`branch ${this.branch} not found in the repository`);
    return line.split("\t")[0]!;
  }

  /** Whether a usable mirror exists (a crashed clone leaves none: clones are renamed into place). */
  async exists(): Promise<boolean> {
    if (!existsSync(path.join(this.dir, ".git"))) return false;
    return this.run(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"]).then(
      () => true,
      () => false,
    );
  }

  /**
   * A fresh partial clone without checkout, built beside the old mirror and
   * swapped in only once complete, so a failed clone keeps the old one.
   */
  async clone(): Promise<void> {
    const tmp = `${this.dir}.tmp-${process.pid}`;
    await rm(tmp, { recursive: true, force: true });
    try {
      const args = [
        "clone",
        "--quiet",
        "--filter=blob:none",
        "--no-checkout",
        "--single-branch",
        "--branch",
        this.branch,
      ];
      if (this.remote.uploadPack) args.push("--upload-pack", this.remote.uploadPack);
      await this.run([...args, "--", this.remote.url, tmp], true, this.syncDir);
      // Lazy fetches of file contents (checkout, show) must use the same upload-pack.
      if (this.remote.uploadPack)
        await this.run(["config", "remote.origin.uploadpack", this.remote.uploadPack], false, tmp);
      await rm(this.dir, { recursive: true, force: true });
      await rename(tmp, this.dir);
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      throw err;
    }
  }

  /** Fetch the branch (commits and trees only); resolves to its new commit. */
  async fetch(): Promise<string> {
    const ref = `+refs/heads/${this.branch}:refs/remotes/origin/${this.branch}`;
    await this.run(["fetch", "--quiet", "--filter=blob:none", "--no-tags", "origin", ref], true);
    return this.fetchedHead();
  }

  /** The commit of the branch as last cloned or fetched. */
  async fetchedHead(): Promise<string> {
    return (await this.run(["rev-parse", "--verify", `refs/remotes/origin/${this.branch}^{commit}`])).trim();
  }

  /** Whether `older` is in the mirror and an ancestor of `newer` (false after a history rewrite). */
  async isAncestor(older: string, newer: string): Promise<boolean> {
    return this.run(["merge-base", "--is-ancestor", older, newer]).then(
      () => true,
      () => false,
    );
  }

  /** The sub-folders of `dir` in `commit`'s tree (names only), read without checking anything out. */
  async folders(commit: string, dir: string): Promise<string[]> {
    const out = await this.run(["ls-tree", "-z", `${commit}:${dir}`]).catch(() => "");
    return out
      .split("\u0000")
      .filter((entry) => entry.startsWith("040000 tree "))
      .map((entry) => entry.slice(entry.indexOf("\t") + 1));
  }

  /** Check out `commit`, limited to `folders` (cone mode: their parents' files, such as list pages, come too). */
  async checkout(commit: string, folders: string[]): Promise<void> {
    await this.run(["sparse-checkout", "set", "--cone", "--", ...folders], true);
    await this.run(["checkout", "--quiet", "--force", "--detach", commit], true);
  }

  /** Files that differ between two commits under `paths` (renames as delete + add). */
  async diff(from: string, to: string, paths: string[]): Promise<DiffEntry[]> {
    const out = await this.run(
      ["diff", "--no-renames", "--no-ext-diff", "--name-status", "-z", from, to, "--", ...paths],
      true,
    );
    const fields = out.split("\u0000");
    const entries: DiffEntry[] = [];
    for (let i = 0; i + 1 < fields.length; i += 2) entries.push({ status: fields[i]!.charAt(0), path: fields[i + 1]! });
    return entries;
  }

  /** The text of `file` in `commit`, or undefined when it is not there or larger than `maxBytes` (never read whole then). */
  async show(commit: string, file: string, maxBytes = Number.POSITIVE_INFINITY): Promise<string | undefined> {
    if (maxBytes !== Number.POSITIVE_INFINITY) {
      const size = Number(await this.run(["cat-file", "-s", `${commit}:${file}`], true).catch(() => "NaN"));
      if (!(size <= maxBytes)) return undefined;
    }
    return this.run(["cat-file", "blob", `${commit}:${file}`], true).catch(() => undefined);
  }

  private uploadPackArgs(): string[] {
    return this.remote.uploadPack ? ["--upload-pack", this.remote.uploadPack] : [];
  }
}
