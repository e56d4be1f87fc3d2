/**
 * What the last successful sync left behind, in `<DATA_DIR>/.sync/state.json`:
 * which source it read and which commit the library now matches, so the
 * next sync asks only for what changed since.
 */
import { createHash, randomBytes } from "node:crypto";
import { readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";

/** The state file's content. */
export interface SyncState {
  /** Hash of repository URL, branch and root: another source means a fresh clone. */
  source: string;
  /** The accounts asked for (sorted, joined with `\n`), or `*` for every account. */
  accounts: string;
  /** The commit the library matches. */
  commit: string;
  /** What the import wrote ({@link SYNC_FORMAT}); absent: before listings existed. */
  format?: number;
  /** ISO time of the sync that reached it. */
  syncedAt: string;
  /** Articles that sync added. */
  newArticles: number;
}

const FILE = "state.json";

/**
 * Bump when the import writes something new for the same source: the next
 * sync imports everything once (reconciled by content, so unchanged files
 * stay untouched) instead of only what changed. 2: listings of list
 * entries without a backup.
 */
export const SYNC_FORMAT = 2;

/** The source key of a repository, branch and root (the URL itself may hold a token: only its hash is stored). */
export function sourceKey(repo: string, branch: string, root: string): string {
  return createHash("sha256").update(`${repo}\u0000${branch}\u0000${root}`).digest("hex").slice(0, 32);
}

/** The saved state, or undefined when there is none or it is unreadable (then the next sync starts afresh). */
export async function readState(syncDir: string): Promise<SyncState | undefined> {
  try {
    const s = JSON.parse(await readFile(path.join(syncDir, FILE), "utf8")) as Partial<SyncState>;
    if (
      typeof s.source !== "string" ||
      typeof s.accounts !== "string" ||
      typeof s.commit !== "string" ||
      !/^[0-9a-f]{40,64}$/.test(s.commit)
    ) {
      return undefined;
    }
    return {
      source: s.source,
      accounts: s.accounts,
      commit: s.commit,
      format: typeof s.format === "number" ? s.format : undefined,
      syncedAt: String(s.syncedAt ?? ""),
      newArticles: Number(s.newArticles ?? 0),
    };
  } catch {
    return undefined;
  }
}

/** Save the state atomically (temporary file, then rename). */
export async function writeState(syncDir: string, state: SyncState): Promise<void> {
  const file = path.join(syncDir, FILE);
  const tmp = `${file}.${randomBytes(4).toString("hex")}.tmp`;
  await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`, "utf8");
  await rename(tmp, file);
}
