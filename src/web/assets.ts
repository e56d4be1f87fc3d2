/**
 * The site's only style sheet and script, served from the bot (no CDN: the
 * bot may run where the internet is far away). System CJK fonts, a reading
 * column on wide screens, one column on a phone.
 */
const CSS = `
:root{--ink:#222;--muted:#666;--line:#e4e0d8;--paper:#fbfaf7;--accent:#8a3b12;--ok:#2f6f3e;--bad:#a32020}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--paper);color:var(--ink);font:17px/1.8 -apple-system,"PingFang SC","Hiragino Sans GB","Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","WenQuanYi Micro Hei",sans-serif;word-break:break-word;line-break:strict}
a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
header.site{display:flex;flex-wrap:wrap;align-items:baseline;gap:.5em 1.5em;padding:.8em 1.2em;border-bottom:1px solid var(--line);background:#fff}
header.site .brand{font-weight:700;color:var(--ink);font-size:1.1em}
header.site nav{display:flex;gap:1.2em}
header.site nav a[aria-current]{color:var(--ink);font-weight:600;border-bottom:2px solid var(--accent)}
main{max-width:46em;margin:0 auto;padding:1em 1.2em 3em}
main.wide,body.wide main{max-width:72em}
h1{font-size:1.5em;line-height:1.4;margin:.6em 0}h2{font-size:1.2em;margin:1.6em 0 .6em;padding-bottom:.2em;border-bottom:1px solid var(--line)}
form.search{display:flex;gap:.5em;margin:1em 0}
input,button{font:inherit}
input[type=search],input[type=password]{flex:1;min-width:0;padding:.45em .7em;border:1px solid #bbb;border-radius:6px;background:#fff}
button{padding:.45em 1.1em;border:0;border-radius:6px;background:var(--accent);color:#fff;cursor:pointer}
button.secondary{background:#666}
.meta{color:var(--muted);font-size:.88em}
ol.results,ul.articles{list-style:none;padding:0;margin:0}
ol.results li,ul.articles li{padding:.9em 0;border-bottom:1px solid var(--line);display:flex;gap:1em}
ol.results li>div,ul.articles li>div{flex:1;min-width:0}
.title{font-size:1.08em;font-weight:600}
.snippet{margin:.3em 0;color:#333}
mark{background:#fde8a8;color:inherit;padding:0 .1em}
img.thumb{width:96px;height:72px;object-fit:cover;border-radius:4px;flex:none;background:var(--line)}
figure{margin:1.2em 0}figure img{max-width:100%;height:auto;border-radius:6px;display:block;background:var(--line)}
figcaption{color:var(--muted);font-size:.9em;margin-top:.4em}
.feeds{display:flex;flex-wrap:wrap;gap:.4em 1em;align-items:baseline;margin:.2em 0 1em;font-size:.88em}
.feed-button{background:#d9661f;color:#fff;padding:.1em .8em;border-radius:4px;font-weight:600}.feed-button:hover{text-decoration:none;background:#b85516}
.pager{display:flex;justify-content:space-between;margin:1em 0}
.notice{padding:.7em 1em;border-left:4px solid var(--accent);background:#fff}
.error{border-left-color:var(--bad);color:var(--bad)}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:1.2em;list-style:none;padding:0}
.grid li{background:#fff;border:1px solid var(--line);border-radius:8px;overflow:hidden}
.grid li img{width:100%;aspect-ratio:1;object-fit:cover;display:block;background:var(--line)}
.grid li div{padding:.5em .8em;font-size:.92em}
.grid li.today{grid-column:1/-1;display:grid;grid-template-columns:minmax(0,2fr) minmax(0,1fr)}
.grid li.today img{aspect-ratio:auto;max-height:70vh;object-fit:contain;background:#111}
.badge{display:inline-block;font-size:.78em;padding:0 .5em;border-radius:3px;background:var(--accent);color:#fff;margin-right:.4em}
.ok{color:var(--ok)}.bad{color:var(--bad)}
table{border-collapse:collapse;width:100%;font-size:.9em;display:block;overflow-x:auto}
th,td{text-align:left;padding:.35em .6em;border-bottom:1px solid var(--line);vertical-align:top;white-space:nowrap}
td.wrap{white-space:normal;min-width:14em}
.actions{display:flex;flex-wrap:wrap;gap:.8em;align-items:center}
.qr{background:#fff;padding:1em;display:inline-block;border:1px solid var(--line)}
.qr img{width:220px;height:220px;display:block}
pre.log{white-space:pre-wrap;font-size:.8em;margin:0}
@media (max-width:600px){body{font-size:16px}main{padding:.6em .9em 2em}img.thumb{width:72px;height:54px}.grid{grid-template-columns:repeat(2,minmax(0,1fr));gap:.7em}.grid li.today{display:block}}
`;

/**
 * Refreshes the login QR code while the console waits for a scan, and the
 * whole page once there is none (the account logged in); the page works without it.
 */
const CONSOLE_JS = `
document.querySelectorAll("img[data-refresh]").forEach(function(img){
  img.addEventListener("error",function(){location.reload()});
  setInterval(function(){img.src=img.getAttribute("data-refresh")+"?t="+Date.now()},5000);
});
`;

/**
 * `/static/<name>`: the files and their types. A Map, not an object literal:
 * the name comes from the URL, and `__proto__` or `constructor` must be
 * unknown names (404), not Object.prototype's members.
 */
export const ASSETS: ReadonlyMap<string, { type: string; body: string }> = new Map([
  ["site.css", { type: "text/css; charset=utf-8", body: CSS.trim() }],
  ["console.js", { type: "text/javascript; charset=utf-8", body: CONSOLE_JS.trim() }],
]);
