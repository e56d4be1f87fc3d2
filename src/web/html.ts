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

/** A full page: the header with the site's three doors, then `body`. */
export function page(options: { title: string; section: Section; body: Html; script?: string; showConsole: boolean }): Html {
  const link = (href: string, section: Section, label: string) => html`<a href="${href}"${options.section === section ? html` aria-current="page"` : ""}>${label}</a>`;
  return html`<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${options.title} · ${ui.siteName}</title>
<link rel="stylesheet" href="/static/site.css">
${options.script ? html`<script src="/static/${options.script}" defer></script>` : ""}
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

/** `/a/<id>` for an article id (a relative path: each segment encoded, the slashes kept). */
export function articleHref(id: string): string {
  return `/a/${id.split("/").map(encodeURIComponent).join("/")}`;
}
