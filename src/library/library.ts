import type { Article } from "./article.ts";

/**
 * An immutable, loaded set of articles with the look-ups the bot needs.
 * Reloading builds a new Library; holders swap the reference.
 */
export class Library {
  /** Articles, newest first (ties: by id, for a stable order). */
  readonly articles: readonly Article[];
  private readonly byId: Map<string, Article>;

  constructor(articles: Iterable<Article>) {
    this.articles = [...articles].sort((a, b) => b.date.localeCompare(a.date) || a.id.localeCompare(b.id));
    this.byId = new Map(this.articles.map((a) => [a.id, a]));
  }

  get size(): number {
    return this.articles.length;
  }

  /** The article with this id, if any. */
  get(id: string): Article | undefined {
    return this.byId.get(id);
  }

  /** The `n` most recent articles, skipping digest posts that only list other titles. */
  latest(n: number): Article[] {
    return this.articles.filter((a) => !isDigest(a)).slice(0, n);
  }

  /** One article chosen with `random` (a function returning [0, 1)), or undefined when empty. */
  random(random: () => number = Math.random): Article | undefined {
    const pool = this.articles.filter((a) => !isDigest(a));
    const list = pool.length > 0 ? pool : this.articles;
    return list[Math.floor(random() * list.length)];
  }

  /** Articles published on `monthDay` (MM-DD) in a year before `year`, newest first. */
  onThisDay(monthDay: string, year: number): Article[] {
    return this.articles.filter((a) => a.date.slice(5) === monthDay && Number(a.date.slice(0, 4)) < year);
  }
}

/** Monthly digests (「文章一览」) list other articles' titles; they are navigation, not content. */
export function isDigest(article: Pick<Article, "title" | "tags">): boolean {
  return (article.tags ?? []).includes("文章一览") || /文章一览/.test(article.title);
}
