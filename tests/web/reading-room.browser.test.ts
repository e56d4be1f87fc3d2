import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startHttpServer, type HttpServer } from "../../src/observability/http.ts";
import { WebServer } from "../../src/web/app.ts";
import { imageOfDay } from "../../src/zen/gallery.ts";
import { describeBrowser, launchBrowser } from "../helpers/browser.ts";
import { webSite } from "./harness.ts";

let browser: Browser;
let server: HttpServer;
let site: Awaited<ReturnType<typeof webSite>>;

describeBrowser("the reading room in a real browser", () => {
  beforeAll(async () => {
    site = await webSite();
    const web = new WebServer();
    web.serve(site.deps);
    server = await startHttpServer({
      port: 0,
      health: {} as never,
      metrics: {} as never,
      log: site.deps.log,
      web: web.listener,
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await site?.close();
  });

  it("finds an article by a keyword typed into the search box: its title, the passage that matched, the link to the original", async () => {
    const page = await browser.newPage();
    await page.goto(server.url, { timeout: 30_000 });
    await page.getByRole("searchbox").fill("萝卜快跑");
    await page.getByRole("searchbox").press("Enter");
    await page.waitForURL(/\?q=/, { timeout: 30_000 });
    const results = page.locator("ol.results > li");
    await expect.poll(() => results.count(), { timeout: 30_000 }).toBe(1);
    expect(await results.locator("a.title").textContent()).toBe("萝卜跑起来");
    expect(await results.locator("mark").first().textContent()).toBe("萝卜快跑");
    expect(await results.getByRole("link", { name: "阅读原文" }).getAttribute("href")).toBe(
      "https://mp.weixin.qq.com/s/article-2",
    );
    await results.locator("a.title").click();
    await page.waitForURL(/\/a\//, { timeout: 30_000 });
    expect(await page.locator("h1").textContent()).toBe("萝卜跑起来");
    expect(await page.locator("#zen figcaption").textContent()).toContain("雨夜街灯");
    await page.close();
  });

  it("shows today's 禅定时刻 first in the gallery, and every image loads from the bot, never from the image host", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 2400 } });
    const imageRequests: string[] = [];
    page.on("request", (r) => {
      if (r.resourceType() === "image") imageRequests.push(r.url());
    });
    await page.goto(`${server.url}/gallery`, { timeout: 30_000 });
    const today = imageOfDay(site.snapshot.gallery, "2026-11-25")!;
    const first = page.locator("#gallery > li").first();
    expect(await first.getAttribute("class")).toBe("today");
    expect(await first.locator("img").getAttribute("alt")).toBe(today.title);
    expect(await first.locator("strong").textContent()).toBe(today.title);
    // Every image decoded (a real picture, not a broken icon).
    await expect
      .poll(() => page.evaluate(() => [...document.images].map((i) => i.complete && i.naturalWidth > 0)), {
        timeout: 30_000,
      })
      .toEqual([true, true, true]);
    expect(imageRequests).toHaveLength(3);
    for (const url of imageRequests) expect(url.startsWith(`${server.url}/img/`)).toBe(true);
    // The bot fetched them from the image host, without a Referer (which would get the placeholder).
    const zenHits = site.images.requests.filter((r) => r.path.startsWith("/zen/"));
    expect(zenHits).toHaveLength(3);
    for (const hit of zenHits) expect(hit.headers.referer).toBeUndefined();
    await page.close();
  });
});
