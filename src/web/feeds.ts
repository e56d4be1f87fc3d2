/**
 * The library as feeds: `/feeds/all.atom|rss|json`, one feed per account
 * (`/feeds/<account>.atom`), `?q=` on any of them for a keyword feed, and
 * `/feeds.opml` listing every account's feed. A keyword feed is the chat's
 * search with its honesty: only what the chat would show as found (never
 * its 「可能相关」 guesses), the best matches newest first. Answers are
 * rendered once per library snapshot and carry ETag and Last-Modified, so a
 * reader polling every minute gets a 304 from a map lookup.
 */
import { type Context, Hono } from "hono";
import type { LibrarySnapshot } from "../catalog/live.ts";
import { localMinute } from "../clock.ts";
import type { ArticleMeta } from "../library/article.ts";
import { notModified, RenderCache } from "./conditional.ts";
import type { WebDeps } from "./deps.ts";
import { FEED_FORMATS, type Feed, type FeedEntry, opml } from "./feed-formats.ts";
import { articleHref, feedHref } from "./html.ts";
import { imagePath, likelyImageType } from "./images.ts";
import { decodedPath, limitParam, MAX_QUERY_CHARS, queryText, siteOrigin } from "./request.ts";
import { ui } from "./strings.ts";

/** Entries of a feed without `?limit=`. */
export const FEED_ENTRIES = 50;
/** The most `?limit=` gives. */
export const MAX_FEED_ENTRIES = 200;

/** The feed routes. */
export function feedRoutes(deps: WebDeps): Hono {
  const app = new Hono();
  const cache = new RenderCache();
  // A private reading room's feeds are for the logged-in browser only: no shared cache may keep them.
  const cacheControl = deps.public ? "public, max-age=60" : "private, no-cache";

  /** The rendered answer for `key`, or a 304 when the reader has it. */
  const answer = (
    c: Context,
    key: string,
    render: (snapshot: LibrarySnapshot, origin: string) => { body: string; type: string },
  ) => {
    const snapshot = deps.library();
    const origin = siteOrigin(c);
    const r = cache.get(`${origin} ${key}`, snapshot, snapshot.loadedAt, () => render(snapshot, origin));
    const headers = { etag: r.etag, "last-modified": r.lastModified.toUTCString(), "cache-control": cacheControl };
    if (notModified(r, c.req.header("if-none-match"), c.req.header("if-modified-since")))
      return c.body(null, 304, headers);
    return c.body(r.body, 200, { ...headers, "content-type": r.type });
  };

  app.get("/feeds.opml", (c) =>
    answer(c, "opml", (snapshot, origin) => ({
      type: "text/x-opml; charset=utf-8",
      body: opml(
        ui.opmlTitle,
        snapshot.library.accounts.map((a) => ({
          title: a.name,
          xmlUrl: `${origin}${feedHref("atom", a.name)}`,
          htmlUrl: `${origin}/`,
        })),
      ),
    })),
  );

  app.get("/feeds/*", (c) => {
    const m = /^(.+)\.(atom|rss|json)$/.exec(decodedPath(c.req.path.slice("/feeds/".length)) ?? "");
    if (!m) return c.text(`${ui.noSuchFeed}\n`, 404);
    const [, name, format] = m as unknown as [string, string, "atom" | "rss" | "json"];
    const account = name === "all" ? undefined : name;
    if (account !== undefined && !deps.library().library.accounts.some((a) => a.name === account))
      return c.text(`${ui.noSuchAccount}\n`, 404);
    const limit = limitParam(c.req.query("limit"), FEED_ENTRIES, MAX_FEED_ENTRIES);
    if (limit === undefined) return c.text(`${ui.badLimit(MAX_FEED_ENTRIES)}\n`, 400);
    const q = queryText(c.req.query("q"), MAX_QUERY_CHARS);
    const writer = FEED_FORMATS[format]!;
    return answer(c, `${format} ${limit} ${account ?? ""} ${q}`, (snapshot, origin) => {
      const articles = q
        ? found(deps, snapshot, q, limit, account)
        : snapshot.library.latest(limit, account === undefined ? undefined : (a) => a.account === account);
      const what = q ? ui.feedKeyword(q, account) : (account ?? ui.feedAll);
      const entries = articles.map((a) => entry(a, origin, deps.timeZone));
      const feed: Feed = {
        title: ui.feedTitle(what),
        description: ui.feedDescription,
        home: `${origin}/${q ? `?q=${encodeURIComponent(account ? `${account} ${q}` : q)}` : ""}`,
        self: `${origin}${feedHref(format, account, q)}${limit === FEED_ENTRIES ? "" : `${q ? "&" : "?"}limit=${limit}`}`,
        updated: entries[0]?.published ?? new Date(0),
        entries,
      };
      return { type: writer.type, body: writer.write(feed) };
    });
  });

  return app;
}

/** A keyword feed's articles: the chat's search, what it would show as found, newest first. */
function found(deps: WebDeps, snapshot: LibrarySnapshot, q: string, limit: number, account?: string): ArticleMeta[] {
  const matches = deps.answers.matches(q, limit, account === undefined ? {} : { accounts: [account] });
  if (matches.tentative) return [];
  const articles = matches.articles
    .map((card) => snapshot.library.get(card.id))
    .filter((a): a is ArticleMeta => a !== undefined);
  // Stable: equal dates keep the search's order.
  return articles.sort((a, b) => b.date.localeCompare(a.date));
}

function entry(a: ArticleMeta, origin: string, timeZone: string): FeedEntry {
  const page = `${origin}${articleHref(a.id)}`;
  return {
    page,
    title: a.title,
    link: a.url ?? page,
    published: midnightIn(a.date, timeZone),
    ...(a.account && { account: a.account }),
    author: a.author || a.account || ui.siteName,
    summary: a.listed_only ? `${a.summary}${ui.listedOnly}` : a.summary,
    ...(a.cover && { cover: { url: `${origin}${imagePath(a.cover)}`, type: likelyImageType(a.cover) } }),
    ...(a.zen && {
      zen: { url: `${origin}${imagePath(a.zen.image)}`, type: likelyImageType(a.zen.image), title: a.zen.title },
    }),
  };
}

/** The start of calendar day `day` (YYYY-MM-DD) in `timeZone`: an article's date as the moment readers sort by. */
export function midnightIn(day: string, timeZone: string): Date {
  const utc = Date.parse(`${day}T00:00:00Z`);
  const local = localMinute(new Date(utc), timeZone);
  return new Date(2 * utc - Date.parse(`${local.day}T${local.time}:00Z`));
}
