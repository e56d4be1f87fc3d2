/**
 * Which paths of the backup repository a sync reads, and the checks that
 * keep a hostile repository from steering it: account names must be plain
 * folder names, and a changed path counts only when it is exactly a list
 * page or a backup directly inside a wanted account's folder.
 */
import { safeFileName } from "../importer/write.ts";

/** Where one account lives in the repository (paths relative to its top, `/`-separated). */
export interface AccountPaths {
  account: string;
  /** `<root>/<account>.md` */
  listPage: string;
  /** `<root>/backup/<account>` */
  backupDir: string;
}

/**
 * Why `name` cannot be an account (it becomes a folder of the library and a
 * pathspec), or undefined when it is fine: no path separators, dots or
 * control characters that would change where files go, no leading `-`.
 */
export function accountProblem(name: string): string | undefined {
  if (name.trim() === "" || name !== name.trim()) return "empty or padded with spaces";
  if (name.startsWith("-")) return "starts with '-'";
  if (safeFileName(name) !== name)
    return 'not usable as a folder name (/, \\, :, *, ?, ", <, >, |, a leading dot or control characters)';
  return undefined;
}

/** Why `root` cannot be the repository's site root, or undefined: relative, no `..`, no dot-folders. */
export function rootProblem(root: string): string | undefined {
  const parts = root.split("/");
  if (root === "" || parts.some((p) => p === "" || p.startsWith(".") || p.startsWith("-") || p !== safeFileName(p))) {
    return "must be a relative folder such as gzh (no leading /, no .., no dot-folders)";
  }
  return undefined;
}

/** The repository paths of `account` under `root`. */
export function accountPaths(root: string, account: string): AccountPaths {
  return { account, listPage: `${root}/${account}.md`, backupDir: `${root}/backup/${account}` };
}

/** What one changed path means to a sync. */
export type ChangedPath = { kind: "list"; account: string } | { kind: "backup"; account: string; file: string };

/**
 * Read a path from `git diff` against the wanted accounts: a list page, a
 * backup file (`*.md` directly in the account folder, no dot-file), or
 * undefined for anything else (sub-folders, images, other accounts).
 */
export function classifyPath(path: string, wanted: ReadonlyMap<string, AccountPaths>): ChangedPath | undefined {
  for (const paths of wanted.values()) {
    if (path === paths.listPage) return { kind: "list", account: paths.account };
    const prefix = `${paths.backupDir}/`;
    if (!path.startsWith(prefix)) continue;
    const file = path.slice(prefix.length);
    if (file.includes("/") || file.startsWith(".") || !file.endsWith(".md") || file.includes("\u0000"))
      return undefined;
    return { kind: "backup", account: paths.account, file };
  }
  return undefined;
}
