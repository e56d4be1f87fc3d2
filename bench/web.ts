/**
 * `npm run bench:web`: the web pages over the bundled library (41 articles,
 * images on a local image server): bytes per page (HTML, and with the style
 * sheet and script it loads; gzip sizes for a proxy that compresses), and
 * time to first byte of a search over real HTTP, beside /healthz in the
 * same run as the baseline (the server's floor). Medians.
 */
import { gzipSync } from "node:zlib";
import { startHttpServer } from "../src/observability/http.ts";
import { WebServer } from "../src/web/app.ts";
import { ASSETS } from "../src/web/assets.ts";
import { articleHref } from "../src/web/html.ts";
import { bundledWithLocalImages, cookiesOf, csrfOf, webSite } from "../tests/web/harness.ts";
import { median } from "./stats.ts";

const ROUNDS = Number(process.env.BENCH_WEB_ROUNDS ?? 30);
const QUERIES = [
  "墨荷",
  "AI视频",
  "音响",
  "那篇讲照相机和绘画的",
  "獨一無二",
  "萝卜快跑",
  "高考",
  "北漂",
  "量子力学",
  "Midjourney",
];
const PASSWORD = "bench-console-password";

const site = await webSite({ password: PASSWORD, library: bundledWithLocalImages, now: new Date().toISOString() });
const web = new WebServer();
web.serve(site.deps);
const health = { report: () => ({ status: "ok" }) } as never;
const server = await startHttpServer({ port: 0, health, metrics: {} as never, log: site.deps.log, web: web.listener });

/** Milliseconds until the response's headers arrived (fetch resolves then), and the body's size. */
async function ttfb(path: string, cookie = ""): Promise<{ ms: number; bytes: number }> {
  const started = performance.now();
  const res = await fetch(`${server.url}${path}`, { headers: cookie ? { cookie } : {} });
  const ms = performance.now() - started;
  const bytes = Buffer.from(await res.arrayBuffer()).length;
  if (!res.ok) throw new Error(`${path}: ${res.status}`);
  return { ms, bytes };
}

try {
  // The console's page needs a login.
  const form = await fetch(`${server.url}/console`);
  const jar = cookiesOf(form as unknown as Response);
  const login = await fetch(`${server.url}/console/login`, {
    method: "POST",
    redirect: "manual",
    headers: { cookie: jar, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ _csrf: csrfOf(await form.text()), password: PASSWORD }).toString(),
  });
  const cookie = cookiesOf(login as unknown as Response, jar);
  if (login.status !== 303 || !cookie.includes("article_bot_session"))
    throw new Error(`console login failed: ${login.status} ${cookie}`);

  const article = site.snapshot.library.latest(1)[0]!;
  const pages: Array<[string, string, string?]> = [
    ["front page `/`", "/"],
    ["search `/?q=音响`", `/?q=${encodeURIComponent("音响")}`],
    ["article `/a/<id>`", articleHref(article.id)],
    ["gallery `/gallery`", "/gallery"],
    ["console `/console`", "/console", cookie],
  ];
  const css = ASSETS.get("site.css")!.body;
  const js = ASSETS.get("console.js")!.body;
  const lines = [
    "| page | HTML bytes | HTML gzip | + CSS (+ JS) bytes | images on the page |",
    "|---|---|---|---|---|",
  ];
  for (const [label, path, c] of pages) {
    const html = await (await fetch(`${server.url}${path}`, { headers: c ? { cookie: c } : {} })).text();
    const bytes = Buffer.byteLength(html);
    const withAssets = bytes + Buffer.byteLength(css) + (html.includes("console.js") ? Buffer.byteLength(js) : 0);
    const images = (html.match(/<img /g) ?? []).length;
    lines.push(`| ${label} | ${bytes} | ${gzipSync(html).length} | ${withAssets} | ${images} |`);
  }
  lines.push(
    `| (style sheet / script) | ${Buffer.byteLength(css)} / ${Buffer.byteLength(js)} | ${gzipSync(css).length} / ${gzipSync(js).length} | | |`,
  );

  // Warm up (first search loads jieba's dictionary and the page code), then alternate so load spikes hit both alike.
  for (const q of QUERIES) await ttfb(`/?q=${encodeURIComponent(q)}`);
  const healthz: number[] = [];
  const search: number[] = [];
  const front: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const q of QUERIES) {
      healthz.push((await ttfb("/healthz")).ms);
      search.push((await ttfb(`/?q=${encodeURIComponent(q)}`)).ms);
    }
    front.push((await ttfb("/")).ms);
  }
  const f = (n: number) => n.toFixed(2);
  console.log(lines.join("\n"));
  console.log("");
  console.log(`| time to first byte (median, ${ROUNDS} rounds × ${QUERIES.length} queries) | ms | vs /healthz |`);
  console.log("|---|---|---|");
  console.log(`| /healthz (baseline: the HTTP server's floor) | ${f(median(healthz))} | ×1 |`);
  console.log(`| search /?q=… | ${f(median(search))} | ×${(median(search) / median(healthz)).toFixed(1)} |`);
  console.log(`| front page / | ${f(median(front))} | ×${(median(front) / median(healthz)).toFixed(1)} |`);
} finally {
  await server.close();
  await site.close();
}
