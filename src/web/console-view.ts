/** The console's pages: the login form and the dashboard. Nothing secret is ever put into them. */
import { html } from "hono/html";
import { dayInZone, localMinute, minuteInZone } from "../clock.ts";
import type { ConsoleBlock } from "../bot/platform.ts";
import type { Delivery, NewsSubscription, Subscription } from "../store/store.ts";
import type { RecentLine } from "../util/recent-logs.ts";
import type { WebAdapterStatus, WebDeps, WebSyncOutcome } from "./deps.ts";
import { page, type Html } from "./html.ts";
import { ui } from "./strings.ts";

/** The login form; `loginToken` is the form's CSRF token (its twin is in a cookie). */
export function loginPage(loginToken: string, message?: string): Html {
  return page({
    title: ui.loginTitle,
    section: "console",
    showConsole: true,
    body: html`<h1>${ui.loginTitle}</h1>
${message ? html`<p class="notice error" role="alert" id="login-error">${message}</p>` : ""}
<form method="post" action="/console/login" class="search">
<input type="hidden" name="_csrf" value="${loginToken}">
<input type="password" name="password" autocomplete="current-password" aria-label="${ui.password}" placeholder="${ui.password}" required>
<button type="submit">${ui.login}</button>
</form>`,
  });
}

/** The dashboard, read fresh from the live bot on every request. */
export async function consolePage(deps: WebDeps, csrf: string, flash?: string): Promise<Html> {
  const now = deps.clock.now();
  const day = dayInZone(now, deps.timeZone);
  const [subs, news, deliveries, groups, announced] = await Promise.all([
    deps.store.listSubscriptions(),
    deps.store.listNewsSubscriptions(),
    deps.store.listDeliveries(day),
    deps.groups?.statsLines() ?? [],
    deps.store.countDeliveries("new:", localMidnight(now, deps.timeZone).toISOString()),
  ]);
  const report = deps.health();
  const local = (iso: string | null | undefined) => (iso ? minuteInZone(new Date(iso), deps.timeZone) : ui.never);
  const form = (action: string, label: string, id: string, secondary = false) =>
    html`<form method="post" action="/console/${action}"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit" id="${id}"${secondary ? html` class="secondary"` : ""}>${label}</button></form>`;
  const body = html`<h1>${ui.consoleTitle}</h1>
${flash ? html`<p class="notice" role="status" id="flash">${flash}</p>` : ""}
<section class="actions" aria-label="${ui.actions}">${form("push", ui.pushNow, "push-now")}${deps.sync ? form("sync", ui.syncNow, "sync-now") : ""}${form("logout", ui.logout, "logout", true)}</section>
<section id="adapters"><h2>${ui.adapters}</h2>${report.adapters.map((a) => adapterBlock(a, consoleBlockOf(deps, a) ?? {}, local))}</section>
<section id="subscribers"><h2>${ui.subscribers}</h2>${subscribersTable(subs, news)}</section>
<section id="groups"><h2>${ui.groups}</h2>${groups.length ? html`<ul>${groups.map((line) => html`<li>${line.replace(/^· /, "")}</li>`)}</ul>` : html`<p class="meta">${ui.noGroups}</p>`}</section>
<section id="deliveries"><h2>${ui.deliveries(day)}</h2>${deliveriesTable(deliveries, local)}<p class="meta" id="announcements">${ui.announcementsToday}：${ui.deliveryStatus.sent} ${announced.sent} · ${ui.deliveryStatus.failed} ${announced.failed} · ${ui.deliveryStatus.claimed} ${announced.claimed}</p></section>
<section id="library"><h2>${ui.library}</h2>${libraryBlock(deps, report.library, local)}</section>
<section id="logs"><h2>${ui.logs}</h2>${logsBlock(deps.recentLogs?.list() ?? [], local)}</section>`;
  return page({ title: ui.consoleTitle, section: "console", showConsole: true, body, script: "console.js" });
}

/** What `a`'s platform shows of its details in the console (its `consoleBlock` trait). */
export function consoleBlockOf(deps: Pick<WebDeps, "platforms">, a: WebAdapterStatus): ConsoleBlock | undefined {
  return deps.platforms?.of(a.platform).consoleBlock?.(a);
}

function adapterBlock(a: WebAdapterStatus, own: ConsoleBlock, local: (iso: string | null | undefined) => string): Html {
  const { badge, facts = [], qr, history } = own;
  return html`<div class="adapter" data-platform="${a.platform}">
<p><strong>${a.platform}</strong> · ${ui.state[a.state ?? ""] ?? a.state ?? ""} · <span class="${a.connected ? "ok" : "bad"}">${a.connected ? ui.connected : ui.disconnected}</span>${badge ? html` · ${badge}` : ""}</p>
${facts.length ? html`<p class="meta">${facts.map((f, i) => html`${i > 0 ? " · " : ""}${f.label}：${"at" in f ? local(f.at) : f.text}`)}</p>` : ""}
${a.lastError ? html`<p class="meta bad">${ui.lastError}：${a.lastError}</p>` : ""}
${qr ? html`<p>${qr.prompt}</p><div class="qr"><img id="${a.platform}-qr" src="/console/qr.svg" data-refresh="/console/qr.svg" alt="${qr.alt}"></div>` : ""}
${history?.events.length ? html`<details${qr ? html` open` : ""}><summary>${history.title}</summary><ul>${[...history.events].reverse().map((h) => html`<li>${local(h.at)} ${h.text}</li>`)}</ul></details>` : ""}
</div>`;
}

function subscribersTable(subs: Subscription[], news: NewsSubscription[]): Html {
  type Row = { platform: string; chatId: string; isGroup: boolean; daily?: Subscription; news?: NewsSubscription };
  const rows = new Map<string, Row>();
  const row = (s: { platform: string; chatId: string; isGroup: boolean }) => {
    const key = `${s.platform}\u0000${s.chatId}`;
    let r = rows.get(key);
    if (!r) rows.set(key, (r = { platform: s.platform, chatId: s.chatId, isGroup: s.isGroup }));
    return r;
  };
  for (const s of subs) row(s).daily = s;
  for (const n of news) row(n).news = n;
  if (rows.size === 0) return html`<p class="meta">${ui.noSubscribers}</p>`;
  const sorted = [...rows.values()].sort(
    (a, b) => a.platform.localeCompare(b.platform) || a.chatId.localeCompare(b.chatId),
  );
  return html`<table><thead><tr><th>${ui.platform}</th><th>${ui.chat}</th><th>${ui.dailyPush}</th><th>${ui.newArticles}</th></tr></thead><tbody>${sorted.map(
    (r) =>
      html`<tr><td>${r.platform}</td><td>${r.chatId} <span class="meta">${r.isGroup ? ui.group : ui.private}</span></td><td>${r.daily ? ui.pushTime(r.daily.time) : "—"}</td><td class="wrap">${
        r.news ? (r.news.keywords.length ? r.news.keywords.join("、") : ui.allArticles) : "—"
      }</td></tr>`,
  )}</tbody></table>`;
}

function deliveriesTable(deliveries: Delivery[], local: (iso: string) => string): Html {
  if (deliveries.length === 0) return html`<p class="meta">${ui.noDeliveries}</p>`;
  const count = (s: Delivery["status"]) => deliveries.filter((d) => d.status === s).length;
  const failedFirst = [...deliveries].sort(
    (a, b) =>
      Number(b.status === "failed") - Number(a.status === "failed") ||
      a.platform.localeCompare(b.platform) ||
      a.chatId.localeCompare(b.chatId),
  );
  return html`<p class="meta">${ui.deliveryStatus.sent} ${count("sent")} · ${ui.deliveryStatus.failed} ${count("failed")} · ${ui.deliveryStatus.claimed} ${count("claimed")}</p>
<table><thead><tr><th>${ui.platform}</th><th>${ui.chat}</th><th>${ui.status}</th><th>${ui.time}</th><th>${ui.reason}</th></tr></thead><tbody>${failedFirst.map(
    (d) =>
      html`<tr><td>${d.platform}</td><td>${d.chatId}</td><td class="${d.status === "sent" ? "ok" : d.status === "failed" ? "bad" : ""}">${ui.deliveryStatus[d.status]}</td><td>${local(d.updatedAt)}</td><td class="wrap">${d.error ?? ""}</td></tr>`,
  )}</tbody></table>`;
}

function libraryBlock(
  deps: WebDeps,
  summary: { articles: number; loadedAt: string },
  local: (iso: string | null | undefined) => string,
): Html {
  const { library, problems } = deps.library();
  const unnamed = library.size - library.accounts.reduce((n, a) => n + a.count, 0);
  const accounts = [...library.accounts, ...(unnamed > 0 ? [{ name: ui.noAccount, count: unnamed }] : [])];
  const sync = deps.sync?.status();
  const outcome = (o: WebSyncOutcome | undefined) =>
    o
      ? html`${local(o.at)} · ${ui.syncResult[o.result] ?? o.result} · ${ui.newCount(o.newArticles)}${o.error ? html` · <span class="bad">${o.error}</span>` : ""}`
      : ui.never;
  const list = (title: string, items: ReadonlyArray<{ file: string; field?: string; message: string }>, id: string) =>
    items.length
      ? html`<h3>${title}（${items.length}）</h3><table id="${id}"><tbody>${items.slice(0, 200).map((p) => html`<tr><td>${p.file}</td><td class="wrap">${p.field ? `${p.field}: ` : ""}${p.message}</td></tr>`)}</tbody></table>`
      : "";
  return html`<p>${ui.articlesTotal(summary.articles, local(summary.loadedAt))}</p>
<table><thead><tr><th>${ui.account}</th><th>${ui.articleCount}</th></tr></thead><tbody>${accounts.map((a) => html`<tr><td>${a.name}</td><td>${a.count}</td></tr>`)}</tbody></table>
${sync ? html`<p>${ui.lastSync}：${outcome(sync.last)}${sync.running ? html` · ${ui.syncRunning}` : ""}</p><p>${ui.lastSuccessfulSync}：${outcome(sync.lastSuccess)}</p>${sync.lastReport ? html`<details id="sync-report"><summary>${ui.syncReport}</summary><pre class="log">${clip(sync.lastReport, 20_000)}</pre></details>` : ""}` : html`<p class="meta">${ui.syncOff}</p>`}
${problems ? (problems.skipped.length || problems.warnings.length ? html`${list(ui.problems, problems.skipped, "skipped")}${list(ui.warnings, problems.warnings, "warnings")}` : html`<p class="meta">${ui.noProblems}</p>`) : ""}`;
}

function logsBlock(lines: RecentLine[], local: (iso: string) => string): Html {
  if (lines.length === 0) return html`<p class="meta">${ui.noLogs}</p>`;
  return html`<table><tbody>${lines
    .slice(0, 100)
    .map(
      (l) =>
        html`<tr><td>${local(l.at)}</td><td class="${l.level === "warn" ? "" : "bad"}">${l.level}</td><td class="wrap">${l.msg}<pre class="log">${clip(JSON.stringify(l.fields))}</pre></td></tr>`,
    )}</tbody></table>`;
}

/** The start of `now`'s day in `timeZone` (to the minute; a daylight-saving jump that day shifts it by that hour). */
function localMidnight(now: Date, timeZone: string): Date {
  const [hours, minutes] = localMinute(now, timeZone).time.split(":").map(Number);
  return new Date(
    now.getTime() - ((hours! * 60 + minutes!) * 60 + now.getUTCSeconds()) * 1000 - now.getUTCMilliseconds(),
  );
}

function clip(s: string, max = 600): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}
