/**
 * `importBackups`: a directory of 小懒 markdown backups (plus, optionally,
 * the account's list page) → one front-matter article file per article,
 * and a listing (title, date, link; no body) for each list entry that no
 * backup became an article for. A bad backup is skipped with a reason; it
 * never stops the others.
 */
import { mkdir, readFile, readdir, stat, unlink } from "node:fs/promises";
import path from "node:path";
import { frontMatterSchema, type FrontMatter } from "../library/article.ts";
import { parseFrontMatter } from "../library/front-matter.ts";
import { parseArticleFile } from "../library/load.ts";
import { markdownToText } from "../library/markdown.ts";
import { summarize } from "../library/summarize.ts";
import { listedFrontMatter } from "./listed-only.ts";
import { lookupTitle, parseListPage, titleKey, type ListEntry, type ListPage } from "./list-page.ts";
import { BackupParser } from "./backup-parser.ts";
import type { FailedBackups } from "./failed-backups.ts";
import type { ParsedBackup } from "./parse-backup.ts";
import {
  IMPORTED_FROM,
  readIfExists,
  safeFileName,
  serializeArticle,
  writeAtomic,
  writeIfChanged,
  type WriteOutcome,
} from "./write.ts";
import { messageOf } from "../util/errors.ts";

/** Options of one import run. */
export interface ImportOptions {
  /** A folder of backups, or one backup file. */
  backupDir: string;
  /**
   * The account the articles belong to. Default: the list page's heading,
   * else the backup folder's name (not a lone file's folder: that is
   * usually `Downloads` or `backup`, not an account).
   */
  account?: string;
  /** Path of the account's list page: the only source of dates and links. */
  listPage?: string;
  outDir: string;
  /**
   * Import only these backups (file names in `backupDir`), e.g. the ones a
   * sync found changed; names that are not a backup there are ignored.
   * Default: every backup.
   */
  only?: readonly string[];
  /**
   * With `only`: the list entries (titles) whose listings to write, e.g.
   * the ones a sync found new or changed on the list page; default none.
   * Without `only`, every entry of the list page is considered.
   */
  listed?: readonly string[];
  /** Called every {@link PROGRESS_EVERY} backups and once at the end. */
  onProgress?: (done: number, total: number) => void;
  /** Backups that failed for want of resources, remembered across runs (the sync's); default: none remembered. */
  failed?: FailedBackups;
  /** How backups are read and parsed; default a {@link BackupParser} of its own, closed at the end. */
  parser?: BackupParser;
}

/** One backup (or list entry) that produced no article, and why. */
export interface Skipped {
  /** The backup's file name, or the list entry's title. */
  file: string;
  reason: string;
}

/** What an import run did. All lists hold backup file names, sorted. */
export interface ImportReport {
  /** Backups found. */
  total: number;
  /** Output file names (relative to the out dir) by what the write did. */
  imported: Record<WriteOutcome, string[]>;
  skipped: Skipped[];
  /** Entries of the backup folder that are not backups (another extension, a subfolder), and why; none with `only`. */
  notRead: Skipped[];
  /** Skipped for want of a date (a subset of `skipped`). */
  withoutDate: string[];
  /** Imported without a 禅定时刻 image. */
  withoutZen: string[];
  /** Backups whose title is not on the list page (only with a list page). */
  notInList: string[];
  /** Titles the list page lists twice (the first, newest entry was used). */
  listDuplicates: string[];
  /** Listings of list entries that no backup became an article for: output file names by what the write did. */
  listedOnly: Record<WriteOutcome, string[]>;
  /** List entries without a backup that could not be listed either (no date), by title. */
  listedSkipped: Skipped[];
  account?: string;
  /** Where `account` came from: `--account`, the list page's heading, or the backup folder's name. */
  accountFrom?: "option" | "list page" | "folder name";
}

/** Thrown for problems that stop the whole run (missing backups or list page). */
export class ImportError extends Error {
  override readonly name = "ImportError";
}

export const PROGRESS_EVERY = 100;

/** What a backup's name ends with: 小懒 writes `.md`; a backup saved by hand is often `.txt`. */
const BACKUP_NAME = /\.(md|txt)$/i;

/** Titles of monthly digest posts, e.g. `2024年8月文章一览`, `2024 年 12 月文章一览`. */
const DIGEST_TITLE = /^\d{4}\s*年\s*\d{1,2}\s*月\s*文章一览$/;

/**
 * Import the backup `backupDir` names, or every `*.md` and `*.txt` backup
 * in it, into `outDir`. Re-running on the same input rewrites nothing and
 * reports every file as unchanged.
 * @throws ImportError when the backups or the list page cannot be read.
 */
export async function importBackups(opts: ImportOptions): Promise<ImportReport> {
  const found = await listBackups(opts.backupDir);
  const only = opts.only && new Set(opts.only);
  const files = only ? found.files.filter((f) => only.has(path.basename(f))) : found.files;
  const list = opts.listPage ? await readListPage(opts.listPage) : undefined;
  const report = emptyReport(files.length, list);
  if (!only) report.notRead = found.notRead;
  const folderName = found.folder ? path.basename(path.resolve(opts.backupDir)) : undefined;
  report.account = opts.account ?? list?.account ?? folderName;
  report.accountFrom =
    opts.account !== undefined
      ? "option"
      : list?.account !== undefined
        ? "list page"
        : folderName !== undefined
          ? "folder name"
          : undefined;
  await mkdir(opts.outDir, { recursive: true });
  const taken = new Set<string>();
  // List entry (title key) → the file name a backup of this run took for it: its listing may go nowhere else.
  const claimed = new Map<string, string>();
  const parser = opts.parser ?? new BackupParser();
  try {
    for (const [i, file] of files.entries()) {
      await importOne(file, parser, opts, list, report, taken, claimed);
      const done = i + 1;
      if (done % PROGRESS_EVERY === 0 || done === files.length) opts.onProgress?.(done, files.length);
    }
  } finally {
    if (!opts.parser) await parser.close();
  }
  if (list) await importListings(opts, list, report, taken, claimed);
  for (const names of [...Object.values(report.imported), ...Object.values(report.listedOnly)]) names.sort();
  return report;
}

/**
 * The backups to read: `source` itself when it is a file, else the `.md`
 * and `.txt` files in the folder, with every other entry and why it is
 * not read (an operator who sees fewer backups than files learns why).
 */
async function listBackups(source: string): Promise<{ files: string[]; notRead: Skipped[]; folder: boolean }> {
  const info = await stat(source).catch(() => undefined);
  if (!info) throw new ImportError(`no such backup file or folder: ${source}`);
  if (info.isFile()) {
    if (!BACKUP_NAME.test(source)) throw new ImportError(`not a backup: ${source} (backups are .md or .txt files)`);
    return { files: [source], notRead: [], folder: false };
  }
  if (!info.isDirectory()) throw new ImportError(`not a file or folder: ${source}`);
  const files: string[] = [];
  const notRead: Skipped[] = [];
  for (const e of await readdir(source, { withFileTypes: true })) {
    if (e.isDirectory())
      notRead.push({ file: `${e.name}/`, reason: "a folder (only the files directly in the backup folder are read)" });
    else if (e.name.startsWith(".")) notRead.push({ file: e.name, reason: "a hidden file" });
    else if (!e.isFile()) notRead.push({ file: e.name, reason: "not a regular file" });
    else if (!BACKUP_NAME.test(e.name))
      notRead.push({ file: e.name, reason: "not a backup (only .md and .txt files are read)" });
    else files.push(path.join(source, e.name));
  }
  notRead.sort((a, b) => a.file.localeCompare(b.file));
  return { files: files.sort(), notRead, folder: true };
}

async function readListPage(file: string): Promise<ListPage> {
  try {
    return parseListPage(await readFile(file, "utf8"));
  } catch (err) {
    throw new ImportError(`cannot read list page ${file}: ${messageOf(err)}`);
  }
}

function emptyReport(total: number, list: ListPage | undefined): ImportReport {
  return {
    total,
    imported: { new: [], updated: [], unchanged: [] },
    skipped: [],
    notRead: [],
    withoutDate: [],
    withoutZen: [],
    notInList: [],
    listDuplicates: list?.duplicates ?? [],
    listedOnly: { new: [], updated: [], unchanged: [] },
    listedSkipped: [],
  };
}

/** Parse, complete, write and verify one backup, recording the outcome in `report`. */
async function importOne(
  file: string,
  parser: BackupParser,
  opts: ImportOptions,
  list: ListPage | undefined,
  report: ImportReport,
  taken: Set<string>,
  claimed: Map<string, string>,
): Promise<void> {
  const name = path.basename(file);
  const skip = (reason: string) => void report.skipped.push({ file: name, reason });
  const account = report.account ?? "";
  const before = await opts.failed?.reason(account, file, name);
  if (before) return skip(`${before} (remembered from an earlier run: not read again until it changes)`);
  const outcome = await parser.parse(file, name.replace(BACKUP_NAME, ""));
  if ("failure" in outcome) {
    await opts.failed?.remember(account, file, name, outcome.failure);
    return skip(outcome.failure);
  }
  const parsed = outcome.parsed;
  if (parsed.problem) return skip(parsed.problem);
  const entry = list ? lookupTitle(list, parsed.title) : undefined;
  if (list && !entry) report.notInList.push(name);
  if (!entry?.date) {
    report.withoutDate.push(name);
    return skip(
      list
        ? entry
          ? "no date on the list page"
          : "no date: title not on the list page"
        : "no date: no list page given",
    );
  }
  const fm = frontMatterSchema.safeParse(buildFrontMatter(parsed, entry, report.account));
  if (!fm.success) return skip(invalidFrontMatter(fm.error));
  // The account, not the backup's file name: a renamed backup is still the same article.
  const mark = report.account ?? "";
  let out = `${safeFileName(parsed.title)}.md`;
  try {
    const target = await ownedName(opts.outDir, safeFileName(parsed.title), taken, {
      title: fm.data.title,
      url: fm.data.url,
    });
    out = target.name;
    claimed.set(titleKey(entry.title), out);
    // A file that already holds exactly this article without the mark (the bundled library, a copy put there by hand) is
    // left alone: adding only the mark would rewrite every such file on a re-import and dirty a git checkout for nothing.
    const unmarked = serializeArticle(fm.data, parsed.body);
    const outcome = await writeLoadable(
      opts.outDir,
      target,
      target.previous === unmarked ? unmarked : serializeArticle(fm.data, parsed.body, mark),
    );
    if (typeof outcome === "object") return skip(outcome.problem);
    report.imported[outcome].push(out);
    if (!fm.data.zen) report.withoutZen.push(name);
    await removeListings(opts.outDir, entry, out);
  } catch (err) {
    return skip(`cannot write ${out}: ${messageOf(err)}`);
  }
}

/**
 * Write a listing for each list entry (with `only`: each of `listed`)
 * that has no article with text. An article a backup left, in this run or
 * an earlier one, is never replaced by its listing: a backup that turns
 * into a placeholder, or fails to load, keeps its text served.
 */
async function importListings(
  opts: ImportOptions,
  list: ListPage,
  report: ImportReport,
  taken: Set<string>,
  claimed: Map<string, string>,
): Promise<void> {
  const wanted = opts.only === undefined ? undefined : new Set((opts.listed ?? []).map(titleKey));
  for (const entry of list.entries.values()) {
    const key = titleKey(entry.title);
    if (wanted && !wanted.has(key)) continue;
    const skip = (reason: string) => void report.listedSkipped.push({ file: entry.title, reason });
    const data = listedFrontMatter(entry, report.account);
    if (!data) {
      skip("no date on the list page");
      continue;
    }
    const fm = frontMatterSchema.safeParse(data);
    if (!fm.success) {
      skip(invalidFrontMatter(fm.error));
      continue;
    }
    let out = `${safeFileName(entry.title)}.md`;
    try {
      const mine = claimed.get(key);
      const target = mine
        ? { name: mine, previous: await readIfExists(path.join(opts.outDir, mine)) }
        : await ownedName(opts.outDir, safeFileName(entry.title), taken, { title: fm.data.title, url: fm.data.url });
      out = target.name;
      if (target.previous !== undefined && !isListing(target.previous)) continue;
      const outcome = await writeLoadable(opts.outDir, target, serializeArticle(fm.data, "", report.account ?? ""));
      if (typeof outcome === "object") skip(outcome.problem);
      else report.listedOnly[outcome].push(out);
    } catch (err) {
      skip(`cannot write ${out}: ${messageOf(err)}`);
    }
  }
}

/**
 * Remove the listing of `entry` that its backup's article replaced under
 * another name (the backup spells the title differently: `？` for `?`
 * gives another file name), so the article is not served twice.
 */
async function removeListings(outDir: string, entry: ListEntry, article: string): Promise<void> {
  const base = safeFileName(entry.title);
  for (let n = 1; ; n++) {
    const name = n === 1 ? `${base}.md` : `${base}-${n}.md`;
    const text = await readIfExists(path.join(outDir, name));
    if (text === undefined) return;
    if (name === article || !isListing(text)) continue;
    const data = frontMatterOf(text)!;
    if (entry.url ? data.url === entry.url : data.title === entry.title) await unlink(path.join(outDir, name));
  }
}

/**
 * Write an article file and read it back as the bot will: a file that
 * does not load is taken back (the previous import put back, or nothing).
 */
async function writeLoadable(
  outDir: string,
  target: { name: string; previous?: string },
  content: string,
): Promise<WriteOutcome | { problem: string }> {
  const file = path.join(outDir, target.name);
  const outcome = await writeIfChanged(file, content);
  const check = await parseArticleFile(outDir, target.name);
  if ("body" in check) return outcome;
  if (target.previous === undefined) await unlink(file).catch(() => undefined);
  else if (outcome === "updated") await writeAtomic(file, target.previous);
  return { problem: `written file does not load: ${check.message}` };
}

function invalidFrontMatter(error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> }): string {
  return `invalid front matter: ${error.issues[0]!.path.join(".")} ${error.issues[0]!.message}`;
}

/**
 * The first free name for `base` (`base.md`, `base-2.md`, …): not used by
 * another backup of this run, and either no file yet or a file this
 * importer wrote for the same article (the same url, or its
 * `imported_from` mark and the same title). A file the writer made by
 * hand is never overwritten.
 */
async function ownedName(
  outDir: string,
  base: string,
  taken: Set<string>,
  article: { title: string; url?: string },
): Promise<{ name: string; previous?: string }> {
  for (let n = 1; ; n++) {
    const name = n === 1 ? `${base}.md` : `${base}-${n}.md`;
    if (taken.has(name.toLowerCase())) continue;
    const previous = await readIfExists(path.join(outDir, name));
    if (previous !== undefined && !ownedBy(previous, article)) continue;
    taken.add(name.toLowerCase());
    return { name, previous };
  }
}

function ownedBy(text: string, article: { title: string; url?: string }): boolean {
  const data = frontMatterOf(text);
  return (
    data !== undefined &&
    ((article.url !== undefined && data.url === article.url) ||
      (data[IMPORTED_FROM] !== undefined && data.title === article.title))
  );
}

/**
 * Whether an article file carries the importer's `imported_from` mark:
 * only such files may be removed on the importer's behalf (`sync --prune`);
 * a file the writer made by hand never is.
 */
export function writtenByImporter(text: string): boolean {
  return frontMatterOf(text)?.[IMPORTED_FROM] !== undefined;
}

/** Whether an article file is a listing (`listed_only`): what a backup's article may replace. */
function isListing(text: string): boolean {
  return frontMatterOf(text)?.listed_only === true;
}

function frontMatterOf(text: string): Record<string, unknown> | undefined {
  try {
    return parseFrontMatter(text).data;
  } catch {
    return undefined;
  }
}

/**
 * Front matter from the backup and its list entry. `date` and `url` exist
 * only on the list page; the account is the report's (see
 * {@link ImportOptions.account}).
 */
function buildFrontMatter(p: ParsedBackup, entry: ListEntry, account: string | undefined): FrontMatter {
  return {
    title: p.title,
    date: entry.date!,
    url: entry.url,
    summary: chooseSummary(entry.summary, p.body),
    tags: DIGEST_TITLE.test(p.title) ? ["文章一览"] : undefined,
    cover: p.cover,
    author: p.author,
    account,
    zen: p.zen,
  };
}

/**
 * The list page's digest, unless it is WeChat's automatic one cut off
 * mid-sentence: the opening of the body truncated to ~54 characters, e.g.
 * `…我的真实想法：“AI还真的画不出来` or `…的话：“如果你…不该坐飞机。` (the
 * quote never closes). Then a summary of the body is better. A digest the
 * author wrote (`阿甘是个傻子`) is not the body's opening and is kept as is.
 */
export function chooseSummary(digest: string | undefined, body: string): string {
  if (digest && !(isOpeningOf(digest, body) && !isComplete(digest))) return digest;
  // summarize reads the first 20,000 characters: the rest of a 5 MB body need not be filtered on the main thread.
  return summarize(summarySource(body.slice(0, SUMMARY_SOURCE_CHARS)));
}

function isOpeningOf(digest: string, body: string): boolean {
  const squash = (s: string) => s.normalize("NFKC").replace(/\s+/g, "");
  // The opening is all that is compared: a 5 MB body need not be converted whole on the main thread.
  return squash(markdownToText(body.slice(0, OPENING_CHARS + digest.length * 8))).startsWith(squash(digest));
}

/** Body characters a summary is chosen from: lists of links dropped, far more than 20,000 remain. */
const SUMMARY_SOURCE_CHARS = 200_000;

/** Body characters enough to hold a digest's worth of text under markup (links, images) before it. */
const OPENING_CHARS = 4_000;

/** Ends at a sentence end with every quote and bracket closed. */
function isComplete(s: string): boolean {
  if (!/[。！？!?…][」』”’）)》]*$/.test(s)) return false;
  const count = (ch: string) => s.split(ch).length - 1;
  return ["“”", "「」", "『』", "（）", "《》"].every(([open, close]) => count(open!) === count(close!));
}

/**
 * The body without lists of links: a digest post's 34 titles (as list
 * items, or as paragraphs like `[2024年2月文章一览](…)（29）`) would
 * otherwise fill its summary, and a summary should be prose anyway.
 */
function summarySource(body: string): string {
  const linksOnly = (p: string) =>
    p
      .replace(/!?\[[^[\]]*\]\([^()\]]*\)/g, "")
      .replace(/[（(][^（(）)]*[）)]/g, "")
      .replace(/[\s\p{P}]/gu, "") === "";
  return body
    .split(/\n{2,}/)
    .map((p) =>
      p
        .split("\n")
        .filter((line) => !/^\s*(\d+\.|[-*+])\s/.test(line))
        .join("\n"),
    )
    .filter((p) => p.trim() !== "" && !linksOnly(p))
    .join("\n\n");
}
