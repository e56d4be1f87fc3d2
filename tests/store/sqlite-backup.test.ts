import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { checkDatabase } from "../../src/store/sqlite-backup.ts";
import { migrate } from "../../src/store/sqlite.ts";

const dir = mkdtempSync(path.join(os.tmpdir(), "article-bot-check-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("checking a database before it is restored", () => {
  it("gives up on SQLite's integrity check at its time limit, and checks the same file once it can finish", async () => {
    const file = path.join(dir, "locked.sqlite");
    const db = new Database(file);
    migrate(db);
    // Rollback journal, as in a backup file: an exclusive transaction keeps every reader out until it ends,
    // so the check cannot finish before its time limit, however fast or loaded the machine.
    db.pragma("journal_mode = DELETE");
    db.exec("BEGIN EXCLUSIVE");
    try {
      await expect(checkDatabase(file, { timeLimitMs: 1_000 })).rejects.toThrow(
        "the database's integrity check did not finish within 1 s",
      );
    } finally {
      db.exec("ROLLBACK");
      db.close();
    }
    expect(await checkDatabase(file)).toEqual({ subscriptions: 0, newsSubscriptions: 0, deliveries: 0 });
  });
});
