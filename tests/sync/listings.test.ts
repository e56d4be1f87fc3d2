import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadLibrary } from "../../src/library/load.ts";
import { formatSyncReport } from "../../src/sync/report.ts";
import { syncLibrary, type SyncOptions } from "../../src/sync/sync.ts";
import { BackupRepo } from "../helpers/backup-repo.ts";

/**
 * The list page names articles the backup folder lacks: a sync serves
 * each as a listing (title, date, link; `listed_only`), counts them apart
 * from new articles, and replaces a listing when its backup arrives.
 */
let repo: BackupRepo;
let data: string;

const opts = (): SyncOptions => ({
  repo: repo.url,
  branch: "master",
  root: "gzh",
  accounts: [],
  dataDir: data,
  articlesDir: path.join(data, "articles"),
});
const folder = () => path.join(data, "articles", "槽边往事");
const listed = (name: string) => /^listed_only: true$/m.test(readFileSync(path.join(folder(), name), "utf8"));

beforeEach(() => {
  repo = new BackupRepo();
  data = mkdtempSync(path.join(os.tmpdir(), "sync-listings-"));
  repo.put("槽边往事", [
    { title: "有备份", date: "2025-02-01" },
    { title: "没备份", date: "2025-01-20" },
  ]);
  repo.removeBackup("槽边往事", "没备份").commit("a list page longer than the backups");
});
afterEach(() => {
  repo.remove();
  rmSync(data, { recursive: true, force: true });
});

describe("sync and list entries without a backup", () => {
  it("lists them on the first sync, counted apart from new articles", async () => {
    const report = await syncLibrary(opts());
    expect(report).toMatchObject({ status: "synced", newArticles: 1, listedOnly: 1 });
    expect(readdirSync(folder()).sort()).toEqual(["有备份.md", "没备份.md"]);
    expect(listed("没备份.md")).toBe(true);
    expect(listed("有备份.md")).toBe(false);
    const text = formatSyncReport(report);
    expect(text).toContain("槽边往事: new 1, updated 0, unchanged 0, skipped 0; listed only (no backup) 1, new 1");
    expect(text).toContain("total: 1 new, 0 updated, 0 skipped, 1 new listed only (no backup)");
  });

  it("lists an entry a later push adds without its backup, then replaces the listing with the backup, in the same file", async () => {
    await syncLibrary(opts());
    repo.put("槽边往事", [{ title: "新上列表", date: "2025-02-10" }]);
    repo.removeBackup("槽边往事", "新上列表").commit("the list page runs ahead");
    const listedNow = await syncLibrary(opts());
    expect(listedNow).toMatchObject({ mode: "incremental", newArticles: 0, listedOnly: 1 });
    expect(listed("新上列表.md")).toBe(true);
    repo.put("槽边往事", [{ title: "新上列表", date: "2025-02-10", body: "迟到的正文" }]).commit("the backup arrives");
    const arrived = await syncLibrary(opts());
    expect(arrived).toMatchObject({ mode: "incremental", newArticles: 0, updated: 1, listedOnly: 0 });
    expect(listed("新上列表.md")).toBe(false);
    const lib = await loadLibrary(path.join(data, "articles"));
    expect(lib.articles.map((a) => a.id).sort()).toEqual(
      ["槽边往事/有备份", "槽边往事/新上列表", "槽边往事/没备份"].sort(),
    );
    expect(lib.articles.find((a) => a.id === "槽边往事/新上列表")!.body).toContain("迟到的正文");
  });

  it("imports everything once after the upgrade that brings listings, though the repository did not move", async () => {
    await syncLibrary(opts());
    // The state a sync left before listings existed: no format, and no listing on disk.
    const stateFile = path.join(data, ".sync", "state.json");
    const { format: _format, ...old } = JSON.parse(readFileSync(stateFile, "utf8")) as Record<string, unknown>;
    writeFileSync(stateFile, JSON.stringify(old));
    rmSync(path.join(folder(), "没备份.md"));
    const report = await syncLibrary(opts());
    expect(report).toMatchObject({ status: "synced", newArticles: 0, listedOnly: 1 });
    expect(listed("没备份.md")).toBe(true);
    expect(await syncLibrary(opts())).toMatchObject({ status: "up-to-date" });
  });
});
