import type { Article, ArticleMeta } from "./article.ts";

/** Reads an article's body when it is needed (e.g. for a snippet). */
export type BodyReader = (id: string) => string;

/**
 * A library's articles in library order (newest first; ties by id), as
 * the columns it is sorted and looked up by plus each article's metadata
 * on request. The library cache stores them so: a start from it reads
 * the columns, and decodes an article's metadata only when something
 * shows it, not 10,000 of them before the first answer.
 */
export interface LibraryRows {
  ids: readonly string[];
  dates: readonly string[];
  accounts: ReadonlyArray<string | undefined>;
  authors: ReadonlyArray<string | undefined>;
  /** 1 for a digest post ({@link isDigest}). */
  digests: Uint8Array;
  /** 1 for a listing: known from the list page only, no body (`listed_only`). */
  listings: Uint8Array;
  meta(row: number): ArticleMeta | Article;
}

/**
 * An immutable, loaded set of articles with the look-ups the bot needs.
 * Bodies are not kept: at 100,000 articles they would cost gigabytes, and
 * only the few articles in a reply need one. Reloading builds a new
 * Library; holders swap the reference.
 */
export class Library {
  /** Official accounts with their article counts, most articles first (articles without an account are not counted). */
  readonly accounts: ReadonlyArray<{ name: string; count: number }>;
  /** Authors named in front matter, with their article counts, most articles first. */
  readonly authors: ReadonlyArray<{ name: string; count: number }>;
  private readonly rows: LibraryRows;
  private readonly rowOf: Map<string, number>;
  private readonly decoded: Array<ArticleMeta | undefined>;
  private all?: readonly ArticleMeta[];

  /**
   * @param articles the articles (full articles keep their bodies in memory),
   *   or rows already in library order (read back from the library cache)
   * @param readBody where bodies of body-less articles come from
   */
  constructor(
    articles: Iterable<ArticleMeta | Article> | LibraryRows,
    private readonly readBody: BodyReader = () => "",
  ) {
    this.rows = "meta" in articles ? articles : rowsOf(articles);
    this.decoded = new Array<ArticleMeta | undefined>(this.rows.ids.length);
    this.rowOf = new Map(this.rows.ids.map((id, row) => [id, row]));
    this.accounts = tally(this.rows.accounts);
    this.authors = tally(this.rows.authors);
  }

  /** Articles, newest first (ties: by id, for a stable order). Decodes every article the first time. */
  get articles(): readonly ArticleMeta[] {
    this.all ??= this.rows.ids.map((_, row) => this.at(row));
    return this.all;
  }

  /** Article ids in library order, without decoding any article. */
  get ids(): readonly string[] {
    return this.rows.ids;
  }

  get size(): number {
    return this.rows.ids.length;
  }

  /** The article at library position `row`. */
  at(row: number): ArticleMeta {
    let meta = this.decoded[row];
    if (meta === undefined) {
      meta = this.rows.meta(row);
      this.decoded[row] = meta;
    }
    return meta;
  }

  /** Library position of an article, if the library has it. */
  position(id: string): number | undefined {
    return this.rowOf.get(id);
  }

  /** Date (YYYY-MM-DD), account and digest flag at a library position, without decoding the article. */
  dateAt(row: number): string {
    return this.rows.dates[row]!;
  }

  accountAt(row: number): string | undefined {
    return this.rows.accounts[row];
  }

  authorAt(row: number): string | undefined {
    return this.rows.authors[row];
  }

  isDigestAt(row: number): boolean {
    return this.rows.digests[row] === 1;
  }

  /** Whether the article at a library position is a listing (title, date and link; no body). */
  isListingAt(row: number): boolean {
    return this.rows.listings[row] === 1;
  }

  /** The markdown body of an article ("" when unknown or unreadable). */
  body(id: string): string {
    const row = this.rowOf.get(id);
    if (row === undefined) return "";
    return (this.at(row) as Partial<Article>).body ?? this.readBody(id);
  }

  /** The article with this id, if any. */
  get(id: string): ArticleMeta | undefined {
    const row = this.rowOf.get(id);
    return row === undefined ? undefined : this.at(row);
  }

  /** The `n` most recent articles (of those `where` accepts), skipping digest posts that only list other titles. */
  latest(n: number, where: (a: ArticleMeta) => boolean = () => true): ArticleMeta[] {
    const out: ArticleMeta[] = [];
    for (let row = 0; row < this.size && out.length < n; row++) {
      if (!this.isDigestAt(row) && where(this.at(row))) out.push(this.at(row));
    }
    return out;
  }

  /**
   * One article chosen with `random` (a function returning [0, 1)), or
   * undefined when empty: one with text to read, unless there is none
   * (a digest lists titles, a listing has only its own).
   */
  random(random: () => number = Math.random): ArticleMeta | undefined {
    const rows = this.rows.ids.map((_, row) => row);
    const pool = rows.filter((row) => !this.isDigestAt(row) && !this.isListingAt(row));
    const list = pool.length > 0 ? pool : rows;
    const row = list[Math.floor(random() * list.length)];
    return row === undefined ? undefined : this.at(row);
  }

  /** Articles published on `monthDay` (MM-DD) in a year before `year`, newest first. */
  onThisDay(monthDay: string, year: number): ArticleMeta[] {
    const out: ArticleMeta[] = [];
    this.rows.dates.forEach((date, row) => {
      if (date.slice(5) === monthDay && Number(date.slice(0, 4)) < year) out.push(this.at(row));
    });
    return out;
  }
}

/** Articles sorted into library order, as rows. */
function rowsOf(articles: Iterable<ArticleMeta | Article>): LibraryRows {
  // Dates are ASCII, so plain comparison orders them as localeCompare would, and far faster; ids keep localeCompare.
  const sorted = [...articles].sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : a.id.localeCompare(b.id)));
  return {
    ids: sorted.map((a) => a.id),
    dates: sorted.map((a) => a.date),
    accounts: sorted.map((a) => a.account),
    authors: sorted.map((a) => a.author),
    digests: Uint8Array.from(sorted, (a) => (isDigest(a) ? 1 : 0)),
    listings: Uint8Array.from(sorted, (a) => (a.listed_only ? 1 : 0)),
    meta: (row) => sorted[row]!,
  };
}

/** Names with how often they occur, most frequent first (ties by name); absent names are not counted. */
function tally(names: ReadonlyArray<string | undefined>): Array<{ name: string; count: number }> {
  const counts = new Map<string, number>();
  for (const name of names) if (name) counts.set(name, (counts.get(name) ?? 0) + 1);
  return [...counts]
    .map(([name, count]) => ({ name, count }))
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
}

/** Monthly digests (「文章一览」) list other articles' titles; they are navigation, not content. */
export function isDigest(article: Pick<ArticleMeta, "title" | "tags">): boolean {
  return (article.tags ?? []).includes("文章一览") || /文章一览/.test(article.title);
}
