import { afterEach, describe, expect, it } from "vitest";
import { cookiesOf, csrfOf, webSite, type WebSiteOptions } from "./harness.ts";

let site: Awaited<ReturnType<typeof webSite>> | undefined;
afterEach(async () => {
  await site?.close();
  site = undefined;
});

const PASSWORD = "correct horse battery staple";

async function open(options: WebSiteOptions = {}) {
  site = await webSite({ password: PASSWORD, ...options });
  return site;
}

/** Open the login form, then post `password` with the form's token, from the browser at `from` (a socket peer) with `headers`. */
async function attempt(password: string, cookie = "", from?: string, headers?: Record<string, string>) {
  const form = await site!.request("/console", { cookie, from, headers });
  const jar = cookiesOf(form, cookie);
  const res = await site!.request("/console/login", {
    form: { _csrf: csrfOf(await form.text()), password },
    cookie: jar,
    from,
    headers,
  });
  return { res, cookie: cookiesOf(res, jar) };
}

/** Five wrong passwords from `from`: its free failures. */
async function guessFiveTimes(from?: string, headers?: Record<string, string>) {
  for (let i = 0; i < 5; i++) expect((await attempt(`wrong-${i}`, "", from, headers)).res.status).toBe(401);
}

async function loggedIn(): Promise<{ cookie: string; page: string }> {
  const { res, cookie } = await attempt(PASSWORD);
  expect(res.status).toBe(303);
  const page = await (await site!.request("/console", { cookie })).text();
  return { cookie, page };
}

describe("the console's door", () => {
  it("is absent without ADMIN_PASSWORD", async () => {
    site = await webSite();
    expect((await site.request("/console")).status).toBe(404);
    expect(await (await site.request("/")).text()).not.toContain('href="/console"');
  });

  it("refuses a wrong password, and after 5 failures refuses even the right one from that address until the minute is over", async () => {
    await open();
    for (let i = 0; i < 5; i++) {
      const { res } = await attempt(`wrong-${i}`);
      expect(res.status).toBe(401);
      expect(await res.text()).toContain("密码不对。");
    }
    const sixth = await attempt(PASSWORD);
    expect(sixth.res.status).toBe(429);
    expect(sixth.res.headers.get("retry-after")).toBe("60");
    expect(await sixth.res.text()).toContain("尝试太多次，请 1 分钟后再试。");
    expect(sixth.cookie).not.toContain("article_bot_session");
    expect((await attempt(PASSWORD)).res.status).toBe(429);
    // One warning per wrong password, one for the lock-out: a guessing script does not flood the log.
    expect(site!.logging.output().match(/console login with a wrong password/g)).toHaveLength(5);
    expect(site!.logging.output().match(/console login throttled/g)).toHaveLength(1);
    site!.clock.set("2026-11-25T02:01:01Z");
    expect((await attempt(PASSWORD)).res.status).toBe(303);
  });

  it("lets the operator in with the right password from an address that has not been failing, while another address keeps guessing", async () => {
    await open();
    const guesser = "203.0.113.66";
    for (let minute = 0; minute < 3; minute++) {
      site!.clock.set(`2026-11-25T02:0${minute}:00Z`);
      for (let i = 0; i < 5; i++) await attempt(`wrong-${minute}-${i}`, "", guesser);
      expect((await attempt(PASSWORD, "", guesser)).res.status).toBe(429);
      const operator = await attempt(PASSWORD, "", "198.51.100.20");
      expect(operator.res.status).toBe(303);
      expect(operator.cookie).toContain("article_bot_session=");
    }
    expect(site!.logging.output()).toContain('"client":"203.0.113.66"');
  });

  it("makes a guessing address wait longer after each further failure: 1, 2, then 4 minutes", async () => {
    await open();
    const at = (seconds: number) =>
      site!.clock.set(new Date(Date.parse("2026-11-25T02:00:00Z") + seconds * 1000).toISOString());
    await guessFiveTimes();
    at(59);
    expect((await attempt(PASSWORD)).res.status).toBe(429);
    at(61);
    expect((await attempt("wrong-6")).res.status).toBe(401);
    at(61 + 119);
    const waiting = await attempt(PASSWORD);
    expect(waiting.res.status).toBe(429);
    expect(waiting.res.headers.get("retry-after")).toBe("1");
    at(61 + 121);
    expect((await attempt("wrong-7")).res.status).toBe(401);
    at(182 + 181);
    const third = await attempt(PASSWORD);
    expect(third.res.status).toBe(429);
    expect(await third.res.text()).toContain("尝试太多次，请 1 分钟后再试。");
    at(182 + 240);
    expect((await attempt(PASSWORD)).res.status).toBe(303);
    // The right password starts the address afresh: five free failures again.
    await guessFiveTimes();
  });

  it("behind a reverse proxy (TRUST_PROXY) throttles the client the proxy names in X-Forwarded-For", async () => {
    await open({ trustProxy: true });
    const proxy = "127.0.0.1";
    await guessFiveTimes(proxy, { "x-forwarded-for": "203.0.113.66" });
    expect((await attempt(PASSWORD, "", proxy, { "x-forwarded-for": "203.0.113.66" })).res.status).toBe(429);
    // The last entry is the proxy's: whatever the client wrote before it does not change who it is.
    expect((await attempt(PASSWORD, "", proxy, { "x-forwarded-for": "192.0.2.1, 203.0.113.66" })).res.status).toBe(429);
    expect((await attempt(PASSWORD, "", proxy, { "x-forwarded-for": "198.51.100.20" })).res.status).toBe(303);
  });

  it("without TRUST_PROXY ignores X-Forwarded-For (anyone can send one), and warns once that clients behind a proxy share one throttle", async () => {
    await open();
    for (let i = 0; i < 5; i++)
      expect((await attempt(`wrong-${i}`, "", "203.0.113.66", { "x-forwarded-for": `192.0.2.${i}` })).res.status).toBe(
        401,
      );
    expect((await attempt(PASSWORD, "", "203.0.113.66", { "x-forwarded-for": "192.0.2.99" })).res.status).toBe(429);
    expect(site!.logging.output().match(/without TRUST_PROXY/g)).toHaveLength(1);
  });

  it("counts an IPv6 client by its /64, so one host cannot take five free guesses per address", async () => {
    await open();
    for (let i = 1; i <= 5; i++) expect((await attempt(`wrong-${i}`, "", `2001:db8:1:2::${i}`)).res.status).toBe(401);
    expect((await attempt(PASSWORD, "", "2001:db8:1:2:ffff::6")).res.status).toBe(429);
    expect((await attempt(PASSWORD, "", "2001:db8:1:3::1")).res.status).toBe(303);
  });

  it("logs in with an HttpOnly, SameSite=Strict session cookie and never renders the password", async () => {
    await open();
    const { res } = await attempt(PASSWORD);
    expect(res.headers.get("location")).toBe("/console");
    const session = res.headers.getSetCookie().find((c) => c.startsWith("article_bot_session="))!;
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Strict/);
    const { page } = await loggedIn();
    expect(page).toContain("<h1>控制台</h1>");
    expect(page).not.toContain(PASSWORD);
    expect(site!.logging.output()).not.toContain(PASSWORD);
  });

  it("refuses a login post without the login form's token", async () => {
    await open();
    const res = await site!.request("/console/login", { form: { password: PASSWORD } });
    expect(res.status).toBe(403);
    expect(res.headers.getSetCookie().some((c) => c.startsWith("article_bot_session="))).toBe(false);
  });

  it("refuses every console POST without the session's CSRF token, and does not act", async () => {
    let pushes = 0;
    await open({ pushNow: async () => (pushes++, "推送已开始") });
    const { cookie, page } = await loggedIn();
    for (const form of [{}, { _csrf: "forged" }] as Array<Record<string, string>>) {
      const res = await site!.request("/console/push", { form, cookie });
      expect(res.status).toBe(403);
    }
    expect((await site!.request("/console/push", { form: { _csrf: csrfOf(page) } })).status).toBe(401); // no session
    expect(pushes).toBe(0);
    const ok = await site!.request("/console/push", { form: { _csrf: csrfOf(page) }, cookie });
    expect(ok.status).toBe(303);
    expect(pushes).toBe(1);
    expect(await (await site!.request("/console", { cookie })).text()).toContain(
      '<p class="notice" role="status" id="flash">推送已开始</p>',
    );
  });

  it("logs out: the session cookie no longer opens the console", async () => {
    await open();
    const { cookie, page } = await loggedIn();
    await site!.request("/console/logout", { form: { _csrf: csrfOf(page) }, cookie });
    expect(await (await site!.request("/console", { cookie })).text()).toContain("登录控制台");
  });
});

describe("the console", () => {
  it("shows each adapter as /healthz does, the WeChat QR code while a scan is pending, and the login history", async () => {
    await open({
      adapters: [
        { platform: "telegram", state: "running", connected: true },
        {
          platform: "wechat",
          state: "running",
          connected: false,
          loggedIn: false,
          lastLoginAt: "2026-11-24T14:00:00.000Z",
          lastLogoutAt: "2026-11-25T01:00:00.000Z",
          logoutReason: "已在其他设备登录",
          qrUrl: "https://wechaty.js.org/qrcode/x",
          qrCode: "https://login.weixin.qq.com/l/abc",
          history: [
            { at: "2026-11-24T14:00:00.000Z", event: "login" },
            { at: "2026-11-25T01:00:00.000Z", event: "logout", reason: "已在其他设备登录" },
            { at: "2026-11-25T01:00:01.000Z", event: "scan" },
          ],
        },
      ],
    });
    const { cookie, page } = await loggedIn();
    expect(page).toMatch(/<strong>telegram<\/strong> · 运行中 · <span class="ok">在线<\/span>/);
    expect(page).toMatch(/<strong>wechat<\/strong> · 运行中 · <span class="bad">离线<\/span> · 未登录/);
    expect(page).toContain("上次登录：2026-11-24 22:00 · 上次退出：2026-11-25 09:00 · 退出原因：已在其他设备登录");
    expect(page).toContain('<img id="wechat-qr" src="/console/qr.svg"');
    expect(page).toContain("2026-11-25 09:00 退出（已在其他设备登录）");
    const qr = await site!.request("/console/qr.svg", { cookie });
    expect(qr.headers.get("content-type")).toBe("image/svg+xml");
    expect(await qr.text()).toMatch(/^<svg [^>]*viewBox/);
    expect((await site!.request("/console/qr.svg")).status).toBe(303); // not without a login
  });

  it("shows subscribers per platform and chat, and today's deliveries with failures and their reasons", async () => {
    await open();
    await site!.store.subscribe({ platform: "telegram", chatId: "1001", isGroup: false, time: null });
    await site!.store.subscribe({ platform: "wechat", chatId: "room@chatroom", isGroup: true, time: "21:30" });
    await site!.store.subscribeNews({ platform: "telegram", chatId: "1001", isGroup: false, keywords: ["墨荷", "AI"] });
    await site!.store.claimDelivery("telegram", "1001", "2026-11-25", "me", 60_000);
    await site!.store.confirmDelivery("telegram", "1001", "2026-11-25");
    await site!.store.claimDelivery("wechat", "room@chatroom", "2026-11-25", "me", 60_000);
    await site!.store.failDelivery("wechat", "room@chatroom", "2026-11-25", "rejected: 机器人已被移出群聊");
    await site!.store.claimDelivery("telegram", "1001", "new:槽边往事/独一无二", "me", 60_000);
    await site!.store.confirmDelivery("telegram", "1001", "new:槽边往事/独一无二");
    const { page } = await loggedIn();
    expect(page).toContain(
      '<tr><td>telegram</td><td>1001 <span class="meta">私聊</span></td><td>默认时间</td><td class="wrap">墨荷、AI</td></tr>',
    );
    expect(page).toContain(
      '<tr><td>wechat</td><td>room@chatroom <span class="meta">群</span></td><td>21:30</td><td class="wrap">—</td></tr>',
    );
    expect(page).toContain("今日推送（2026-11-25）");
    expect(page).toContain("已送达 1 · 失败 1 · 发送中 0");
    expect(page).toContain("今天的新文章通知：已送达 1 · 失败 0 · 发送中 0");
    expect(page).toMatch(
      /<td>wechat<\/td><td>room@chatroom<\/td><td class="bad">失败<\/td><td>[^<]+<\/td><td class="wrap">rejected: 机器人已被移出群聊<\/td>/,
    );
  });

  it("lists the groups with their state and settings, as /stats does", async () => {
    await open();
    expect((await loggedIn()).page).toContain("还没有群启用、停用或改过设置。");
    await site!.store.updateGroupSettings("wechat", "room@chatroom", {
      state: "disabled",
      results: 2,
      quietHours: { start: "22:00", end: "08:00" },
    });
    await site!.store.updateGroupSettings("telegram", "-100", { linkPreview: true });
    const { page } = await loggedIn();
    expect(page).toContain("<li>telegram -100，已启用，链接 开（open）</li>");
    expect(page).toContain("<li>wechat room@chatroom，已停用，结果数 2，免打扰 22:00-08:00（open）</li>");
  });

  it("「立即同步」 starts a sync (only with SYNC_REPO) and shows the last sync and the last successful one", async () => {
    let runs = 0;
    const last = {
      at: "2026-11-25T01:00:00.000Z",
      result: "failed",
      newArticles: 0,
      error: "git fetch: could not resolve host",
    };
    const lastSuccess = { at: "2026-11-24T16:00:00.000Z", result: "synced", newArticles: 3 };
    const lastReport =
      "槽边往事: new 2, updated 0, unchanged 40, skipped 1\n  skipped 无题.md: no date in the list page\nsync failed: git fetch: could not resolve host; the library is unchanged except for the accounts above\n";
    await open({
      sync: { run: async () => void runs++, status: () => ({ last, lastSuccess, lastReport, running: false }) },
    });
    const { cookie, page } = await loggedIn();
    expect(page).toContain(
      '<summary>上次同步的报告</summary><pre class="log">槽边往事: new 2, updated 0, unchanged 40, skipped 1\n  skipped 无题.md: no date in the list page',
    );
    expect(page).toContain(
      '上次同步：2026-11-25 09:00 · 失败 · 新文章 0 篇 · <span class="bad">git fetch: could not resolve host</span>',
    );
    expect(page).toContain("上次成功同步：2026-11-25 00:00 · 已同步 · 新文章 3 篇");
    expect((await site!.request("/console/sync", { form: {}, cookie })).status).toBe(403);
    expect(runs).toBe(0);
    const res = await site!.request("/console/sync", { form: { _csrf: csrfOf(page) }, cookie });
    expect(res.status).toBe(303);
    expect(runs).toBe(1);
    expect(await (await site!.request("/console", { cookie })).text()).toContain("同步已开始，完成后文库会自动更新。");
  });

  it("has no 「立即同步」 without SYNC_REPO", async () => {
    await open();
    const { cookie, page } = await loggedIn();
    expect(page).not.toContain("立即同步");
    expect(page).toContain("未配置同步（SYNC_REPO）。");
    expect((await site!.request("/console/sync", { form: { _csrf: csrfOf(page) }, cookie })).status).toBe(404);
  });

  it("shows the files that failed validation and why", async () => {
    await open();
    const { page } = await loggedIn();
    expect(page).toContain("未载入的文件（1）");
    expect(page).toMatch(/<tr><td>九边\/坏文件\.md<\/td><td class="wrap">date: [^<]+<\/td><\/tr>/);
  });

  it("shows the library per account and the recent warnings, with secrets scrubbed", async () => {
    await open();
    site!.deps.log.warn(
      { url: "https://api.telegram.org/bot123456:AAHsecretsecretsecretsecretsecret12/getMe" },
      "telegram call failed",
    );
    site!.deps.log.info("an info line stays out of the console");
    const { page } = await loggedIn();
    expect(page).toContain("共 5 篇");
    expect(page).toContain("<tr><td>槽边往事</td><td>3</td></tr>");
    expect(page).toContain("<tr><td>九边</td><td>2</td></tr>");
    expect(page).toContain("telegram call failed");
    expect(page).toContain("/bot[secret]/getMe");
    expect(page).not.toContain("AAHsecret");
    expect(page).not.toContain("an info line");
  });
});
