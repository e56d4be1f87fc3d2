import { chmodSync, closeSync, mkdirSync, openSync } from "node:fs";
import path from "node:path";

/**
 * Make `dir` and whichever of its parents are missing, each open to its
 * owner and group only (0750) whatever the umask: under `umask 000` a
 * plain mkdir lets anyone put files in it. Folders that exist are left as
 * they are.
 */
export function makePrivateDir(dir: string): void {
  const first = mkdirSync(dir, { recursive: true });
  if (first === undefined) return;
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    chmodSync(d, 0o750);
    if (d === first || d === path.dirname(d)) return;
  }
}

/** Create `file` empty and readable by its owner only (the umask can only narrow 0600), unless it exists. */
export function createPrivateFile(file: string): void {
  try {
    closeSync(openSync(file, "wx", 0o600));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
}
