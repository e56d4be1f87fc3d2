/**
 * `npm run screenshots`: the reading room, the gallery and the console at a
 * phone's and a desktop's width, into docs/screenshots/. The pages are the
 * real ones over the bundled library; its images (on WeChat's host, not
 * reachable here) are replaced by generated pictures on a local image
 * server, and the console shows a WeChat login waiting for its scan, two
 * subscribers and this morning's deliveries. Needs Chromium (as the browser
 * specs) and a CJK font (Debian: `apt-get install fonts-wqy-microhei`).
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startHttpServer } from "../src/observability/http.ts";
import { WebServer } from "../src/web/app.ts";
import { launchBrowser } from "../tests/helpers/chromium.ts";
import { bundledWithLocalImages, webSite } from "../tests/web/harness.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const OUT = path.join(ROOT, "docs/screenshots");
const PASSWORD = "screenshot-password";
const NOW = new Date();
const iso = (minutesAgo: number) => new Date(NOW.getTime() - minutesAgo * 60_000).toISOString();

const site = await webSite({
  now: NOW.toISOString(),
  password: PASSWORD,
  library: bundledWithLocalImages,
  adapters: [
    { platform: "telegram", state: "running", connected: true },
    {
      platform: "wechat",
      state: "running",
      connected: false,
      loggedIn: false,
      lastLoginAt: iso(600),
      lastLogoutAt: iso(12),
      logoutReason: "已在其他设备登录",
      qrCode: "https://login.weixin.qq.com/l/screenshot-example",
      history: [
        { at: iso(600), event: "login" },
        { at: iso(12), event: "logout", reason: "已在其他设备登录" },
        { at: iso(12), event: "scan" },
      ],
    },
  ],
});
const day = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(NOW);
await site.store.subscribe({ platform: "telegram", chatId: "1001", isGroup: false, time: null });
await site.store.subscribe({ platform: "telegram", chatId: "-1001234567890", isGroup: true, time: "21:30" });
await site.store.subscribe({ platform: "wechat", chatId: "20391@chatroom", isGroup: true, time: null });
await site.store.subscribeNews({ platform: "telegram", chatId: "1001", isGroup: false, keywords: ["AI", "音响"] });
await site.store.claimDelivery("telegram", "1001", day, "bot", 60_000);
await site.store.confirmDelivery("telegram", "1001", day);
await site.store.claimDelivery("wechat", "20391@chatroom", day, "bot", 60_000);
await site.store.failDelivery("wechat", "20391@chatroom", day, "unsent: WeChat is not logged in");
site.deps.log.warn(
  { platform: "wechat", reason: "已在其他设备登录" },
  "wechat logged out; replies wait in the queue until the next login",
);

const web = new WebServer();
web.serve(site.deps);
const server = await startHttpServer({
  port: 0,
  health: {} as never,
  metrics: {} as never,
  log: site.deps.log,
  web: web.listener,
});
const browser = await launchBrowser();
try {
  const shots: Array<[string, string]> = [
    ["reading-room", `/?q=${encodeURIComponent("音响")}`],
    ["front-page", "/"],
    ["gallery", "/gallery"],
    ["console", "/console"],
  ];
  for (const [width, height, label] of [
    [390, 844, "phone"],
    [1280, 900, "desktop"],
  ] as const) {
    const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1, locale: "zh-CN" });
    const page = await context.newPage();
    await page.goto(`${server.url}/console`);
    await page.getByLabel("密码").fill(PASSWORD);
    await page.getByRole("button", { name: "登录" }).click();
    await page.waitForLoadState("load");
    for (const [name, route] of shots) {
      await page.goto(`${server.url}${route}`, { waitUntil: "load" });
      // Lazy images below the fold: scroll through once so the full-page shot has them.
      await page.evaluate(async () => {
        for (let y = 0; y < document.body.scrollHeight; y += 600) {
          window.scrollTo(0, y);
          await new Promise((r) => setTimeout(r, 50));
        }
        window.scrollTo(0, 0);
      });
      await page.waitForFunction(() => [...document.images].every((i) => i.complete), undefined, { timeout: 30_000 });
      const file = path.join(OUT, `${name}-${label}.png`);
      // The gallery and the front page go on for screens: their first screen shows what they are.
      await page.screenshot({ path: file, fullPage: name === "reading-room" || name === "console" });
      console.log(path.relative(ROOT, file));
    }
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
  await site.close();
}
