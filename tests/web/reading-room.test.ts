import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { imageOfDay } from "../../src/zen/gallery.ts";
import { imagePath } from "../../src/web/images.ts";
import { webSite, writeWebLibrary } from "./harness.ts";

let site: Awaited<ReturnType<typeof webSite>> | undefined;
afterEach(async () => {
  await site?.close();
  site = undefined;
});

const CSP =
  /default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'/;

describe("the reading room (HTTP)", () => {
  it("searches like the chat: the matching article with its passage marked and the link to the original", async () => {
    site = await webSite();
    const res = await site.request(`/?q=${encodeURIComponent("萝卜快跑")}`);
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain("找到 1 篇与「萝卜快跑」相关的文章");
    expect(page).toContain(
      '<a class="title" href="/a/%E6%A7%BD%E8%BE%B9%E5%BE%80%E4%BA%8B/%E8%90%9D%E5%8D%9C%E8%B7%91%E8%B5%B7%E6%9D%A5">萝卜跑起来</a>',
    );
    expect(page).toContain("<mark>萝卜快跑</mark>");
    expect(page).toContain('href="https://mp.weixin.qq.com/s/article-2"');
    expect(page).not.toContain("猫弟的一天");
  });

  it("says 没有找到 with the chat's words when nothing matches, and keeps the query in the box", async () => {
    site = await webSite();
    const page = await (await site.request(`/?q=${encodeURIComponent("量子力学")}`)).text();
    expect(page).toContain("没有找到与「量子力学」相关的文章。");
    expect(page).toContain('value="量子力学"');
  });

  it("shows the latest articles and today's 禅定时刻 on the front page", async () => {
    site = await webSite();
    const page = await (await site.request("/")).text();
    const titles = [...page.matchAll(/class="title" href="[^"]+">([^<]+)</g)].map((m) => m[1]);
    expect(titles.slice(0, 4)).toEqual(["房地产很惨，但是别救了", "猫弟的一天", "独一无二", "萝卜跑起来"]);
    const today = imageOfDay(site.snapshot.gallery, "2026-11-25")!;
    expect(page).toContain(`<img src="${imagePath(today.image)}" alt="${today.title}">`);
  });

  it("escapes hostile titles and summaries instead of running them", async () => {
    site = await webSite();
    const page = await (await site.request("/")).text();
    expect(page).toContain("&lt;script&gt;alert(1)&lt;/script&gt;危险标题");
    expect(page).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(page).not.toMatch(/<script>alert|<img src=x/);
  });

  it("gives a listing (known from the list page only) a page that says no full text was saved, with the link to the original", async () => {
    site = await webSite({
      library: async (dir, images) => {
        const articles = await writeWebLibrary(dir, images);
        await writeFile(
          path.join(articles, "槽边往事", "只有标题.md"),
          "---\ntitle: 只有标题\ndate: 2024-03-01\nurl: https://mp.weixin.qq.com/s/listed\naccount: 槽边往事\nlisted_only: true\n---\n",
        );
        return articles;
      },
    });
    const page = await (
      await site.request(`/a/${encodeURIComponent("槽边往事")}/${encodeURIComponent("只有标题")}`)
    ).text();
    expect(page).toContain("<h1>只有标题</h1>");
    expect(page).toContain("仅有标题和链接，未存全文：请到公众号阅读。");
    expect(page).toContain('href="https://mp.weixin.qq.com/s/listed"');
    const other = await (
      await site.request(`/a/${encodeURIComponent("槽边往事")}/${encodeURIComponent("独一无二")}`)
    ).text();
    expect(other).not.toContain("未存全文");
  });

  it("gives an article its own page: title, account, date, summary, cover, its 禅定时刻 image and the original link, but never the body", async () => {
    site = await webSite();
    const res = await site.request(`/a/${encodeURIComponent("槽边往事")}/${encodeURIComponent("独一无二")}`);
    expect(res.status).toBe(200);
    const page = await res.text();
    const article = site.snapshot.library.get("槽边往事/独一无二")!;
    expect(page).toContain("<h1>独一无二</h1>");
    expect(page).toContain("槽边往事 · 2024-07-02");
    expect(page).toContain("每个人都觉得自己独一无二。");
    expect(page).toContain(`<img src="${imagePath(article.cover!)}"`);
    expect(page).toContain(`<img src="${imagePath(article.zen!.image)}" alt="墨荷">`);
    expect(page).toContain("<strong>墨荷</strong> · 作者：和菜头的小肉手 · 模型：Midjourney V6");
    expect(page).toContain('href="https://mp.weixin.qq.com/s/article-0"');
    expect(page).not.toContain("外婆家的那口水缸");
    expect(page).not.toContain("127.0.0.1:"); // no image is hot-linked
  });

  it("answers 404 for an article that does not exist (or a malformed id)", async () => {
    site = await webSite();
    expect((await site.request("/a/nope")).status).toBe(404);
    expect((await site.request("/a/%E0%A4%A")).status).toBe(404);
    expect((await site.request("/no-such-page")).status).toBe(404);
  });

  it("lists every 禅定时刻 image in the gallery, today's first, each with title, creator, model and its article", async () => {
    site = await webSite();
    const page = await (await site.request("/gallery")).text();
    const images = [...page.matchAll(/<img src="(\/img\/[0-9a-f]{32})" alt="([^"]+)"/g)].map((m) => m[2]);
    const today = imageOfDay(site.snapshot.gallery, "2026-11-25")!;
    expect(images[0]).toBe(today.title);
    expect([...images].sort()).toEqual(["墨荷", "晒太阳的猫", "雨夜街灯"].sort());
    expect(page).toContain('<li class="today">');
    expect(page).toContain("出自《猫弟的一天》");
    expect(page).toContain("模型：Midjourney V6.1");
  });

  it("sends strict security headers with every page: a CSP without inline scripts or other origins, no referrer, no framing", async () => {
    site = await webSite();
    for (const path of ["/", "/gallery", "/?q=猫", "/no-such-page"]) {
      const res = await site.request(path);
      expect(res.headers.get("content-security-policy")).toMatch(CSP);
      expect(res.headers.get("content-security-policy")).not.toContain("unsafe-inline");
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      const body = await res.text();
      // No inline script and no inline style anywhere: the CSP would block them.
      expect(body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>|<[a-z][^>]*\s(?:style|on[a-z]+)=/i);
      expect(body).not.toMatch(/(src|href)="(https?:)?\/\/(?!mp\.weixin\.qq\.com)/);
    }
  });

  it("serves its style sheet and script, and answers 404 for any other /static/ name (object keys such as __proto__ included) without logging a failure", async () => {
    site = await webSite();
    const css = await site.request("/static/site.css");
    expect(css.status).toBe(200);
    expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");
    for (const name of ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf", "no-such.css"]) {
      const res = await site.request(`/static/${name}`);
      expect(res.status, name).toBe(404);
      expect(await res.text()).toContain("页面不存在");
    }
    expect(site.logging.recent.list()).toEqual([]);
  });

  it("keeps the reading room private when WEB_PUBLIC=false: to the console login with a password, 404 without one", async () => {
    site = await webSite({ public: false, password: "a-long-console-password" });
    for (const path of ["/", "/gallery", "/a/x", "/img/0123456789abcdef0123456789abcdef"]) {
      const res = await site.request(path);
      expect(res.status).toBe(303);
      expect(res.headers.get("location")).toBe("/console");
    }
    await site.close();
    site = await webSite({ public: false });
    expect((await site.request("/")).status).toBe(404);
    expect((await site.request("/console")).status).toBe(404);
  });
});
