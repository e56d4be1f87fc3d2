import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BackupParser } from "../../src/importer/backup-parser.ts";
import { FailedBackups } from "../../src/importer/failed-backups.ts";
import { importBackups } from "../../src/importer/import.ts";
import { backupText, listPageText, type FakeArticle } from "../helpers/backup-repo.ts";

const tmp = mkdtempSync(path.join(os.tmpdir(), "article-bot-hostile-backups-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const ACCOUNT = "槽边往事";
const ARTICLES: FakeArticle[] = [
  { title: "好好的一篇", date: "2025-02-01" },
  { title: "巨大的备份", date: "2025-02-02" },
];

/** A backup folder with one good backup and `huge` (a file of `bytes`, mostly a hole: no disk is spent), and the list page. */
function backups(name: string, bytes: number): { backupDir: string; listPage: string; huge: string } {
  const dir = path.join(tmp, name);
  const backupDir = path.join(dir, "backup");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(backupDir, { recursive: true });
  writeFileSync(path.join(backupDir, "好好的一篇.md"), backupText(ACCOUNT, ARTICLES[0]!));
  const huge = path.join(backupDir, "巨大的备份.md");
  writeFileSync(huge, backupText(ACCOUNT, ARTICLES[1]!));
  truncateSync(huge, bytes);
  const listPage = path.join(dir, `${ACCOUNT}.md`);
  writeFileSync(listPage, listPageText(ACCOUNT, ARTICLES));
  return { backupDir, listPage, huge };
}

describe("backups from a repository that is not ours", () => {
  it("skips a backup over 5 MB without reading it, like an article file, and imports the others", async () => {
    const { backupDir, listPage } = backups("huge", 400 * 1024 * 1024);
    const heap = process.memoryUsage().heapUsed;
    const report = await importBackups({ backupDir, listPage, outDir: path.join(tmp, "huge-out") });
    expect(report.imported.new).toEqual(["好好的一篇.md"]);
    expect(report.skipped).toEqual([
      {
        file: "巨大的备份.md",
        reason: "too large (419430400 bytes; a backup may have at most 5 MB, like an article file)",
      },
    ]);
    expect(process.memoryUsage().heapUsed - heap).toBeLessThan(100 * 1024 * 1024);
  });

  it("parses backups off the main thread: a parse that hangs is abandoned, and the chats' timers kept running meanwhile", async () => {
    const { backupDir, listPage } = backups("hang", 2_000);
    const parser = new BackupParser({
      workerEntry: new URL("../fixtures/importer/hanging-parse-worker.js", import.meta.url),
      timeoutMs: 1_000,
    });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    try {
      const report = await importBackups({ backupDir, listPage, outDir: path.join(tmp, "hang-out"), parser });
      expect(report.skipped.map((s) => s.reason)).toEqual([
        "parsing it took longer than 1 s",
        "parsing it took longer than 1 s",
      ]);
    } finally {
      clearInterval(timer);
      await parser.close();
    }
    // Two parses of a second each: the main thread was free for many ticks (on the main thread, there would be none).
    expect(ticks).toBeGreaterThan(5);
  });

  it("remembers a backup that failed, at once, so the next run skips it without reading it; a changed backup gets another try", async () => {
    const { backupDir, listPage, huge } = backups("remember", 6 * 1024 * 1024);
    const memory = path.join(tmp, "remember-failed.json");
    const first = await importBackups({
      backupDir,
      listPage,
      outDir: path.join(tmp, "remember-out"),
      failed: await FailedBackups.open(memory),
    });
    expect(first.skipped).toEqual([{ file: "巨大的备份.md", reason: expect.stringMatching(/^too large/) }]);
    expect(JSON.parse(await readFile(memory, "utf8")).failed).toEqual({
      [`${ACCOUNT}/巨大的备份.md ${6 * 1024 * 1024}`]: expect.stringMatching(/^too large/),
    });
    // A parse thread that would hang: the remembered backup must not reach it.
    const hanging = new BackupParser({
      workerEntry: new URL("../fixtures/importer/hanging-parse-worker.js", import.meta.url),
      timeoutMs: 60_000,
    });
    try {
      const again = await importBackups({
        backupDir,
        listPage,
        outDir: path.join(tmp, "remember-out"),
        only: ["巨大的备份.md"],
        failed: await FailedBackups.open(memory),
        parser: hanging,
      });
      expect(again.skipped).toEqual([
        { file: "巨大的备份.md", reason: expect.stringMatching(/^too large .*remembered from an earlier run/) },
      ]);
    } finally {
      await hanging.close();
    }
    writeFileSync(huge, backupText(ACCOUNT, ARTICLES[1]!));
    const fixed = await importBackups({
      backupDir,
      listPage,
      outDir: path.join(tmp, "remember-out"),
      failed: await FailedBackups.open(memory),
    });
    // Its listing (written while it had no usable backup) becomes the article.
    expect({ imported: fixed.imported, skipped: fixed.skipped }).toMatchObject({
      imported: { updated: ["巨大的备份.md"] },
      skipped: [],
    });
  });
});
