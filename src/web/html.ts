/**
 * The HTML shell every page shares. Pages are server-rendered with hono's
 * `html` template, which escapes every interpolated value: article titles,
 * chat ids and log lines are untrusted text.
 */
import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import { ui } from "./strings.ts";

/** A rendered piece of a page. */
export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/** Which part of the site a page belongs to (highlighted in the header). */
export type Section = "read" | "gallery" | "console";

/** The feed a page follows: every article, an account's, or a keyword's (see src/web/feeds.ts). */
export interface PageFeed {
  /** What the feed follows, as the button says it (全部文章, 「槽边往事」, 「墨荷」). */
  title: string;
  account?: string;
  q?: string;
}

const FEED_TYPES = { atom: "application/atom+xml", rss: "application/rss+xml", json: "application/feed+json" } as const;

/**
 * A full page: the header with the site's three doors, then `body`; with a
 * `feed`, the `<link rel="alternate">` a feed reader or browser extension
 * discovers it by.
 */
export function page(options: {
  title: string;
  section: Section;
  body: Html;
  script?: string;
  showConsole: boolean;
  feed?: PageFeed;
}): Html {
  const feed = options.feed;
  const link = (href: string, section: Section, label: string) =>
    html`<a href="${href}"${options.section === section ? html` aria-current="page"` : ""}>${label}</a>`;
  return html`<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${options.title} · ${ui.siteName}</title>
<link rel="stylesheet" href="/static/site.css">
${feed ? (Object.keys(FEED_TYPES) as Array<keyof typeof FEED_TYPES>).map((f) => html`<link rel="alternate" type="${FEED_TYPES[f]}" title="${ui.feedTitle(feed.title)}" href="${feedHref(f, feed.account, feed.q)}">\n`) : ""}${options.script ? html`<script src="/static/${options.script}" defer></script>` : ""}
</head>
<body>
<header class="site">
<a class="brand" href="/">${ui.siteName}</a>
<nav>${link("/", "read", ui.navRead)}${link("/gallery", "gallery", ui.navGallery)}${options.showConsole ? link("/console", "console", ui.navConsole) : ""}</nav>
</header>
<main>
${options.body}
</main>
</body>
</html>`;
}

/** The feed button: the Atom feed (what most readers take), the same feed as RSS and JSON Feed, and on the front page the OPML list. */
export function feedButton(feed: PageFeed, withOpml = false): Html {
  return html`<nav class="feeds" aria-label="${ui.feedButton}"><a class="feed-button" href="${feedHref("atom", feed.account, feed.q)}" type="${FEED_TYPES.atom}" title="${ui.feedHint}">${ui.feedOf(feed.title)}</a><a href="${feedHref("rss", feed.account, feed.q)}" type="${FEED_TYPES.rss}">RSS</a><a href="${feedHref("json", feed.account, feed.q)}" type="${FEED_TYPES.json}">JSON Feed</a>${withOpml ? html`<a href="/feeds.opml">${ui.opmlButton}</a>` : ""}</nav>`;
}

/** A feed's path: an account's (undefined: every article's), in `format`, a keyword feed with `q`. */
export function feedHref(format: "atom" | "rss" | "json", account?: string, q?: string): string {
  return `/feeds/${encodeURIComponent(account ?? "all")}.${format}${q ? `?q=${encodeURIComponent(q)}` : ""}`;
}

/** `/a/<id>` for an article id (a relative path: each segment encoded, the slashes kept). */
export function articleHref(id: string): string {
  return `/a/${id.split("/").map(encodeURIComponent).join("/")}`;
}
