import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Pager } from "../../../adapters/telegram/paging.ts";
import { LIMITS, render, type RenderedMessage, type RenderedPhoto } from "../../../adapters/telegram/render.ts";
import type { ArticleCard, ArticlesReply } from "../../../src/chat/message.ts";
import { checkKeyboard, parseHtml } from "../../helpers/fake-telegram-checks.ts";

const card = (over: Partial<ArticleCard> = {}): ArticleCard => ({
  id: "a",
  title: "墨荷与照相机",
  date: "2024-11-20",
  summary: "用照相机的眼睛看一幅水墨荷花。",
  url: "https://mp.weixin.qq.com/s/ink-lotus",
  ...over,
});

const results = (articles: ArticleCard[], offset = 0, total = 10): ArticlesReply => ({
  kind: "articles",
  heading: `找到 ${total} 篇与「照相机」相关的文章：`,
  articles,
  page: { query: "照相机", offset, total, pageSize: 3 },
  footer: "还有几篇，发送「更多」查看下一页。",
});

/** Any text a user or an article might bring: HTML, entities, emoji, lone surrogates, huge runs. */
const hostileText = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 300 }),
  fc.string({
    unit: fc.constantFrom("<", ">", "&", '"', "amp;", "b", "😀", "墨", "\ud83d", " ", "\n"),
    maxLength: 400,
  }),
  fc.string({ unit: "grapheme-ascii", minLength: 4200, maxLength: 5000 }),
);

const anyUrl = fc.constantFrom(
  undefined,
  "https://mp.weixin.qq.com/s/x?a=1&b=2",
  "javascript:alert(1)",
  'http://e.com/"><b>',
  "not a url",
  "https://例子.测试/路径",
);

describe("Telegram rendering", () => {
  it("never produces HTML Telegram would reject, nor text over its limits, whatever the articles contain", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ title: hostileText, summary: hostileText, url: anyUrl }), { minLength: 1, maxLength: 5 }),
        hostileText,
        (cards, query) => {
          const reply = {
            ...results(cards.map((c, i) => card({ ...c, id: String(i) }))),
            heading: `找到 5 篇与「${query}」相关的文章：`,
          };
          const out = render(reply, new Pager()) as RenderedMessage;
          expect(parseHtml(out.html).length).toBeLessThanOrEqual(LIMITS.text);
          checkKeyboard(out.keyboard);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("keeps captions within 1024 characters", () => {
    fc.assert(
      fc.property(hostileText, hostileText, (caption, title) => {
        const out = render(
          { kind: "image", url: "https://x/1.jpg", caption, article: { title, url: "https://e.com/a" } },
          new Pager(),
        ) as RenderedPhoto;
        expect(parseHtml(out.caption).length).toBeLessThanOrEqual(LIMITS.caption);
        expect(out.fallback.html).toBe(out.caption);
      }),
    );
  });

  it("bolds the highlighted words of a snippet and cuts long snippets with …", () => {
    const snippet = {
      text: `${"前".repeat(700)}照相机`,
      highlights: [
        [0, 1],
        [700, 703],
      ] as Array<[number, number]>,
    };
    const out = render(results([card({ snippet })], 0, 1), new Pager()) as RenderedMessage;
    expect(out.html).toContain("<b>前</b>前");
    expect(out.html).not.toContain("<b>照相机</b>");
    expect(out.html).toMatch(/前…/);
  });

  it("previews the top article's link only when the group asked for previews", () => {
    const cards = [
      card({ id: "1", url: "https://mp.weixin.qq.com/s/one" }),
      card({ id: "2", url: "https://mp.weixin.qq.com/s/two" }),
    ];
    expect((render(results(cards), new Pager()) as RenderedMessage).previewUrl).toBeUndefined();
    expect(
      (render({ ...results(cards), linkPreview: false }, new Pager()) as RenderedMessage).previewUrl,
    ).toBeUndefined();
    expect((render({ ...results(cards), linkPreview: true }, new Pager()) as RenderedMessage).previewUrl).toBe(
      "https://mp.weixin.qq.com/s/one",
    );
    expect(
      (
        render(
          { ...results([card({ url: "javascript:alert(1)" })]), linkPreview: true },
          new Pager(),
        ) as RenderedMessage
      ).previewUrl,
    ).toBeUndefined();
  });

  it("turns a text reply's command buttons into an inline keyboard, leaving out what does not fit 64 bytes", () => {
    const out = render(
      {
        kind: "text",
        text: "本群设置",
        buttons: [
          [{ text: "结果数：3 ›", command: "/settings 结果数 4" }],
          [{ text: "公众号 ›", command: `/settings 公众号 ${"很长的公众号名字".repeat(3)}` }],
        ],
      },
      new Pager(),
    ) as RenderedMessage;
    expect(out.keyboard).toEqual({
      inline_keyboard: [[{ text: "结果数：3 ›", callback_data: "c:/settings 结果数 4" }]],
    });
    checkKeyboard(out.keyboard);
    expect((render({ kind: "text", text: "x" }, new Pager()) as RenderedMessage).keyboard).toBeUndefined();
  });

  it("drops links and buttons that are not http(s)", () => {
    const out = render(
      results([card({ url: "javascript:alert(1)" }), card({ id: "b", url: "https://e.com/b" })], 0, 2),
      new Pager(),
    ) as RenderedMessage;
    expect(out.html).not.toContain("javascript");
    expect(out.keyboard!.inline_keyboard).toEqual([[{ text: "原文 2", url: "https://e.com/b" }]]);
  });

  it("offers 上一页 only after the first page and 下一页 only before the last", () => {
    const buttons = (offset: number, shown: number, total: number) =>
      (
        render(
          results(
            Array.from({ length: shown }, (_, i) => card({ id: String(i) })),
            offset,
            total,
          ),
          new Pager(),
        ) as RenderedMessage
      )
        .keyboard!.inline_keyboard.at(-1)!
        .map((b) => b.text);
    expect(buttons(0, 3, 7)).toEqual(["下一页 ›"]);
    expect(buttons(3, 3, 7)).toEqual(["‹ 上一页", "下一页 ›"]);
    expect(buttons(6, 1, 7)).toEqual(["‹ 上一页"]);
  });
});

describe("Telegram paging buttons", () => {
  it("fit any query into 64 bytes of callback data and read back the same page", () => {
    const pager = new Pager();
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", minLength: 1, maxLength: 200 }), fc.nat(100_000), (query, offset) => {
        const data = pager.data(query, offset);
        expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
        expect(pager.parse(data)).toEqual({ query, offset });
      }),
    );
  });

  it("report a long query as expired once it is forgotten, and after a restart", () => {
    const pager = new Pager(2);
    const long = "照相机".repeat(20);
    const data = pager.data(long, 3);
    expect(new Pager().parse(data)).toBe("expired");
    pager.data(`${long}1`, 0);
    pager.data(`${long}2`, 0);
    expect(pager.parse(data)).toBe("expired");
    expect(pager.parse("something else")).toBeUndefined();
  });
});

describe("Telegram rendering of a new-article announcement (showCover)", () => {
  const announcement = (over: Partial<ArticleCard> = {}): ArticlesReply => ({
    kind: "articles",
    heading: "新文章 ·「槽边往事」",
    articles: [
      card({
        title: "原地慢慢跑",
        account: "槽边往事",
        cover: "https://mmbiz.qpic.cn/run/640",
        summary: "慢跑".repeat(800),
        ...over,
      }),
    ],
    showCover: true,
  });

  it("is a photo of the cover with the card as its caption (within 1024), and the card as text when the photo fails", () => {
    const out = render(announcement(), new Pager()) as RenderedPhoto;
    expect(out.kind).toBe("photo");
    expect(out.url).toBe("https://mmbiz.qpic.cn/run/640");
    const caption = parseHtml(out.caption);
    expect(caption.length).toBeLessThanOrEqual(LIMITS.caption);
    expect(caption).toContain("新文章 ·「槽边往事」");
    expect(caption).toContain("原地慢慢跑 · 2024-11-20 · 槽边往事");
    expect(out.fallback.kind).toBe("message");
    expect(parseHtml(out.fallback.html)).toContain("原地慢慢跑");
  });

  it("is the plain card when the article has no usable cover", () => {
    expect(render(announcement({ cover: undefined }), new Pager()).kind).toBe("message");
    expect(render(announcement({ cover: "javascript:alert(1)" }), new Pager()).kind).toBe("message");
  });
});
