import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderPlain } from "../../adapters/console/render.ts";
import { MAX_QUERY_CHARS, PAGE_SIZE } from "../../src/bot/answers.ts";
import type { Core } from "../../src/bot/core.ts";
import type { Reply } from "../../src/chat/message.ts";
import { parseQuery } from "../../src/search/query.ts";
import { tokenize, tokenizeProse } from "../../src/search/tokenize.ts";
import { dm, groupMsg, testBot } from "../helpers/bot.ts";
import { HARDENING_LIBRARY } from "./fixtures.ts";

/** Pieces people (and attackers) paste: markup, entities, control characters, emoji, CJK. */
const FRAGMENTS = [
  "<script>alert(1)</script>",
  "<b>",
  "</i>",
  "&amp;",
  "&",
  "<",
  ">",
  '"',
  "'",
  "`",
  "```",
  "**",
  "__",
  "~~",
  "[x](javascript:alert(1))",
  "![](http://x/y.png)",
  "# ",
  "> ",
  "\u0000",
  "\u0007",
  "\u001b[31m",
  "\r\n",
  "\t",
  "\u200b",
  "\u2028",
  "\u202e",
  "\ufeff",
  "\ud800",
  "🐱",
  "👨‍👩‍👧‍👦",
  "🇨🇳",
  "照相机",
  "绘画",
  "墨荷",
  "獨一無二",
  "呼吸机",
  "AI",
  "Midjourney",
  "/search",
  "更多",
  "订阅",
  "?",
  "？",
  "@bot",
  " ",
];

const hostileText = fc.oneof(
  fc.string({ unit: "binary", maxLength: 300 }),
  fc.string({ unit: "grapheme", maxLength: 300 }),
  fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 40 }).map((parts) => parts.join("")),
  fc.tuple(fc.constantFrom(...FRAGMENTS), fc.string({ unit: "binary", maxLength: 50 })).map(([a, b]) => `${a}${b}${a}`),
);

/** Fixed, so a failure reproduces on every run and in CI. */
const SEED = 20261125;

/** Longest text a reply may carry: Telegram's message limit, the strictest platform. */
const MAX_REPLY_CHARS = 4096;

function replyChars(reply: Reply): number {
  return renderPlain(reply).length;
}

let bot: Core;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ bot, cleanup } = await testBot({}, HARDENING_LIBRARY));
});
afterAll(() => cleanup());

describe("the handler under hostile input", () => {
  it("never throws, answers a private chat with at most one bounded reply, and renders on the console", async () => {
    await fc.assert(
      fc.asyncProperty(hostileText, async (text) => {
        const replies = await bot.handle(dm(text));
        expect(replies.length).toBeLessThanOrEqual(1);
        for (const r of replies) {
          expect(replyChars(r)).toBeLessThanOrEqual(MAX_REPLY_CHARS);
          if (r.kind === "articles") expect(r.articles.length).toBeLessThanOrEqual(PAGE_SIZE);
        }
      }),
      { numRuns: 300, seed: SEED },
    );
  });

  it("stays silent in groups unless addressed, whatever the text", async () => {
    const unaddressed = hostileText.filter((s) => !/^\s*[/?？]/.test(s));
    await fc.assert(
      fc.asyncProperty(unaddressed, async (text) => {
        expect(await bot.handle(groupMsg(text))).toEqual([]);
      }),
      { numRuns: 200, seed: SEED },
    );
  });

  it.each([
    ["Chinese", "照相机和绘画".repeat(17_000)],
    ["markup", "<script>alert(1)</script>**[x](y)**".repeat(3_000)],
    ["emoji", "👨‍👩‍👧‍👦🐱".repeat(8_000)],
    ["blank lines", "\n".repeat(100_000)],
    ["one long word", "a".repeat(100_000)],
  ])("answers a 100 KB message of %s sanely", async (_kind, text) => {
    expect(text.length).toBeGreaterThanOrEqual(100_000);
    const replies = await bot.handle(dm(text));
    expect(replies).toHaveLength(1);
    expect(replyChars(replies[0]!)).toBeLessThanOrEqual(MAX_REPLY_CHARS);
    // A search never quotes more of the query than the handler reads.
    if (replies[0]!.kind === "articles")
      expect([...replies[0]!.page!.query].length).toBeLessThanOrEqual(MAX_QUERY_CHARS);
  });

  it("finds articles whose titles are full of markup and emoji, and shows them as written", async () => {
    const [hostile] = await bot.handle(dm("星号 粗体"));
    expect(hostile).toMatchObject({ kind: "articles" });
    expect(renderPlain(hostile!)).toContain("<script>alert(1)</script>");
    const [emoji] = await bot.handle(dm("猫弟"));
    expect(renderPlain(emoji!)).toContain("🐱猫弟和猫妹🐈");
  });
});

describe("the tokenizer and the query parser under hostile input", () => {
  const clean = (token: string) => token.length > 0 && !/[\s\p{Cc}]/u.test(token);

  it("never throw and yield only non-empty tokens without spaces or control characters", () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        for (const tokens of [
          tokenize(text),
          tokenize(text, { unigrams: true, words: true }),
          tokenizeProse(text),
          parseQuery(text).tokens,
        ]) {
          expect(tokens.every(clean)).toBe(true);
        }
      }),
      { numRuns: 300, seed: SEED },
    );
  });

  it("yield a number of tokens proportional to the input, even for 100 KB", () => {
    const text = "照相机和绘画 AI视频 ".repeat(8_000);
    expect(tokenize(text, { unigrams: true, words: true }).length).toBeLessThan(text.length * 4);
    expect(parseQuery(text).phrases.length).toBeGreaterThan(0);
  });
});
