import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { dayInZone } from "../../src/clock.ts";
import { openSqliteStore } from "../../src/store/sqlite.ts";
import { describeBrowser, launchBrowser } from "../helpers/browser.ts";
import { startBotProcess, type BotProcess } from "../helpers/bot-process.ts";
import { FakeTelegram } from "../helpers/fake-telegram.ts";
import { ImageServer } from "../helpers/image-server.ts";
import { writeWebLibrary } from "./harness.ts";

const SCRIPTED_PUPPET = fileURLToPath(new URL("../helpers/scripted-puppet.ts", import.meta.url));
const PASSWORD = "console-password-for-tests";

let browser: Browser;
let bot: BotProcess;
let tg: FakeTelegram;
let images: ImageServer;
let libraryDir: string;
let base: string;

/** Log in through the form, as an operator would. */
async function login(page: Page, password = PASSWORD): Promise<void> {
  await page.goto(`${base}/console`, { timeout: 30_000 });
  await page.getByLabel("密码").fill(password);
  await page.getByRole("button", { name: "登录" }).click();
  await page.waitForLoadState("load", { timeout: 30_000 });
}

describeBrowser("the console in a real browser, on a running bot", () => {
  beforeAll(async () => {
    images = await ImageServer.start();
    libraryDir = await mkdtemp(path.join(os.tmpdir(), "article-bot-web-library-"));
    tg = await FakeTelegram.start();
    const today = dayInZone(new Date(), "Asia/Shanghai");
    bot = await startBotProcess({
      library: await writeWebLibrary(libraryDir, images),
      env: {
        ADMIN_PASSWORD: PASSWORD,
        TELEGRAM_BOT_TOKEN: tg.token,
        TELEGRAM_API_ROOT: tg.apiRoot,
        WECHATY_PUPPET: SCRIPTED_PUPPET,
        // Logged in at once, logged out by "another device" soon after: the QR code is then pending.
        SCRIPTED_PUPPET_LOGOUT_MS: "500",
        IMAGE_HOSTS_ALLOW: "127.0.0.1",
        LOG_LEVEL: "info",
      },
      // Subscribers from an earlier run: a Telegram chat, and a WeChat group whose push failed this morning.
      prepare: async (dir) => {
        const store = await openSqliteStore(path.join(dir, "data", "article-bot.sqlite"));
        await store.subscribe({ platform: "telegram", chatId: "1001", isGroup: false, time: null });
        await store.subscribe({ platform: "wechat", chatId: "readers@chatroom", isGroup: true, time: "21:30" });
        await store.claimDelivery("wechat", "readers@chatroom", today, "earlier-run", 60_000);
        await store.failDelivery("wechat", "readers@chatroom", today, "rejected: 群已解散");
        await store.close();
      },
    });
    base = (await bot.healthz()).replace(/\/healthz$/, "");
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await bot?.cleanup();
    await tg?.close();
    await images?.close();
    await rm(libraryDir, { recursive: true, force: true });
  });

  it("shows, after login, the WeChat QR code waiting for a scan, the subscriber list and today's deliveries with their failures", async () => {
    await bot.waitForLog(/scan the QR code/);
    const page = await browser.newPage();
    await login(page);
    expect(await page.locator("h1").textContent()).toBe("控制台");
    const qr = page.locator("#wechat-qr");
    await expect
      .poll(() => qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), { timeout: 30_000 })
      .toBe(true);
    expect(await page.locator('[data-platform="wechat"]').textContent()).toContain("退出原因：已在其他设备登录");
    expect(await page.locator('[data-platform="wechat"] details li').allTextContents()).toEqual([
      expect.stringContaining("等待扫码"),
      expect.stringContaining("退出（已在其他设备登录）"),
      expect.stringContaining("登录"),
    ]);
    const subscribers = await page.locator("#subscribers tbody tr").allTextContents();
    expect(subscribers).toEqual(["telegram1001 私聊默认时间—", "wechatreaders@chatroom 群21:30—"]);
    const deliveries = await page.locator("#deliveries tbody tr").allTextContents();
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toContain("readers@chatroom");
    expect(deliveries[0]).toContain("失败");
    expect(deliveries[0]).toContain("rejected: 群已解散");
    await page.close();
  });

  it("「立即推送」 delivers today's image to the Telegram subscriber exactly once, however often it is pressed", async () => {
    await expect
      .poll(
        async () =>
          (await (await fetch(`${base}/healthz`)).json()).adapters.find(
            (a: { platform: string }) => a.platform === "telegram",
          )?.connected,
        { timeout: 60_000 },
      )
      .toBe(true);
    const page = await browser.newPage();
    await login(page);
    await page.getByRole("button", { name: "立即推送" }).click();
    await page.waitForLoadState("load", { timeout: 30_000 });
    expect(await page.locator("#flash").textContent()).toContain("开始推送今日禅定时刻");
    await tg.waitForCall("sendPhoto", (c) => String(c.payload.chat_id) === "1001");
    await expect
      .poll(() => page.reload().then(() => page.locator("#deliveries").textContent()), { timeout: 30_000 })
      .toContain("已送达 1");

    await page.getByRole("button", { name: "立即推送" }).click();
    await page.waitForLoadState("load", { timeout: 30_000 });
    // Only the WeChat group, whose push failed, is still open (and WeChat waits for its scan): Telegram is done.
    expect(await page.locator("#flash").textContent()).toContain("1 个会话待推送");
    await new Promise((r) => setTimeout(r, 2000));
    expect(tg.sent("1001")).toHaveLength(1);
    await page.close();
  });

  it("refuses a console form posted without its CSRF token, and does nothing", async () => {
    const page = await browser.newPage();
    await login(page);
    const before = tg.calls.length;
    // A forged form: the same button, without the hidden token.
    await page.evaluate(() => document.querySelectorAll('input[name="_csrf"]').forEach((i) => i.remove()));
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith("/console/push")),
      page.getByRole("button", { name: "立即推送" }).click(),
    ]);
    expect(response.status()).toBe(403);
    expect(await page.textContent("body")).toContain("CSRF");
    expect(tg.calls.slice(before).filter((c) => c.method === "sendPhoto")).toHaveLength(0);
    await page.close();
  });

  // Last: it locks the login for a minute.
  it("refuses a wrong password, and throttles the 6th attempt from the same address even with the right password", async () => {
    const page = await browser.newPage();
    for (let i = 1; i <= 5; i++) {
      await login(page, `wrong password ${i}`);
      expect(await page.locator("#login-error").textContent()).toBe("密码不对。");
    }
    await login(page, PASSWORD);
    expect(await page.locator("#login-error").textContent()).toBe("尝试太多次，请 1 分钟后再试。");
    expect(await page.locator("h1").textContent()).toBe("登录控制台");
    await page.close();
  });
});
