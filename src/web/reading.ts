/**
 * The reading room: search (the chat's search, its ranking and matched
 * passages), the latest articles, one page per article (never its body:
 * the bot does not republish), and the 禅定时刻 gallery. Each page names
 * its feed (src/web/feeds.ts): every article's, the article's account's, or
 * the search's.
 */
import { Hono, type Context } from "hono";
import { html, raw } from "hono/html";
import { toCard } from "../bot/cards.ts";
import type { ArticleCard, Snippet } from "../chat/message.ts";
import type { ArticleMeta } from "../library/article.ts";
import { dayInZone } from "../clock.ts";
import { imageOfDay, type ZenImage } from "../zen/gallery.ts";
import { articleHref, feedButton, page, type Html, type PageFeed } from "./html.ts";
import { imagePath } from "./images.ts";
import { decodedPath, MAX_QUERY_CHARS, queryText } from "./request.ts";
import { ui } from "./strings.ts";
import type { WebDeps } from "./deps.ts";

/** Results per page of a web search (the chat shows 3). */
export const WEB_PAGE_SIZE = 10;
/** The feed of every article: the front page's, the gallery's, and any page's without a narrower one. */
const ALL: PageFeed = { title: ui.feedAll };
/** Latest articles on the front page. */
const LATEST = 12;

/** The reading room's routes. */
export function readingRoom(deps: WebDeps): Hono {
  const app = new Hono();
  const render = (
    c: Context,
    title: string,
    section: "read" | "gallery",
    body: Html,
    status: 200 | 404 = 200,
    feed: PageFeed = ALL,
  ) => c.html(page({ title, section, body, showConsole: deps.adminPassword !== undefined, feed }), status);

  app.get("/", (c) => {
    const q = queryText(c.req.query("q"), MAX_QUERY_CHARS);
    const start = Math.max(0, Math.min(10_000, Number.parseInt(c.req.query("start") ?? "0", 10) || 0));
    const snapshot = deps.library();
    const form = searchForm(q);
    if (!q) {
      const today = imageOfDay(snapshot.gallery, dayInZone(deps.clock.now(), deps.timeZone));
      const latest = snapshot.library.latest(LATEST);
      return render(
        c,
        ui.navRead,
        "read",
        html`${form}${feedButton(ALL, true)}${today ? todayTeaser(today) : ""}<h2>${ui.latest}</h2><ul class="articles">${latest.map((a) => articleItem(toCard(a, true)))}</ul>`,
      );
    }
    const feed: PageFeed = { title: `「${q}」`, q };
    const reply = deps.answers.search(q, start, undefined, { pageSize: WEB_PAGE_SIZE });
    if (reply.kind !== "articles")
      return render(
        c,
        q,
        "read",
        html`${form}<p class="notice">${lines(reply.kind === "text" ? reply.text : "")}</p>${feedButton(feed)}`,
        200,
        feed,
      );
    const p = reply.page;
    const pager =
      p && (p.offset > 0 || p.offset + reply.articles.length < p.total)
        ? html`<nav class="pager">${p.offset > 0 ? html`<a href="${searchHref(q, Math.max(0, p.offset - p.pageSize))}" rel="prev">${ui.previousPage}</a>` : html`<span></span>`}${p.offset + reply.articles.length < p.total ? html`<a href="${searchHref(q, p.offset + p.pageSize)}" rel="next">${ui.nextPage}</a>` : ""}</nav>`
        : "";
    return render(
      c,
      q,
      "read",
      html`${form}<p class="meta" id="heading">${reply.heading}</p>${feedButton(feed)}<ol class="results" start="${(p?.offset ?? 0) + 1}">${reply.articles.map((a) => articleItem(a))}</ol>${pager}`,
      200,
      feed,
    );
  });

  app.get("/a/*", (c) => {
    const id = decodedPath(c.req.path.slice("/a/".length));
    const article = id === undefined ? undefined : deps.library().library.get(id);
    if (!article) return render(c, ui.articleNotFound, "read", html`<p class="notice">${ui.articleNotFound}</p>`, 404);
    const feed: PageFeed = article.account ? { title: `「${article.account}」`, account: article.account } : ALL;
    return render(c, article.title, "read", html`${articlePage(article)}${feedButton(feed)}`, 200, feed);
  });

  app.get("/gallery", (c) => {
    const { gallery } = deps.library();
    const today = imageOfDay(gallery, dayInZone(deps.clock.now(), deps.timeZone));
    const rest = gallery
      .filter((z) => z !== today)
      .sort((a, b) => b.article.date.localeCompare(a.article.date) || a.title.localeCompare(b.title));
    const items = today ? [today, ...rest] : rest;
    const body = items.length
      ? html`<h1>${ui.galleryTitle}</h1><p class="meta">${ui.galleryCount(items.length)}</p><ul class="grid" id="gallery">${items.map((z) => galleryItem(z, z === today))}</ul>`
      : html`<h1>${ui.galleryTitle}</h1><p class="notice">${ui.emptyGallery}</p>`;
    return render(c, ui.galleryTitle, "gallery", body);
  });

  return app;
}

function searchForm(q: string): Html {
  return html`<form class="search" action="/" method="get" role="search"><input type="search" name="q" value="${q}" placeholder="${ui.searchPlaceholder}" aria-label="${ui.searchLabel}" maxlength="${MAX_QUERY_CHARS}" enterkeyhint="search"><button type="submit">${ui.searchButton}</button></form>`;
}

function searchHref(q: string, start: number): string {
  return `/?q=${encodeURIComponent(q)}${start > 0 ? `&start=${start}` : ""}`;
}

/** One article in a list: cover, title (to its page), account and date, the matched passage or the summary. */
function articleItem(a: ArticleCard): Html {
  return html`<li>${a.cover ? html`<img class="thumb" src="${imagePath(a.cover)}" alt="" loading="lazy">` : ""}<div><a class="title" href="${articleHref(a.id)}">${a.title}</a>
<div class="meta">${a.account ? `${a.account} · ` : ""}${a.date}${a.url ? html` · <a href="${a.url}" rel="noopener noreferrer" target="_blank">${ui.readOriginal}</a>` : ""}</div>
${a.snippet ? html`<p class="snippet">${marked(a.snippet)}</p>` : html`<p class="snippet">${a.summary}</p>`}</div></li>`;
}

/** The passage with its matched words in `<mark>` (each piece escaped). */
function marked(snippet: Snippet): Html {
  const parts: Html[] = [];
  let at = 0;
  for (const [s, e] of snippet.highlights) {
    parts.push(html`${snippet.text.slice(at, s)}<mark>${snippet.text.slice(s, e)}</mark>`);
    at = e;
  }
  parts.push(html`${snippet.text.slice(at)}`);
  return html`${parts}`;
}

function articlePage(a: ArticleMeta): Html {
  return html`<article>
<h1>${a.title}</h1>
<p class="meta">${[a.account, a.author && a.author !== a.account ? a.author : undefined, a.date].filter(Boolean).join(" · ")}</p>
${a.cover ? html`<figure><img src="${imagePath(a.cover)}" alt="${a.title}"></figure>` : ""}
${a.summary ? html`<p>${a.summary}</p>` : ""}
<p>${a.url ? html`<a href="${a.url}" rel="noopener noreferrer" id="original">${ui.readOriginal} →</a>` : ui.noOriginal}</p>
<p class="meta">${a.listed_only ? ui.listedOnly : ui.bodyNotServed}</p>
${a.zen ? html`<h2>${ui.zenOf}</h2><figure id="zen"><img src="${imagePath(a.zen.image)}" alt="${a.zen.title}"><figcaption>${zenCaption(a.zen)}</figcaption></figure>` : ""}
</article>`;
}

function zenCaption(z: { title: string; creator?: string; model?: string }): Html {
  return html`<strong>${z.title}</strong>${z.creator ? html` · ${ui.creator}：${z.creator}` : ""}${z.model ? html` · ${ui.model}：${z.model}` : ""}`;
}

function todayTeaser(z: ZenImage): Html {
  return html`<h2>${ui.todayZen}</h2><figure><a href="${articleHref(z.article.id)}"><img src="${imagePath(z.image)}" alt="${z.title}"></a><figcaption>${zenCaption(z)} · <a href="${articleHref(z.article.id)}">${ui.fromArticle(z.article.title)}</a></figcaption></figure>`;
}

function galleryItem(z: ZenImage, today: boolean): Html {
  return html`<li${today ? raw(' class="today"') : ""}><a href="${articleHref(z.article.id)}"><img src="${imagePath(z.image)}" alt="${z.title}" loading="${today ? "eager" : "lazy"}"></a><div>${today ? html`<span class="badge">${ui.today}</span>` : ""}${zenCaption(z)}<br><a href="${articleHref(z.article.id)}">${ui.fromArticle(z.article.title)}</a> <span class="meta">${z.article.date}</span></div></li>`;
}

function lines(text: string): Html {
  return html`${text.split("\n").map((l, i) => html`${i ? raw("<br>") : ""}${l}`)}`;
}
