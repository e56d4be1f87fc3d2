/**
 * Backups that failed for want of resources — too large, too slow to
 * parse, too much memory — remembered in a JSON file (the sync keeps it in
 * `<DATA_DIR>/.sync/`), written as soon as one fails: a run that ends
 * early for any reason, and the next start, skip them without reading
 * them again. A backup is known by its account, file name and size, so a
 * changed backup gets another try.
 */
import { randomBytes } from "node:crypto";
import { readFile, rename, stat, writeFile } from "node:fs/promises";

/** Backups remembered at most; the oldest are forgotten first. */
const MAX_REMEMBERED = 1_000;

/** The memory of failed backups, in one JSON file. */
export class FailedBackups {
  private constructor(
    private readonly file: string,
    private readonly failed: Map<string, string>,
  ) {}

  /** Read `file`; a missing or unreadable one is an empty memory. */
  static async open(file: string): Promise<FailedBackups> {
    let entries: Array<[string, string]> = [];
    try {
      const data = JSON.parse(await readFile(file, "utf8")) as { failed?: unknown };
      if (data.failed && typeof data.failed === "object")
        entries = Object.entries(data.failed).filter((e): e is [string, string] => typeof e[1] === "string");
    } catch {
      // Nothing remembered yet (or a damaged file): every backup gets its try.
    }
    return new FailedBackups(file, new Map(entries));
  }

  /** Why `backup` (a path; `account` names its folder) failed before at its current size, if it did. */
  async reason(account: string, backup: string, name: string): Promise<string | undefined> {
    if (this.failed.size === 0) return undefined;
    const size = await stat(backup).then(
      (s) => s.size,
      () => -1,
    );
    return this.failed.get(key(account, name, size));
  }

  /** Remember that `backup` failed, and why. */
  async remember(account: string, backup: string, name: string, reason: string): Promise<void> {
    const size = await stat(backup).then(
      (s) => s.size,
      () => -1,
    );
    const k = key(account, name, size);
    this.failed.delete(k);
    this.failed.set(k, reason);
    while (this.failed.size > MAX_REMEMBERED) this.failed.delete(this.failed.keys().next().value!);
    const tmp = `${this.file}.${randomBytes(4).toString("hex")}.tmp`;
    await writeFile(tmp, `${JSON.stringify({ failed: Object.fromEntries(this.failed) }, null, 2)}\n`, "utf8");
    await rename(tmp, this.file);
  }
}

function key(account: string, name: string, size: number): string {
  return `${account}/${name} ${size}`;
}
