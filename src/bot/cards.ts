import type { ArticleMeta } from "../library/article.ts";
import type { SearchHit } from "../search/index.ts";
import { findSnippet } from "../search/snippet.ts";
import type { ParsedQuery } from "../search/query.ts";
import type { ArticleCard } from "./message.ts";

/** The card of an article, as every reply shows it. */
export function toCard(article: ArticleMeta): ArticleCard {
  return {
    id: article.id,
    title: article.title,
    date: article.date,
    summary: article.summary,
    url: article.url,
    cover: article.cover,
  };
}

/** The card of a search hit, with the passage of `body` that matched. */
export function hitCard(hit: SearchHit, query: ParsedQuery, body: string): ArticleCard {
  const snippet = findSnippet(body, query);
  return snippet ? { ...toCard(hit.article), snippet } : toCard(hit.article);
}
