import type { ArticleMeta } from "../library/article.ts";
import type { SearchHit } from "../search/index.ts";
import { findSnippet } from "../search/snippet.ts";
import type { ParsedQuery } from "../search/query.ts";
import type { ArticleCard } from "../chat/message.ts";
import { t } from "./strings.ts";

/**
 * The card of an article, as every reply shows it. `withAccount`: name
 * the official account (worth it only when the library holds several).
 * A listing's summary says that it has no saved text, so nobody expects a
 * passage or takes the missing one for a fault.
 */
export function toCard(article: ArticleMeta, withAccount = false): ArticleCard {
  const card: ArticleCard = {
    id: article.id,
    title: article.title,
    date: article.date,
    summary: article.listed_only ? `${article.summary}${t.listedOnly}` : article.summary,
    url: article.url,
    cover: article.cover,
  };
  if (withAccount && article.account) card.account = article.account;
  return card;
}

/** The card of a search hit, with the passage of `body` that matched. */
export function hitCard(hit: SearchHit, query: ParsedQuery, body: string, withAccount = false): ArticleCard {
  const snippet = findSnippet(body, query);
  return snippet ? { ...toCard(hit.article, withAccount), snippet } : toCard(hit.article, withAccount);
}

/** The line under a card's title: its date, and its account when the card names one. */
export function byline(card: Pick<ArticleCard, "date" | "account">): string {
  return card.account ? `${card.date} · ${card.account}` : card.date;
}
