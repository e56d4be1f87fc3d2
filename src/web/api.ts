/**
 * The library for other programs: `GET /api/search?q=&account=&limit=`
 * (the chat's search: its ranking, its matched passage and its honesty —
 * 没有找到 is an empty list, 「可能相关」 results say `tentative`) and
 * `GET /api/articles/<id>`. JSON only, never an article's body, and a rate
 * limit per client (a token bucket, like the chat's flood control).
 */
import { type Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ChatRateLimiter } from "../bot/rate-limit.ts";
import type { ArticleCard } from "../chat/message.ts";
import type { ArticleMeta } from "../library/article.ts";
import type { WebDeps } from "./deps.ts";
import { articleHref } from "./html.ts";
import { imagePath } from "./images.ts";
import { safeJson } from "./json.ts";
import { clientAddress, decodedPath, limitParam, MAX_QUERY_CHARS, queryText, siteOrigin } from "./request.ts";
import { ui } from "./strings.ts";

/** Results of a search without `?limit=`. */
export const API_RESULTS = 10;
/** The most `?limit=` gives. */
export const MAX_API_RESULTS = 50;
/** Requests a client may make at once, and keep up per minute. */
export const API_BURST = 30;
export const API_PER_MINUTE = 60;

/** The API routes. */
export function apiRoutes(deps: WebDeps): Hono {
  const app = new Hono();
  const limiter = new ChatRateLimiter(deps.clock, { burst: API_BURST, perMinute: API_PER_MINUTE });

  app.use("*", async (c, next) => {
    if (limiter.admit(clientAddress(c, deps.trustProxy)) !== "allow") {
      c.header("retry-after", String(Math.ceil(60 / API_PER_MINUTE)));
      return failure(c, 429, "rate_limited", ui.tooManyRequests);
    }
    await next();
    // Other sites may call it from their pages; a private library stays with the logged-in browser.
    if (deps.public) c.res.headers.set("access-control-allow-origin", "*");
  });

  app.get("/search", (c) => {
    const q = queryText(c.req.query("q"), MAX_QUERY_CHARS);
    if (!q) return failure(c, 400, "empty_query", ui.emptyQuery);
    const limit = limitParam(c.req.query("limit"), API_RESULTS, MAX_API_RESULTS);
    if (limit === undefined) return failure(c, 400, "bad_limit", ui.badLimit(MAX_API_RESULTS));
    const account = c.req.query("account")?.trim() || undefined;
    const { library } = deps.library();
    if (account !== undefined && !library.accounts.some((a) => a.name === account))
      return failure(c, 404, "no_such_account", ui.noSuchAccount);
    const found = deps.answers.matches(q, limit, {
      passages: true,
      ...(account !== undefined && { accounts: [account] }),
    });
    const origin = siteOrigin(c);
    const results = found.articles.flatMap((card) => {
      const article = library.get(card.id);
      return article ? [result(card, article, origin)] : [];
    });
    return json(c, 200, {
      query: q,
      ...(account !== undefined && { account }),
      heading: found.heading,
      tentative: found.tentative,
      total: found.total,
      results,
    });
  });

  app.get("/articles/*", (c) => {
    const id = decodedPath(c.req.path.slice(c.req.path.indexOf("/articles/") + "/articles/".length));
    const article = id === undefined ? undefined : deps.library().library.get(id);
    if (!article) return failure(c, 404, "not_found", ui.articleNotFound);
    return json(c, 200, describe(article, siteOrigin(c)));
  });

  app.all("*", (c) => failure(c, 404, "not_found", ui.notFound));

  return app;
}

/** One search result: what the chat shows of it (title, date, account, the passage that matched, link, cover). */
function result(card: ArticleCard, article: ArticleMeta, origin: string) {
  return {
    ...describe(article, origin),
    ...(card.snippet && { passage: card.snippet.text, highlights: card.snippet.highlights }),
  };
}

/** An article without its body; images as the bot serves them (never hot-linked). */
function describe(a: ArticleMeta, origin: string) {
  return {
    id: a.id,
    title: a.title,
    date: a.date,
    account: a.account,
    author: a.author,
    summary: a.summary,
    url: a.url,
    page: `${origin}${articleHref(a.id)}`,
    cover: a.cover && `${origin}${imagePath(a.cover)}`,
    ...(a.zen && {
      zen: {
        title: a.zen.title,
        image: `${origin}${imagePath(a.zen.image)}`,
        creator: a.zen.creator,
        model: a.zen.model,
      },
    }),
    ...(a.listed_only && { listed_only: true }),
  };
}

function json(c: Context, status: ContentfulStatusCode, value: unknown): Response {
  return c.body(safeJson(value), status, { "content-type": "application/json; charset=utf-8" });
}

/** An error a program can act on (`error`) and a person can read (`message`). */
function failure(c: Context, status: ContentfulStatusCode, error: string, message: string): Response {
  return json(c, status, { error, message });
}
