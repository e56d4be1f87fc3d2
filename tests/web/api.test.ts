import { cp, readFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { API_BURST } from "../../src/web/api.ts";
import { imagePath } from "../../src/web/images.ts";
import { BUNDLED_LIBRARY } from "../helpers/bot.ts";
import { webSite, type WebSiteOptions } from "./harness.ts";

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

async function getJson(url: string, headers: Record<string, string> = {}) {
  const res = await site!.request(url, { headers });
  expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
  return { status: res.status, headers: res.headers, body: JSON.parse(await res.text()) };
}

describe("the web API", () => {
  it("searches like the chat: its heading, the matched passage, the link, the cover from the bot — never the body", async () => {
    await open();
    const article = site!.snapshot.library.get("槽边往事/萝卜跑起来")!;
    const chat = site!.deps.answers.search("萝卜快跑", 0);
    const { status, headers, body } = await getJson(`/api/search?q=${enc("萝卜快跑")}`);
    expect(status).toBe(200);
    expect(headers.get("access-control-allow-origin")).toBe("*");
    expect(chat.kind === "articles" && chat.heading).toBe(body.heading);
    expect(body).toEqual({
      query: "萝卜快跑",
      heading: "找到 1 篇与「萝卜快跑」相关的文章：",
      tentative: false,
      total: 1,
      results: [
        {
          id: "槽边往事/萝卜跑起来",
          title: "萝卜跑起来",
          date: "2024-06-15",
          account: "槽边往事",
          summary: "坐了一次无人驾驶出租车。",
          url: "https://mp.weixin.qq.com/s/article-2",
          page: `${ORIGIN}/a/${enc("槽边往事")}/${enc("萝卜跑起来")}`,
          cover: `${ORIGIN}${imagePath(article.cover!)}`,
          zen: {
            title: "雨夜街灯",
            image: `${ORIGIN}${imagePath(article.zen!.image)}`,
            creator: "和菜头的小肉手",
            model: "Midjourney V6",
          },
          passage: "在武汉坐了一次萝卜快跑，方向盘自己在转，司机座位上空无一人。",
          highlights: [[7, 11]],
        },
      ],
    });
  });

  it("is as honest as the chat: 没有找到 is an empty list with the chat's sentence, guesses say tentative", async () => {
    await open();
    const none = await getJson(`/api/search?q=${enc("量子力学")}`);
    expect(none.body).toMatchObject({ total: 0, tentative: false, results: [] });
    expect(none.body.heading).toContain("没有找到与「量子力学」相关的文章。");
    const guess = await getJson(`/api/search?q=${enc("萝卜 猫弟")}`);
    expect(guess.body).toMatchObject({ tentative: true, heading: "没有完全对得上的，下面几篇可能相关：" });
    expect(guess.body.results.map((r: { title: string }) => r.title)).toEqual(["猫弟的一天", "萝卜跑起来"]);
  });

  it("narrows to an account and a limit, and refuses what it cannot answer with an error a program can read", async () => {
    await open();
    expect((await getJson(`/api/search?q=${enc("天")}&limit=1`)).body.results).toHaveLength(1);
    expect(
      (await getJson(`/api/search?q=${enc("房价")}&account=${enc("九边")}`)).body.results.map(
        (r: { id: string }) => r.id,
      ),
    ).toEqual(["九边/房地产很惨"]);
    expect((await getJson(`/api/search?q=${enc("房价")}&account=${enc("槽边往事")}`)).body.results).toEqual([]);
    const cases: Array<[string, number, string, string]> = [
      ["/api/search", 400, "empty_query", "请用 q 给出关键词。"],
      ["/api/search?q=%20%20", 400, "empty_query", "请用 q 给出关键词。"],
      [`/api/search?q=${enc("猫")}&limit=abc`, 400, "bad_limit", "limit 须是 1 到 50 的整数。"],
      [`/api/search?q=${enc("猫")}&account=${enc("没有这个号")}`, 404, "no_such_account", "没有这个公众号。"],
      ["/api/articles/nope", 404, "not_found", "没有这篇文章"],
      ["/api/articles/%E0%A4%A", 404, "not_found", "没有这篇文章"],
      ["/api/nothing-here", 404, "not_found", "页面不存在"],
    ];
    for (const [url, status, error, message] of cases) {
      const res = await getJson(url);
      expect([res.status, res.body], url).toEqual([status, { error, message }]);
    }
  });

  it("gives one article by its id: what its page shows, without the body", async () => {
    await open();
    const { status, body } = await getJson(`/api/articles/${enc("槽边往事")}/${enc("独一无二")}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      id: "槽边往事/独一无二",
      title: "独一无二",
      date: "2024-07-02",
      account: "槽边往事",
      summary: "每个人都觉得自己独一无二。",
      url: "https://mp.weixin.qq.com/s/article-0",
    });
    expect(body.zen.title).toBe("墨荷");
    expect(JSON.stringify(body)).not.toContain("外婆家");
  });

  it("writes hostile titles so that no byte reads as markup, and parses back to the title", async () => {
    await open();
    const res = await site!.request(`/api/articles/${enc("九边")}/hostile`);
    const text = await res.text();
    expect(text).not.toMatch(/[<>]/);
    expect(JSON.parse(text).title).toBe("<script>alert(1)</script>危险标题");
  });

  it("limits each client: a burst, then 429 with Retry-After until the bucket refills; other clients are not slowed", async () => {
    await open();
    // Clients connecting directly: each is counted by its own address, whatever X-Forwarded-For it sends.
    const from = (ip: string) =>
      site!.request(`/api/search?q=${enc("猫")}`, { from: ip, headers: { "x-forwarded-for": "203.0.113.9" } });
    for (let i = 0; i < API_BURST; i++) expect((await from("198.51.100.1")).status).toBe(200);
    const refused = await from("198.51.100.1");
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("1");
    expect(JSON.parse(await refused.text())).toEqual({ error: "rate_limited", message: "请求太多，请稍后再试。" });
    expect((await from("198.51.100.2")).status).toBe(200);
    site!.clock.set("2026-11-25T02:00:02Z");
    expect((await from("198.51.100.1")).status).toBe(200);
  });

  it("behind a reverse proxy (TRUST_PROXY) counts each client by the address the proxy wrote, not the proxy's", async () => {
    await open({ trustProxy: true });
    const via = (ip: string) =>
      site!.request(`/api/search?q=${enc("猫")}`, {
        from: "127.0.0.1",
        headers: { "x-forwarded-for": `203.0.113.9, ${ip}` },
      });
    for (let i = 0; i < API_BURST; i++) expect((await via("198.51.100.1")).status).toBe(200);
    expect((await via("198.51.100.1")).status).toBe(429);
    expect((await via("198.51.100.2")).status).toBe(200);
  });

  it("closes with the reading room when WEB_PUBLIC=false", async () => {
    await open({ public: false, password: "a-long-console-password" });
    for (const url of [`/api/search?q=${enc("猫")}`, "/api/articles/x"]) {
      const res = await site!.request(url);
      expect([res.status, res.headers.get("location")]).toEqual([303, "/console"]);
    }
    await site!.close();
    site = await webSite({ public: false });
    expect((await site.request(`/api/search?q=${enc("猫")}`)).status).toBe(404);
  });

  it("answers the curl example of docs/web.md exactly as documented", async () => {
    await open({
      library: async (dir) => (
        await cp(BUNDLED_LIBRARY, path.join(dir, "articles"), { recursive: true }), path.join(dir, "articles")
      ),
    });
    const doc = await readFile(path.join(import.meta.dirname, "../../docs/web.md"), "utf8");
    const example =
      /```sh\n\$ curl -sG '(http:\/\/127\.0\.0\.1:9464\/api\/search)' --data-urlencode 'q=([^']+)' -d 'limit=(\d+)'\n```\n\n```json\n([\s\S]+?)\n```/.exec(
        doc,
      );
    expect(example, "the curl example in docs/web.md").not.toBeNull();
    const [, base, q, limit, documented] = example!;
    const res = await site!.app.request(`${base}?q=${enc(q!)}&limit=${limit}`);
    expect(res.status).toBe(200);
    expect(JSON.parse(await res.text())).toEqual(JSON.parse(documented!));
  });
});
