/**
 * The 小懒 list page of one official account: every article's title, link,
 * publication date and digest. Layout:
 *
 *   # 【槽边往事】文章列表
 *   - [title](http://mp.weixin.qq.com/s?…) |  [备份查看](/gzh/backup/…)
 *       - 时间：2024-07-02
 *       - 摘要：…            (often empty)
 */
import { stripZeroWidth } from "./clean-body.ts";

/** What the list page knows about one article. */
export interface ListEntry {
  /** The title as the list page spells it. */
  title: string;
  url?: string;
  /** YYYY-MM-DD. */
  date?: string;
  /** The digest; absent when the page leaves it empty. */
  summary?: string;
}

/** A parsed list page. */
export interface ListPage {
  /** The account name from the `# 【name】文章列表` heading, when present. */
  account?: string;
  /** Entries keyed by {@link titleKey}; the first (newest) wins on duplicates. */
  entries: Map<string, ListEntry>;
  /** Titles listed more than once (only the first entry is kept). */
  duplicates: string[];
}

/** The URL stops at `(`, `)` and blanks, so a title like `a](a](…` is scanned once per `](`, not to the end each time. */
const ENTRY = /^[-*+]\s+\[(.+?)\]\(([^()\s]+)\)(?:\s*\|.*)?$/;
const FIELD = /^\s+[-*+]\s+(时间|日期|摘要)[:：]\s*(.*)$/;

/**
 * Parse a list page. Lines that fit no pattern (the page's preamble, notes
 * such as "太多了，更早之前的先不爬了！") are ignored.
 */
export function parseListPage(markdown: string): ListPage {
  const page: ListPage = { account: findAccount(markdown), entries: new Map(), duplicates: [] };
  let current: ListEntry | undefined;
  for (const raw of stripZeroWidth(markdown).replace(/\r\n?/g, "\n").split("\n")) {
    const entry = ENTRY.exec(raw);
    if (entry) {
      current = { title: entry[1]!.trim(), url: httpUrl(entry[2]!) };
      addEntry(page, current);
      continue;
    }
    const field = current && FIELD.exec(raw);
    if (!current || !field) continue;
    const value = field[2]!.replace(/\s+/g, " ").trim();
    if (field[1] === "摘要") {
      if (value) current.summary = value;
    } else current.date = normalizeDate(value);
  }
  return page;
}

/**
 * The key titles are matched by: Unicode compatibility form (full-width
 * letters, digits and brackets become ASCII), no whitespace, lower case.
 * So `2024 年 12 月文章一览` matches `2024年12月文章一览`, `（1）` matches `(1)`.
 */
export function titleKey(title: string): string {
  return stripZeroWidth(title).normalize("NFKC").replace(/\s+/g, "").toLowerCase();
}

/** The list entry for a title, tolerant of whitespace and full-width differences. */
export function lookupTitle(page: ListPage, title: string): ListEntry | undefined {
  return page.entries.get(titleKey(title));
}

function addEntry(page: ListPage, entry: ListEntry): void {
  const key = titleKey(entry.title);
  if (page.entries.has(key)) page.duplicates.push(entry.title);
  else page.entries.set(key, entry);
}

function findAccount(markdown: string): string | undefined {
  const m = /^#[ \t]+【([^】\n]+)】/m.exec(markdown);
  return m ? m[1]!.trim() : undefined;
}

/** `2024-7-2`, `2024/07/02`, `2024年7月2日` → `2024-07-02`; anything else → undefined. */
function normalizeDate(s: string): string | undefined {
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?/.exec(s);
  if (!m) return undefined;
  const date = `${m[1]}-${m[2]!.padStart(2, "0")}-${m[3]!.padStart(2, "0")}`;
  const t = Date.parse(`${date}T00:00:00Z`);
  return Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== date ? undefined : date;
}

function httpUrl(s: string): string | undefined {
  return /^https?:\/\/\S+$/.test(s) ? s : undefined;
}
