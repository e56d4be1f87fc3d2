/**
 * One feed written in the three formats feed readers take — Atom 1.0,
 * RSS 2.0 and JSON Feed 1.1 — and the OPML list of feeds readers import.
 * The output depends only on the feed (no build time in it), so the same
 * articles give the same bytes and the same ETag after every reload.
 * Never the body: an entry carries what the reading room shows of an
 * article (the bot does not republish).
 */
import { safeJson } from "./json.ts";
import { xmlEscape } from "./xml.ts";

/** An image of an entry, served by the bot (`/img/…`, absolute). */
export interface FeedImage {
  url: string;
  type: string;
}

/** One article in a feed. */
export interface FeedEntry {
  /** Its page in the reading room (absolute): the entry's permanent id. */
  page: string;
  title: string;
  /** The original article, or its page when the original link is missing. */
  link: string;
  published: Date;
  account?: string;
  /** The author, or the account when the article names none. */
  author: string;
  summary: string;
  cover?: FeedImage;
  zen?: FeedImage & { title: string };
}

/** A feed: what it follows and its entries, newest first. */
export interface Feed {
  title: string;
  description: string;
  /** The web page the feed follows (absolute). */
  home: string;
  /** This feed's own URL (absolute). */
  self: string;
  /** The newest entry's date (a fixed date for an empty feed). */
  updated: Date;
  entries: FeedEntry[];
}

/** A format: its file extension's name, media type and writer. */
export interface FeedFormat {
  type: string;
  write(feed: Feed): string;
}

/** The formats by extension (`/feeds/all.atom`, `.rss`, `.json`). */
export const FEED_FORMATS: Record<string, FeedFormat> = {
  atom: { type: "application/atom+xml; charset=utf-8", write: atom },
  rss: { type: "application/rss+xml; charset=utf-8", write: rss },
  json: { type: "application/feed+json; charset=utf-8", write: jsonFeed },
};

const MEDIA_NS = "http://search.yahoo.com/mrss/";

/** Atom 1.0 (RFC 4287): text constructs are `type="text"`, so no reader takes a title for markup. */
export function atom(feed: Feed): string {
  const x = xmlEscape;
  const entries = feed.entries.map(
    (e) => `<entry>
<id>${x(e.page)}</id>
<title type="text">${x(e.title)}</title>
<link rel="alternate" type="text/html" href="${x(e.link)}"/>
<published>${e.published.toISOString()}</published>
<updated>${e.published.toISOString()}</updated>
<author><name>${x(e.author)}</name></author>
${e.account ? `<category term="${x(e.account)}" label="${x(e.account)}"/>\n` : ""}<summary type="text">${x(e.summary)}</summary>
${e.cover ? `<media:thumbnail url="${x(e.cover.url)}"/>\n` : ""}${e.zen ? `<link rel="enclosure" type="${x(e.zen.type)}" href="${x(e.zen.url)}" title="${x(e.zen.title)}"/>\n` : ""}</entry>
`,
  );
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="${MEDIA_NS}" xml:lang="zh-CN">
<id>${x(feed.self)}</id>
<title type="text">${x(feed.title)}</title>
<subtitle type="text">${x(feed.description)}</subtitle>
<updated>${feed.updated.toISOString()}</updated>
<link rel="self" type="application/atom+xml" href="${x(feed.self)}"/>
<link rel="alternate" type="text/html" href="${x(feed.home)}"/>
<generator>article-bot</generator>
${entries.join("")}</feed>
`;
}

/**
 * RSS 2.0. A `description` is HTML to readers, so the summary is escaped
 * for HTML first and then for XML: a reader shows `<script>` as text.
 * Only one enclosure is allowed: the 禅定时刻 image; the cover is Media
 * RSS's thumbnail. Its length is unknown before download, which RSS allows as 0.
 */
export function rss(feed: Feed): string {
  const x = xmlEscape;
  const items = feed.entries.map(
    (e) => `<item>
<title>${x(e.title)}</title>
<link>${x(e.link)}</link>
<guid isPermaLink="true">${x(e.page)}</guid>
<pubDate>${e.published.toUTCString()}</pubDate>
<dc:creator>${x(e.author)}</dc:creator>
${e.account ? `<category>${x(e.account)}</category>\n` : ""}<description>${x(x(e.summary))}</description>
${e.cover ? `<media:thumbnail url="${x(e.cover.url)}"/>\n` : ""}${e.zen ? `<enclosure url="${x(e.zen.url)}" type="${x(e.zen.type)}" length="0"/>\n` : ""}</item>
`,
  );
  return `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="${MEDIA_NS}">
<channel>
<title>${x(feed.title)}</title>
<link>${x(feed.home)}</link>
<description>${x(feed.description)}</description>
<language>zh-CN</language>
<lastBuildDate>${feed.updated.toUTCString()}</lastBuildDate>
<atom:link rel="self" type="application/rss+xml" href="${x(feed.self)}"/>
<generator>article-bot</generator>
${items.join("")}</channel>
</rss>
`;
}

/** JSON Feed 1.1: the summary as `content_text` (never HTML), the 禅定时刻 image as an attachment. */
export function jsonFeed(feed: Feed): string {
  return safeJson({
    version: "https://jsonfeed.org/version/1.1",
    title: feed.title,
    description: feed.description,
    home_page_url: feed.home,
    feed_url: feed.self,
    language: "zh-CN",
    items: feed.entries.map((e) => ({
      id: e.page,
      url: e.link,
      title: e.title,
      content_text: e.summary,
      summary: e.summary,
      ...(e.cover && { image: e.cover.url }),
      date_published: e.published.toISOString(),
      authors: [{ name: e.author }],
      ...(e.account && { tags: [e.account] }),
      ...(e.zen && { attachments: [{ url: e.zen.url, mime_type: e.zen.type, title: e.zen.title }] }),
    })),
  });
}

/** OPML 2.0: a list of feeds a reader imports in one go. */
export function opml(title: string, feeds: Array<{ title: string; xmlUrl: string; htmlUrl: string }>): string {
  const x = xmlEscape;
  return `<?xml version="1.0" encoding="utf-8"?>
<opml version="2.0">
<head><title>${x(title)}</title></head>
<body>
${feeds.map((f) => `<outline type="rss" text="${x(f.title)}" title="${x(f.title)}" xmlUrl="${x(f.xmlUrl)}" htmlUrl="${x(f.htmlUrl)}"/>\n`).join("")}</body>
</opml>
`;
}
