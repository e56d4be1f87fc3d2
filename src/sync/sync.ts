/**
 * `syncLibrary`: bring the article library up to date with the 小懒 backup
 * repository. Asks the remote for its head first (one small request) and
 * stops there when nothing moved; otherwise fetches, finds the changed
 * list pages and backups of the wanted accounts, and runs the importer on
 * those files only. A rewritten history (force-push) or another source
 * means a fresh clone and an import of everything, reconciled by content:
 * files that did not change are not rewritten and nothing is duplicated.
 * Any failure before the import leaves the library exactly as it was.
 */
import { lstat, mkdir, readFile, readdir, unlink } from "node:fs/promises";
import path from "node:path";
import { systemClock, type Clock } from "../clock.ts";
import { BackupParser } from "../importer/backup-parser.ts";
import { FailedBackups } from "../importer/failed-backups.ts";
import { ImportError, importBackups, writtenByImporter, type ImportReport } from "../importer/import.ts";
import { parseListPage, titleKey, type ListEntry } from "../importer/list-page.ts";
import { parseBackup } from "../importer/parse-backup.ts";
import { safeFileName } from "../importer/write.ts";
import { MAX_ARTICLE_BYTES } from "../library/load.ts";
import { silentLogger, type Logger } from "../log.ts";
import { redactUrls } from "./git.ts";
import { lockSync } from "./lock.ts";
import { DEFAULT_TIMEOUTS, Mirror, type GitTimeouts } from "./mirror.ts";
import { accountPaths, accountProblem, classifyPath, rootProblem, type AccountPaths } from "./paths.ts";
import { readState, sourceKey, SYNC_FORMAT, writeState, type SyncState } from "./state.ts";
import { messageOf } from "../util/errors.ts";

/** What to sync, and where to. */
export interface SyncOptions {
  /** Git URL of the backup repository (or a local path). */
  repo: string;
  branch: string;
  /** The docsify site's folder holding `<account>.md` and `backup/`, e.g. `gzh`. */
  root: string;
  /** Accounts to sync; empty: every account the repository has. */
  accounts: readonly string[];
  /** The data directory: the mirror lives in `<dataDir>/.sync/`. */
  dataDir: string;
  /** The article directory: each account's articles go to `<articlesDir>/<account>/`. */
  articlesDir: string;
  /** Remove articles whose backup left the source (default: they stay). */
  prune?: boolean;
  log?: Logger;
  clock?: Clock;
  timeouts?: GitTimeouts;
  /** Aborting stops the sync between files (git is killed); what was written stays, whole. */
  signal?: AbortSignal;
  /** Told, for each account imported, how many of its backups are done: every 100 and at the end. */
  onProgress?: (account: string, done: number, total: number) => void;
}

/** What a sync did for one account. */
export interface AccountSync {
  account: string;
  /** The import of the changed backups (absent when nothing of this account changed). */
  import?: ImportReport;
  /** Backups that left the source (their articles stay unless pruned). */
  gone: string[];
  /** Article files removed by `--prune`. */
  pruned: string[];
  /** Why the account could not be synced. */
  error?: string;
}

/** How a sync read the repository. */
export type SyncMode = "first" | "incremental" | "reclone";

/** The outcome of one sync. */
export interface SyncReport {
  status: "up-to-date" | "synced" | "failed";
  mode?: SyncMode;
  /** The commit the library matches after this sync. */
  commit?: string;
  /** The commit it matched before. */
  previous?: string;
  accounts: AccountSync[];
  /** Repository folders not synced as accounts, with the reason (only when syncing every account). */
  ignoredAccounts: Array<{ name: string; reason: string }>;
  /** Totals over all accounts (`updated` counts listings too). */
  newArticles: number;
  updated: number;
  /** New listings: list entries without a backup, served as title, date and link. */
  listedOnly: number;
  skipped: number;
  error?: string;
  startedAt: string;
  finishedAt: string;
}

/** Thrown for options that can never work (exit code 2). */
export class SyncUsageError extends Error {
  override readonly name = "SyncUsageError";
}

/** The folder of the mirror and state: dot-named, so the library never loads it. */
export function syncDirOf(dataDir: string): string {
  return path.join(dataDir, ".sync");
}

/** Check options that no retry can fix. @throws SyncUsageError */
export function checkSyncOptions(opts: Pick<SyncOptions, "repo" | "branch" | "root" | "accounts">): void {
  if (!opts.repo.trim()) throw new SyncUsageError("no repository: pass --repo <git url> or set SYNC_REPO");
  if (opts.repo.startsWith("-")) throw new SyncUsageError("the repository must not start with '-'");
  if (!/^[\w.\-/]+$/.test(opts.branch) || opts.branch.startsWith("-") || opts.branch.includes("..")) {
    throw new SyncUsageError(`invalid branch name: ${opts.branch}`);
  }
  const root = rootProblem(opts.root);
  if (root) throw new SyncUsageError(`invalid root ${JSON.stringify(opts.root)}: ${root}`);
  for (const account of opts.accounts) {
    const problem = accountProblem(account);
    if (problem) throw new SyncUsageError(`invalid account ${JSON.stringify(account)}: ${problem}`);
  }
}

/** A run that did nothing (yet): `failed` until it succeeds, no accounts, no articles. */
export function failedReport(startedAt: string, finishedAt: string, error?: string): SyncReport {
  const report: SyncReport = {
    status: "failed",
    accounts: [],
    ignoredAccounts: [],
    newArticles: 0,
    updated: 0,
    listedOnly: 0,
    skipped: 0,
    startedAt,
    finishedAt,
  };
  return error === undefined ? report : { ...report, error };
}

/**
 * Run one sync. Never throws for a failure of the source (unreachable,
 * refused, timed out, another sync running): the report says `failed` and
 * why, and the library is unchanged. @throws SyncUsageError for bad options.
 */
export async function syncLibrary(opts: SyncOptions): Promise<SyncReport> {
  checkSyncOptions(opts);
  const clock = opts.clock ?? systemClock;
  const log = opts.log ?? silentLogger();
  const report = failedReport(clock.now().toISOString(), "");
  const syncDir = syncDirOf(opts.dataDir);
  try {
    await mkdir(syncDir, { recursive: true });
    const release = await lockSync(syncDir);
    try {
      await run(opts, syncDir, report, log, clock);
    } finally {
      await release();
    }
  } catch (err) {
    report.status = "failed";
    report.error = redactUrls(messageOf(err));
  }
  report.finishedAt = clock.now().toISOString();
  return report;
}

async function run(opts: SyncOptions, syncDir: string, report: SyncReport, log: Logger, clock: Clock): Promise<void> {
  const mirror = new Mirror(syncDir, opts.repo, opts.branch, opts.timeouts ?? DEFAULT_TIMEOUTS, opts.signal);
  const head = await mirror.remoteHead();
  const state = await readState(syncDir);
  const source = sourceKey(opts.repo, opts.branch, opts.root);
  const accountsKey = opts.accounts.length > 0 ? [...opts.accounts].sort().join("\n") : "*";
  const sameSource = state?.source === source;
  const haveMirror = await mirror.exists();
  report.previous = sameSource ? state?.commit : undefined;
  const sameFormat = state?.format === SYNC_FORMAT;
  if (sameSource && state.accounts === accountsKey && state.commit === head && haveMirror && sameFormat) {
    report.status = "up-to-date";
    report.commit = head;
    return;
  }
  let mode: SyncMode;
  let commit: string;
  if (sameSource && haveMirror) {
    commit = await mirror.fetch();
    mode = (await mirror.isAncestor(state.commit, commit)) ? "incremental" : "reclone";
    if (mode === "reclone")
      log.warn({ previous: state.commit, commit }, "the repository's history was rewritten; cloning it again");
  } else {
    mode = state ? "reclone" : "first";
  }
  if (mode !== "incremental") {
    await mirror.clone();
    commit = await mirror.fetchedHead();
  }
  report.mode = mode;
  report.commit = commit!;
  const wanted = await wantedAccounts(opts, mirror, commit!, report);
  await mirror.checkout(
    commit!,
    [...wanted.values()].map((a) => a.backupDir),
  );
  const full = mode !== "incremental" || state?.accounts !== accountsKey || !sameFormat;
  const changes = full ? undefined : await changesSince(mirror, state!.commit, commit!, wanted);
  // One parse thread for every account; failed backups remembered beside the state, at once, for the next start.
  const importing: ImportTools = {
    parser: new BackupParser(),
    failed: await FailedBackups.open(path.join(syncDir, FAILED_BACKUPS_FILE)),
  };
  try {
    await syncAccounts(opts, mirror, wanted, changes, state?.commit, importing, report);
  } finally {
    await importing.parser.close();
  }
  const failed = report.accounts.filter((a) => a.error);
  if (failed.length > 0) {
    // The state stays behind, so the next sync looks at these changes again.
    report.error = failed.map((a) => `${a.account}: ${a.error}`).join("; ");
    return;
  }
  const next: SyncState = {
    source,
    accounts: accountsKey,
    commit: commit!,
    format: SYNC_FORMAT,
    syncedAt: clock.now().toISOString(),
    newArticles: report.newArticles,
  };
  await writeState(syncDir, next);
  report.status = "synced";
}

/** Where the sync remembers backups that failed for want of resources (in `<DATA_DIR>/.sync/`). */
export const FAILED_BACKUPS_FILE = "failed-backups.json";

/** What every account's import shares. */
interface ImportTools {
  parser: BackupParser;
  failed: FailedBackups;
}

async function syncAccounts(
  opts: SyncOptions,
  mirror: Mirror,
  wanted: Map<string, AccountPaths>,
  changes: Map<string, AccountChanges> | undefined,
  previous: string | undefined,
  importing: ImportTools,
  report: SyncReport,
): Promise<void> {
  for (const paths of wanted.values()) {
    opts.signal?.throwIfAborted();
    // undefined: import everything; null: nothing of this account changed.
    const result = await syncAccount(
      opts,
      mirror,
      paths,
      changes ? (changes.get(paths.account) ?? null) : undefined,
      previous,
      importing,
    );
    report.accounts.push(result);
    if (result.import) {
      report.newArticles += result.import.imported.new.length;
      report.updated += result.import.imported.updated.length + result.import.listedOnly.updated.length;
      report.listedOnly += result.import.listedOnly.new.length;
      report.skipped += result.import.skipped.length;
    }
  }
}

/** The accounts asked for, or every account folder the commit has (minus unusable names, reported). */
async function wantedAccounts(
  opts: SyncOptions,
  mirror: Mirror,
  commit: string,
  report: SyncReport,
): Promise<Map<string, AccountPaths>> {
  let names = [...opts.accounts];
  if (names.length === 0) {
    for (const name of await mirror.folders(commit, `${opts.root}/backup`)) {
      const problem = accountProblem(name);
      if (problem) report.ignoredAccounts.push({ name, reason: problem });
      else names.push(name);
    }
    if (names.length === 0) throw new Error(`no account folders under ${opts.root}/backup/ in the repository`);
  }
  names = [...new Set(names)].sort();
  return new Map(names.map((n) => [n, accountPaths(opts.root, n)]));
}

/** What changed in one account between two commits. */
interface AccountChanges {
  /** Backup files added or modified. */
  backups: Set<string>;
  /** Backup files deleted (or renamed away). */
  gone: Set<string>;
  /** Whether the list page changed (dates, links, digests may have). */
  listChanged: boolean;
}

async function changesSince(
  mirror: Mirror,
  from: string,
  to: string,
  wanted: Map<string, AccountPaths>,
): Promise<Map<string, AccountChanges>> {
  const paths = [...wanted.values()].flatMap((a) => [a.listPage, a.backupDir]);
  const changes = new Map<string, AccountChanges>();
  for (const entry of await mirror.diff(from, to, paths)) {
    const what = classifyPath(entry.path, wanted);
    if (!what) continue;
    let c = changes.get(what.account);
    if (!c) changes.set(what.account, (c = { backups: new Set(), gone: new Set(), listChanged: false }));
    if (what.kind === "list") c.listChanged = true;
    else if (entry.status === "D") c.gone.add(what.file);
    else c.backups.add(what.file);
  }
  return changes;
}

/**
 * Import one account: everything when `changes` is undefined (first sync,
 * fresh clone), else the changed backups plus those whose list entry
 * changed (a new date, link or digest on the rewritten list page).
 */
async function syncAccount(
  opts: SyncOptions,
  mirror: Mirror,
  paths: AccountPaths,
  changes: AccountChanges | undefined | null,
  previous: string | undefined,
  importing: ImportTools,
): Promise<AccountSync> {
  const result: AccountSync = { account: paths.account, gone: [], pruned: [] };
  const incremental = changes !== undefined;
  if (incremental && !changes) return result;
  const backupDir = path.join(mirror.dir, paths.backupDir);
  const listPage = path.join(mirror.dir, paths.listPage);
  if (!(await isDir(backupDir))) return { ...result, error: `not in the repository (no ${paths.backupDir}/ folder)` };
  const outDir = path.join(opts.articlesDir, paths.account);
  let only: string[] | undefined;
  let listed: string[] = [];
  if (changes) {
    only = [...changes.backups];
    if (changes.listChanged) {
      const changed = await changedListEntries(mirror, paths, previous!, listPage, backupDir);
      only.push(...changed.backups);
      listed = changed.titles;
    }
    only = [...new Set(only)];
    result.gone = [...changes.gone].sort();
  }
  if (!only || only.length > 0 || listed.length > 0) {
    try {
      // Progress comes every 100 backups: a shutdown stops a large import there, between two whole files.
      const onProgress = (done: number, total: number) => {
        opts.signal?.throwIfAborted();
        opts.onProgress?.(paths.account, done, total);
      };
      result.import = await importBackups({
        backupDir,
        listPage: (await isFile(listPage)) ? listPage : undefined,
        outDir,
        only,
        listed,
        onProgress,
        ...importing,
      });
    } catch (err) {
      if (!(err instanceof ImportError)) throw err;
      return { ...result, error: err.message };
    }
  }
  if (opts.prune) result.pruned = await prune(mirror, previous, paths, outDir, result, incremental);
  return result;
}

/**
 * The entries of the list page that are new or different since `previous`
 * (their titles: a listing may be due) and their backups (matched by file
 * name = title: to be imported again with the new date, link or digest).
 */
async function changedListEntries(
  mirror: Mirror,
  paths: AccountPaths,
  previous: string,
  listPage: string,
  backupDir: string,
): Promise<{ titles: string[]; backups: string[] }> {
  const before = await mirror.show(previous, paths.listPage);
  const now = (await isFile(listPage)) ? await readFile(listPage, "utf8") : undefined;
  const oldEntries = before === undefined ? new Map<string, ListEntry>() : parseListPage(before).entries;
  const newEntries = now === undefined ? new Map<string, ListEntry>() : parseListPage(now).entries;
  const same = (a: ListEntry | undefined, b: ListEntry) =>
    a !== undefined && a.date === b.date && a.url === b.url && a.summary === b.summary;
  const entries = [...newEntries].filter(([key, entry]) => !same(oldEntries.get(key), entry));
  if (entries.length === 0) return { titles: [], backups: [] };
  const changed = new Set(entries.map(([key]) => key));
  const files = await readdir(backupDir).catch(() => [] as string[]);
  return {
    titles: entries.map(([, entry]) => entry.title),
    backups: files.filter((f) => f.endsWith(".md") && changed.has(titleKey(f.slice(0, -3)))),
  };
}

/**
 * `--prune`: remove the articles of backups that left the source. After a
 * full import, every `*.md` of the account folder that the import did not
 * produce; after an incremental one, the articles of the deleted backups
 * (their title read from the previous commit), unless a current backup
 * produced the same file.
 */
async function prune(
  mirror: Mirror,
  previous: string | undefined,
  paths: AccountPaths,
  outDir: string,
  result: AccountSync,
  incremental: boolean,
): Promise<string[]> {
  if (result.error) return [];
  const produced = new Set(
    [...Object.values(result.import?.imported ?? {}), ...Object.values(result.import?.listedOnly ?? {})].flat(),
  );
  let candidates: string[];
  if (!incremental) {
    candidates = (await readdir(outDir).catch(() => [] as string[])).filter(
      (f) => f.endsWith(".md") && !f.startsWith("."),
    );
  } else {
    candidates = [];
    for (const file of result.gone) {
      // A backup over the limit never became an article: nothing to prune, and not worth reading.
      const text = await mirror.show(previous!, `${paths.backupDir}/${file}`, MAX_ARTICLE_BYTES);
      if (text !== undefined) candidates.push(`${safeFileName(parseBackup(text, file.replace(/\.md$/, "")).title)}.md`);
    }
  }
  const removed: string[] = [];
  for (const name of candidates) {
    const file = path.join(outDir, name);
    if (produced.has(name) || !(await isFile(file)) || !writtenByImporter(await readFile(file, "utf8"))) continue;
    await unlink(file);
    removed.push(name);
  }
  return removed.sort();
}

/** Directory, not a symlink to one (a hostile repository could point anywhere). */
async function isDir(p: string): Promise<boolean> {
  return lstat(p).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

async function isFile(p: string): Promise<boolean> {
  return lstat(p).then(
    (s) => s.isFile(),
    () => false,
  );
}
