import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createWebApp } from "../../src/web/app.ts";
import { imagePath } from "../../src/web/images.ts";
import { all, parseXml } from "./feed-reader.ts";
import { ARTICLES, cookiesOf, csrfOf, webSite, type WebSiteOptions, writeWebLibrary } from "./harness.ts";

let site: Awaited<ReturnType<typeof webSite>> | undefined;
afterEach(async () => {
  await site?.close();
  site = undefined;
});

async function open(options: WebSiteOptions = {}) {
  site = await webSite(options);
  return site;
}

const ORIGIN = "http://127.0.0.1";
const enc = encodeURIComponent;
const page = (id: string) => `${ORIGIN}/a/${id.split("/").map(enc).join("/")}`;

/** The entries of any of the three formats, as a reader lists them: title, link, date, account, author, summary, cover, 禅定时刻 image. */
async function entriesOf(res: Response) {
  const text = await res.text();
  const type = res.headers.get("content-type");
  if (type === "application/feed+json; charset=utf-8") {
    const feed = JSON.parse(text);
    return (feed.items as Array<Record<string, any>>).map((i) => ({
      id: i.id,
      title: i.title,
      link: i.url,
      date: i.date_published,
      account: i.tags?.[0],
      author: i.authors[0].name,
      summary: i.content_text,
      cover: i.image,
      zen: i.attachments?.[0] && {
        url: i.attachments[0].url,
        type: i.attachments[0].mime_type,
        title: i.attachments[0].title,
      },
    }));
  }
  const doc = parseXml(text);
  if (type === "application/atom+xml; charset=utf-8") {
    return all(doc.feed.entry).map((e: any) => {
      const links = all(e.link);
      const enclosure = links.find((l: any) => l["@rel"] === "enclosure");
      return {
        id: e.id,
        title: e.title["#text"],
        link: links.find((l: any) => l["@rel"] === "alternate")["@href"],
        date: new Date(e.updated).toISOString(),
        account: e.category?.["@term"],
        author: e.author.name,
        summary: e.summary["#text"],
        cover: e["media:thumbnail"]?.["@url"],
        zen: enclosure && { url: enclosure["@href"], type: enclosure["@type"], title: enclosure["@title"] },
      };
    });
  }
  expect(type).toBe("application/rss+xml; charset=utf-8");
  return all(doc.rss.channel.item).map((i: any) => ({
    id: i.guid["#text"],
    title: i.title,
    link: i.link,
    date: new Date(i.pubDate).toISOString(),
    account: i.category,
    author: i["dc:creator"],
    // A description is HTML to a reader: what it shows is the text of that HTML.
    summary: htmlText(i.description),
    cover: i["media:thumbnail"]?.["@url"],
    zen: i.enclosure && { url: i.enclosure["@url"], type: i.enclosure["@type"], title: undefined },
  }));
}

function htmlText(html: string): string {
  expect(html).not.toMatch(/<[a-z]/i);
  return html.replace(
    /&(lt|gt|amp|quot|apos);/g,
    (_m, e: string) => ({ lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" })[e]!,
  );
}

describe("feeds", () => {
  it("serves every article as Atom 1.0, RSS 2.0 and JSON Feed 1.1, each with the format's required fields", async () => {
    await open();
    const atom = parseXml(await (await site!.request("/feeds/all.atom")).text()).feed;
    expect(atom["@xmlns"]).toBe("http://www.w3.org/2005/Atom");
    expect(atom.id).toBe(`${ORIGIN}/feeds/all.atom`);
    expect(atom.title["#text"]).toBe("全部文章 · 文章助手");
    expect(new Date(atom.updated).toISOString()).toBe("2024-08-31T16:00:00.000Z"); // the newest article, 2024-09-01 in Asia/Shanghai
    expect(all(atom.link).find((l: any) => l["@rel"] === "self")["@href"]).toBe(`${ORIGIN}/feeds/all.atom`);
    for (const e of all(atom.entry) as any[]) {
      for (const field of ["id", "title", "updated", "author"]) expect(e[field], field).toBeDefined();
      expect(e.author.name).toBeTruthy();
    }

    const rss = parseXml(await (await site!.request("/feeds/all.rss")).text()).rss;
    expect(rss["@version"]).toBe("2.0");
    for (const field of ["title", "link", "description"]) expect(rss.channel[field], field).toBeTruthy();
    for (const i of all(rss.channel.item) as any[]) {
      expect(i.title).toBeTruthy();
      expect(i.guid["@isPermaLink"]).toBe("true");
      expect(Number.isNaN(Date.parse(i.pubDate))).toBe(false);
      if (i.enclosure) for (const attr of ["@url", "@type", "@length"]) expect(i.enclosure[attr], attr).toBeDefined();
    }

    const json = JSON.parse(await (await site!.request("/feeds/all.json")).text());
    expect(json.version).toBe("https://jsonfeed.org/version/1.1");
    expect(json.title).toBe("全部文章 · 文章助手");
    expect(json.feed_url).toBe(`${ORIGIN}/feeds/all.json`);
    for (const item of json.items) {
      expect(typeof item.id).toBe("string");
      expect(typeof item.content_text).toBe("string");
      expect(item.content_html).toBeUndefined();
    }
  });

  it("gives each entry its title, original link, date, account, author, summary, cover and 禅定时刻 image — the same in every format, never the body", async () => {
    await open();
    const article = site!.snapshot.library.get("槽边往事/独一无二")!;
    for (const format of ["atom", "rss", "json"]) {
      const res = await site!.request(`/feeds/all.${format}`);
      expect(res.status).toBe(200);
      const entries = await entriesOf(res);
      expect(entries.map((e) => e.title)).toEqual([
        "房地产很惨，但是别救了",
        "猫弟的一天",
        "独一无二",
        "萝卜跑起来",
        "<script>alert(1)</script>危险标题",
      ]);
      expect(entries[2]).toEqual({
        id: page("槽边往事/独一无二"),
        title: "独一无二",
        link: "https://mp.weixin.qq.com/s/article-0",
        date: "2024-07-01T16:00:00.000Z",
        account: "槽边往事",
        author: "槽边往事",
        summary: "每个人都觉得自己独一无二。",
        // Images from the bot, as on the pages: WeChat's host refuses hot-links.
        cover: `${ORIGIN}${imagePath(article.cover!)}`,
        zen: {
          url: `${ORIGIN}${imagePath(article.zen!.image)}`,
          type: "image/png",
          title: format === "rss" ? undefined : "墨荷",
        },
      });
      expect(entries[0]!.zen).toBeUndefined();
    }
    for (const format of ["atom", "rss", "json"])
      expect(await (await site!.request(`/feeds/all.${format}`)).text()).not.toContain("外婆家的那口水缸");
  });

  it("has a feed per account, and a keyword feed on any feed (?q=) with only what the chat finds, newest first", async () => {
    await open({
      library: async (dir, images) => {
        const root = await writeWebLibrary(dir, images);
        // The older one says 咖啡 in its title (the search ranks it first), the newer one only in its body.
        await writeFile(
          path.join(root, "九边", "咖啡.md"),
          "---\ntitle: 咖啡\ndate: 2024-01-05\naccount: 九边\n---\n一杯咖啡的价格。\n",
        );
        await writeFile(
          path.join(root, "九边", "早晨.md"),
          "---\ntitle: 早晨\ndate: 2024-10-05\naccount: 九边\n---\n早上喝了一杯咖啡，然后出门。\n",
        );
        return root;
      },
    });
    const titles = async (url: string) => (await entriesOf(await site!.request(url))).map((e) => e.title);

    expect(await titles(`/feeds/${enc("九边")}.atom`)).toEqual([
      "早晨",
      "房地产很惨，但是别救了",
      "<script>alert(1)</script>危险标题",
      "咖啡",
    ]);
    expect(await titles(`/feeds/${enc("槽边往事")}.json`)).toEqual(["猫弟的一天", "独一无二", "萝卜跑起来"]);
    // The chat's order is by relevance; the feed's by date.
    const chat = site!.deps.answers.search("咖啡", 0);
    expect(chat.kind === "articles" && chat.articles.map((a) => a.title)).toEqual(["咖啡", "早晨"]);
    expect(await titles(`/feeds/all.rss?q=${enc("咖啡")}`)).toEqual(["早晨", "咖啡"]);
    expect(await titles(`/feeds/${enc("槽边往事")}.atom?q=${enc("咖啡")}`)).toEqual([]);
    expect(await titles(`/feeds/${enc("槽边往事")}.atom?q=${enc("照相机")}`)).toEqual(["猫弟的一天"]);
    // 没有找到 in the chat: an empty feed, still a valid one.
    expect(await titles(`/feeds/all.atom?q=${enc("量子力学")}`)).toEqual([]);
    // 「没有完全对得上的，下面几篇可能相关」 in the chat: guesses are no matches for a feed.
    const guess = site!.deps.answers.matches("萝卜 猫弟", 10);
    expect(guess.tentative && guess.articles.length).toBe(2);
    expect(await titles(`/feeds/all.json?q=${enc("萝卜 猫弟")}`)).toEqual([]);

    const keyword = JSON.parse(await (await site!.request(`/feeds/all.json?q=${enc("咖啡")}`)).text());
    expect(keyword.title).toBe("与「咖啡」相关的文章 · 文章助手");
    expect(keyword.home_page_url).toBe(`${ORIGIN}/?q=${enc("咖啡")}`);
  });

  it("answers 404 for an unknown account or format and 400 for a malformed limit, with a clear sentence", async () => {
    await open();
    const nope = await site!.request(`/feeds/${enc("没有这个号")}.atom`);
    expect([nope.status, await nope.text()]).toEqual([404, "没有这个公众号。\n"]);
    const format = await site!.request("/feeds/all.xml");
    expect([format.status, await format.text()]).toEqual([404, "没有这个订阅源：请用 .atom、.rss 或 .json 结尾。\n"]);
    for (const limit of ["abc", "0", "-3", "1e3"]) {
      const res = await site!.request(`/feeds/all.atom?limit=${limit}`);
      expect([res.status, await res.text()]).toEqual([400, "limit 须是 1 到 200 的整数。\n"]);
    }
  });

  it("holds 50 entries by default and up to 200 with ?limit=", async () => {
    await open({
      library: async (dir, images) => {
        const root = await writeWebLibrary(dir, images, ARTICLES.slice(0, 1));
        for (let i = 0; i < 230; i++) {
          const day = new Date(Date.UTC(2025, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
          await writeFile(
            path.join(root, `日记${i}.md`),
            `---\ntitle: 日记 ${i}\ndate: ${day}\naccount: 槽边往事\n---\n第 ${i} 天。\n`,
          );
        }
        return root;
      },
    });
    const count = async (url: string) => (await entriesOf(await site!.request(url))).length;
    expect(await count("/feeds/all.atom")).toBe(50);
    expect(await count("/feeds/all.json?limit=7")).toBe(7);
    expect(await count("/feeds/all.rss?limit=200")).toBe(200);
    expect(await count("/feeds/all.atom?limit=1000")).toBe(200);
    const capped = parseXml(await (await site!.request("/feeds/all.atom?limit=1000")).text()).feed;
    expect(all(capped.link).find((l: any) => l["@rel"] === "self")["@href"]).toBe(`${ORIGIN}/feeds/all.atom?limit=200`);
    expect((await entriesOf(await site!.request("/feeds/all.atom?limit=2"))).map((e) => e.title)).toEqual([
      "日记 229",
      "日记 228",
    ]);
  });

  it("answers a feed reader's conditional GET with 304, and renders a feed once per library: polling costs no search", async () => {
    await open();
    let searches = 0;
    const answers = site!.deps.answers;
    const app = createWebApp({
      ...site!.deps,
      answers: { search: answers.search.bind(answers), matches: (...args) => (searches++, answers.matches(...args)) },
    });
    const get = (headers: Record<string, string> = {}) =>
      app.request(`${ORIGIN}/feeds/all.atom?q=${enc("猫")}`, { headers });

    const first = await get();
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toBe("application/atom+xml; charset=utf-8");
    expect(first.headers.get("cache-control")).toBe("public, max-age=60");
    const etag = first.headers.get("etag")!;
    const lastModified = first.headers.get("last-modified")!;
    expect(etag).toMatch(/^"[\w-]{27}"$/);
    expect(Number.isNaN(Date.parse(lastModified))).toBe(false);

    const validators: Array<Record<string, string>> = [
      { "if-none-match": etag },
      { "if-none-match": `"other", W/${etag}` },
      { "if-modified-since": lastModified },
    ];
    for (const headers of validators) {
      const again = await get(headers);
      expect(again.status).toBe(304);
      expect(await again.text()).toBe("");
      expect(again.headers.get("etag")).toBe(etag);
    }
    // A validator that does not match, or an If-Modified-Since beside it, gets the feed again (If-None-Match decides).
    expect((await get({ "if-none-match": '"stale"', "if-modified-since": lastModified })).status).toBe(200);
    expect((await get({ "if-modified-since": new Date(Date.parse(lastModified) - 1000).toUTCString() })).status).toBe(
      200,
    );
    expect(searches).toBe(1);
  });

  it("shows a newly synced article at the top of the feeds, with a new ETag; a reload that changes nothing keeps the old one", async () => {
    await open();
    const url = `/feeds/${enc("槽边往事")}.rss`;
    const before = await site!.request(url);
    const etag = before.headers.get("etag")!;
    const keyword = (await site!.request(`/feeds/all.json?q=${enc("墨荷")}`)).headers.get("etag")!;

    await site!.reload();
    expect((await site!.request(url, { headers: { "if-none-match": etag } })).status).toBe(304);

    // What a sync does: a new file in the library, then a reload.
    await writeFile(
      path.join(site!.articlesDir, "槽边往事", "墨荷又开了.md"),
      "---\ntitle: 墨荷又开了\ndate: 2026-11-20\nurl: https://mp.weixin.qq.com/s/new\naccount: 槽边往事\nsummary: 今年的墨荷。\n---\n池塘里的墨荷又开了。\n",
    );
    await site!.reload();
    const after = await site!.request(url, { headers: { "if-none-match": etag } });
    expect(after.status).toBe(200);
    expect(after.headers.get("etag")).not.toBe(etag);
    const entries = await entriesOf(after);
    expect(entries[0]).toMatchObject({
      title: "墨荷又开了",
      link: "https://mp.weixin.qq.com/s/new",
      date: "2026-11-19T16:00:00.000Z",
      summary: "今年的墨荷。",
    });
    expect(entries).toHaveLength(4);
    const found = await site!.request(`/feeds/all.json?q=${enc("墨荷")}`, { headers: { "if-none-match": keyword } });
    expect(found.status).toBe(200);
    expect((await entriesOf(found)).map((e) => e.title)).toEqual(["墨荷又开了", "独一无二"]);
  });

  it("escapes hostile titles, summaries and account names in every format: a reader shows them as text", async () => {
    const hostile = "<script>alert(1)</script>&amp;\"'";
    await open({
      library: async (dir, images) => {
        const root = await writeWebLibrary(dir, images);
        await writeFile(
          path.join(root, "x.md"),
          `---\ntitle: ${JSON.stringify(`坏号${hostile}`)}\ndate: 2024-12-01\naccount: ${JSON.stringify(`号${hostile}`)}\nsummary: ${JSON.stringify(`]]></summary><img src=x onerror=alert(2)>`)}\n---\n正文\n`,
        );
        return root;
      },
    });
    for (const url of [
      "/feeds/all.atom",
      "/feeds/all.rss",
      "/feeds/all.json",
      `/feeds/${enc(`号${hostile}`)}.atom`,
      "/feeds.opml",
      `/feeds/all.rss?q=${enc(hostile)}`,
    ]) {
      const res = await site!.request(url);
      expect(res.status, url).toBe(200);
      const text = await res.clone().text();
      expect(text, url).not.toMatch(/<script|<img|<\/summary><img/);
      if (url === "/feeds.opml") {
        const outlines = all(parseXml(text).opml.body.outline) as any[];
        expect(outlines.map((o) => o["@text"])).toContain(`号${hostile}`);
        continue;
      }
      const entries = await entriesOf(res);
      if (url.includes("?q=")) continue;
      const bad = entries.find((e) => e.title === `坏号${hostile}`)!;
      expect(bad, url).toMatchObject({ account: `号${hostile}`, summary: "]]></summary><img src=x onerror=alert(2)>" });
      const danger = entries.find((e) => e.title === "<script>alert(1)</script>危险标题");
      if (!url.includes(enc("号"))) expect(danger?.summary, url).toBe("<img src=x onerror=alert(1)> 摘要里的标签");
    }
  });

  it("lists every account's feed in /feeds.opml, each importable", async () => {
    await open();
    const res = await site!.request("/feeds.opml");
    expect(res.headers.get("content-type")).toBe("text/x-opml; charset=utf-8");
    const opml = parseXml(await res.text()).opml;
    expect(opml["@version"]).toBe("2.0");
    const outlines = all(opml.body.outline) as any[];
    expect(outlines.map((o) => [o["@text"], o["@type"], o["@xmlUrl"]])).toEqual([
      ["槽边往事", "rss", `${ORIGIN}/feeds/${enc("槽边往事")}.atom`],
      ["九边", "rss", `${ORIGIN}/feeds/${enc("九边")}.atom`],
    ]);
    for (const o of outlines) expect((await site!.app.request(o["@xmlUrl"])).status).toBe(200);
  });

  it("links the right feed from every page of the reading room (discovery and the feed button), and each link answers", async () => {
    await open();
    const alternates = async (url: string) => {
      const html = await (await site!.request(url)).text();
      const links = [...html.matchAll(/<link rel="alternate" type="([^"]+)" title="([^"]+)" href="([^"]+)">/g)].map(
        (m) => ({ type: m[1], title: m[2], href: m[3]!.replaceAll("&amp;", "&") }),
      );
      const button = /<a class="feed-button" href="([^"]+)"[^>]*>([^<]+)<\/a>/.exec(html);
      return { links, button: button && { href: button[1]!.replaceAll("&amp;", "&"), text: button[2] }, html };
    };

    const front = await alternates("/");
    expect(front.links).toEqual([
      { type: "application/atom+xml", title: "全部文章 · 文章助手", href: "/feeds/all.atom" },
      { type: "application/rss+xml", title: "全部文章 · 文章助手", href: "/feeds/all.rss" },
      { type: "application/feed+json", title: "全部文章 · 文章助手", href: "/feeds/all.json" },
    ]);
    expect(front.button).toEqual({ href: "/feeds/all.atom", text: "订阅全部文章" });
    expect(front.html).toContain('<a href="/feeds.opml">全部公众号（OPML）</a>');

    const search = await alternates(`/?q=${enc("墨荷")}`);
    expect(search.links.map((l) => l.href)).toEqual([
      `/feeds/all.atom?q=${enc("墨荷")}`,
      `/feeds/all.rss?q=${enc("墨荷")}`,
      `/feeds/all.json?q=${enc("墨荷")}`,
    ]);
    expect(search.button?.text).toBe("订阅「墨荷」");

    const article = await alternates(`/a/${enc("九边")}/${enc("房地产很惨")}`);
    expect(article.links[0]).toEqual({
      type: "application/atom+xml",
      title: "「九边」 · 文章助手",
      href: `/feeds/${enc("九边")}.atom`,
    });
    expect(article.button?.text).toBe("订阅「九边」");

    const gallery = await alternates("/gallery");
    expect(gallery.links[0]?.href).toBe("/feeds/all.atom");

    for (const { links } of [front, search, article]) {
      for (const l of links) {
        const res = await site!.request(l.href);
        expect(res.status, l.href).toBe(200);
        expect(res.headers.get("content-type")).toBe(`${l.type}; charset=utf-8`);
      }
    }
  });

  it("closes the feeds with the reading room when WEB_PUBLIC=false: the console login first, and never in a shared cache", async () => {
    const password = "a-long-console-password";
    await open({ public: false, password });
    for (const url of ["/feeds/all.atom", `/feeds/${enc("九边")}.rss?q=x`, "/feeds.opml"]) {
      const res = await site!.request(url);
      expect([res.status, res.headers.get("location")], url).toEqual([303, "/console"]);
    }
    const form = await site!.request("/console");
    const jar = cookiesOf(form);
    const login = await site!.request("/console/login", {
      form: { _csrf: csrfOf(await form.text()), password },
      cookie: jar,
    });
    const cookie = cookiesOf(login, jar);
    const res = await site!.request("/feeds/all.atom", { cookie });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("private, no-cache");
    await site!.close();
    site = await webSite({ public: false });
    expect((await site.request("/feeds/all.atom")).status).toBe(404);
    expect((await site.request("/feeds.opml")).status).toBe(404);
  });
});
