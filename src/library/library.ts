import type { Article, ArticleMeta } from "./article.ts";

/** Reads an article's body when it is needed (e.g. for a snippet). */
export type BodyReader = (id: string) => string;

/**
 * An immutable, loaded set of articles with the look-ups the bot needs.
 * Bodies are not kept: at 100,000 articles they would cost gigabytes, and
 * only the few articles in a reply need one. Reloading builds a new
 * Library; holders swap the reference.
 */
export class Library {
  /** Articles, newest first (ties: by id, for a stable order). */
  readonly articles: readonly ArticleMeta[];
  /** Official accounts with their article counts, most articles first (articles without an account are not counted). */
  readonly accounts: ReadonlyArray<{ name: string; count: number }>;
  private readonly byId: Map<string, ArticleMeta>;

  /**
   * @param articles the articles (full articles keep their bodies in memory)
   * @param readBody where bodies of body-less articles come from
   */
  constructor(
    articles: Iterable<ArticleMeta | Article>,
    private readonly readBody: BodyReader = () => "",
  ) {
    this.articles = [...articles].sort((a, b) => b.date.localeCompare(a.date) || a.id.localeCompare(b.id));
    this.byId = new Map(this.articles.map((a) => [a.id, a]));
    const counts = new Map<string, number>();
    for (const a of this.articles) if (a.account) counts.set(a.account, (counts.get(a.account) ?? 0) + 1);
    this.accounts = [...counts].map(([name, count]) => ({ name, count })).sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
  }

  /** The markdown body of an article ("" when unknown or unreadable). */
  body(id: string): string {
    const article = this.byId.get(id) as Partial<Article> | undefined;
    if (!article) return "";
    return article.body ?? this.readBody(id);
  }

  get size(): number {
    return this.articles.length;
  }

  /** The article with this id, if any. */
  get(id: string): ArticleMeta | undefined {
    return this.byId.get(id);
  }

  /** The `n` most recent articles (of those `where` accepts), skipping digest posts that only list other titles. */
  latest(n: number, where: (a: ArticleMeta) => boolean = () => true): ArticleMeta[] {
    const out: ArticleMeta[] = [];
    for (const a of this.articles) {
      if (out.length >= n) break;
      if (!isDigest(a) && where(a)) out.push(a);
    }
    return out;
  }

  /** One article chosen with `random` (a function returning [0, 1)), or undefined when empty. */
  random(random: () => number = Math.random): ArticleMeta | undefined {
    const pool = this.articles.filter((a) => !isDigest(a));
    const list = pool.length > 0 ? pool : this.articles;
    return list[Math.floor(random() * list.length)];
  }

  /** Articles published on `monthDay` (MM-DD) in a year before `year`, newest first. */
  onThisDay(monthDay: string, year: number): ArticleMeta[] {
    return this.articles.filter((a) => a.date.slice(5) === monthDay && Number(a.date.slice(0, 4)) < year);
  }
}

/** Monthly digests (「文章一览」) list other articles' titles; they are navigation, not content. */
export function isDigest(article: Pick<ArticleMeta, "title" | "tags">): boolean {
  return (article.tags ?? []).includes("文章一览") || /文章一览/.test(article.title);
}
