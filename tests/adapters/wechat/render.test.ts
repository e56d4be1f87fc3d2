import { describe, expect, it } from "vitest";
import { renderReply, type RenderContext } from "../../../adapters/wechat/render.ts";
import type { ArticleCard, ArticlesReply, ImageReply } from "../../../src/chat/message.ts";
import { t } from "../../../src/bot/strings.ts";
import { DownloadError } from "../../../src/net/download.ts";
import { silentLogger } from "../../../src/log.ts";

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
const ctx = (extra: Partial<RenderContext> = {}): RenderContext => ({
  image: async () => ({ bytes: JPEG, contentType: "image/jpeg", fileName: "image.jpeg" }),
  log: silentLogger(),
  ...extra,
});
const alice = { id: "wxid_alice", name: "Alice" };

const article = (n: number, extra: Partial<ArticleCard> = {}): ArticleCard => ({
  id: `a${n}`,
  title: `文章${n}`,
  date: `2024-0${n}-01`,
  summary: `摘要${n}`,
  url: `https://mp.weixin.qq.com/s/a${n}`,
  ...extra,
});

const page: ArticlesReply = {
  kind: "articles",
  heading: "找到 7 篇与「墨荷」相关的文章：",
  articles: [
    article(4, { cover: "https://mmbiz.qpic.cn/cover4.jpg", snippet: { text: "一幅墨荷。", highlights: [[2, 4]] } }),
    article(5, { snippet: { text: "墨荷与照相机", highlights: [[0, 2]] } }),
    article(6),
  ],
  page: { query: "墨荷", offset: 3, total: 7, pageSize: 3 },
  footer: t.more(1),
};

describe("rendering replies for WeChat", () => {
  it("lists a page of results with the sentences that matched, numbered from its offset, and shows the first as a card", async () => {
    const [list, card] = await renderReply(page, ctx());
    expect(list).toEqual({
      kind: "text",
      text: [
        "找到 7 篇与「墨荷」相关的文章：",
        "4. 《文章4》 2024-04-01",
        "5. 《文章5》 2024-05-01",
        "【墨荷】与照相机",
        "https://mp.weixin.qq.com/s/a5",
        "6. 《文章6》 2024-06-01",
        "https://mp.weixin.qq.com/s/a6",
        t.more(1),
      ].join("\n"),
    });
    expect(card).toEqual({
      kind: "card",
      link: {
        title: "文章4",
        description: "一幅墨荷。",
        thumbnailUrl: "https://mmbiz.qpic.cn/cover4.jpg",
        url: "https://mp.weixin.qq.com/s/a4",
      },
      fallback: "《文章4》 2024-04-01\n一幅墨荷。\nhttps://mp.weixin.qq.com/s/a4",
    });
  });

  it("sends the list alone, every result with its link, when the group switched link cards off", async () => {
    const messages = await renderReply({ ...page, linkPreview: false }, ctx());
    expect(messages.map((m) => m.kind)).toEqual(["text"]);
    const text = (messages[0] as { text: string }).text;
    expect(text).toContain("4. 《文章4》");
    expect(text).toContain("https://mp.weixin.qq.com/s/a4");
    expect(text).toContain("https://mp.weixin.qq.com/s/a5");
    const single = await renderReply(
      { kind: "articles", heading: "随机给你一篇：", articles: [article(1)], linkPreview: false },
      ctx(),
    );
    expect(single).toEqual([
      { kind: "text", text: "随机给你一篇：\n1. 《文章1》 2024-01-01\nhttps://mp.weixin.qq.com/s/a1" },
    ]);
  });

  it("@mentions the sender in the first message of a room reply", async () => {
    const [list, card] = await renderReply(page, ctx({ mention: alice }));
    expect(list).toMatchObject({ kind: "text", mentionIds: ["wxid_alice"] });
    expect((list as { text: string }).text.startsWith("@Alice\u2005找到 7 篇")).toBe(true);
    expect(card!.kind).toBe("card");
  });

  it("sends only the heading and the card for a single article", async () => {
    const reply: ArticlesReply = { kind: "articles", heading: t.random, articles: [article(1)] };
    const messages = await renderReply(reply, ctx());
    expect(messages).toEqual([{ kind: "text", text: t.random }, expect.objectContaining({ kind: "card" })]);
  });

  it("shows an article without a link as text, and describes a search hit by the sentence that matched", async () => {
    const noLink: ArticlesReply = { kind: "articles", heading: t.random, articles: [article(1, { url: undefined })] };
    expect((await renderReply(noLink, ctx()))[1]).toEqual({ kind: "text", text: "《文章1》 2024-01-01\n摘要1" });
    const hit: ArticlesReply = {
      kind: "articles",
      heading: "找到 1 篇",
      articles: [article(2, { snippet: { text: "……墨荷……", highlights: [[2, 4]] } })],
    };
    expect((await renderReply(hit, ctx()))[1]).toMatchObject({ kind: "card", link: { description: "……墨荷……" } });
  });

  it("keeps card fields short without breaking emoji", async () => {
    const long = article(1, { title: "🙂".repeat(100), summary: "长".repeat(500) });
    const [, card] = await renderReply({ kind: "articles", heading: "h", articles: [long] }, ctx());
    const link = (card as { link: { title: string; description: string } }).link;
    expect([...link.title]).toHaveLength(64);
    expect(link.title.endsWith("🙂…")).toBe(true);
    expect([...link.description]).toHaveLength(120);
  });

  it("cuts an enormous text reply", async () => {
    const [message] = await renderReply({ kind: "text", text: "字".repeat(100_000) }, ctx());
    expect([...(message as { text: string }).text]).toHaveLength(2000);
  });

  describe("the 禅定 image", () => {
    const zen: ImageReply = {
      kind: "image",
      url: "https://mmbiz.qpic.cn/zen.jpg",
      caption: t.zenCaption("墨荷"),
      article: { title: "墨荷与照相机", url: "https://mp.weixin.qq.com/s/ink-lotus" },
    };

    it("is the caption with the article link, then the downloaded image as a file", async () => {
      const [caption, image] = await renderReply(zen, ctx({ mention: alice }));
      expect(caption).toEqual({
        kind: "text",
        text: `@Alice\u2005${t.zenCaption("墨荷")}\n${t.zenFrom("墨荷与照相机")} https://mp.weixin.qq.com/s/ink-lotus`,
        mentionIds: ["wxid_alice"],
      });
      expect(image!.kind).toBe("image");
      const file = (image as { file: { name: string; toBuffer(): Promise<Buffer> } }).file;
      expect(file.name).toBe("image.jpeg");
      expect(await file.toBuffer()).toEqual(JPEG);
    });

    it("is the caption alone when the download fails", async () => {
      const failing = ctx({
        image: async (url) => Promise.reject(new DownloadError("download failed: HTTP 404", url, false)),
      });
      expect(await renderReply(zen, failing)).toEqual([
        { kind: "text", text: expect.stringContaining(t.zenCaption("墨荷")) },
      ]);
    });
  });
});
