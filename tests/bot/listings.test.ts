import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LibraryCache } from "../../src/catalog/cache.ts";
import { loadIndexedLibrary } from "../../src/catalog/indexed.ts";
import { openSnapshot, type LibrarySnapshot } from "../../src/catalog/live.ts";
import type { ArticlesReply } from "../../src/chat/message.ts";
import { silentLogger } from "../../src/log.ts";
import { dm, testBotPerTest } from "../helpers/bot.ts";

/**
 * A listing — an article known only from the list page: title, date,
 * link, no text — is found by its title, comes after the articles with
 * text that match as well, and says so on its card.
 */
const testBot = testBotPerTest();
let dir = "";
let restarted: LibrarySnapshot;

const LISTING_NOTE = "（仅有标题和链接，未存全文）";

async function article(file: string, fields: string, body = ""): Promise<void> {
  await writeFile(path.join(dir, file), `---\n${fields}\naccount: 槽边往事\n---\n${body}\n`);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "article-bot-listings-"));
  // Both match 猫 in their title only; the listing's title is the shorter and it is the newer, so without
  // its lower weight it would come first.
  await article(
    "猫弟的一天.md",
    "title: 猫弟的一天\ndate: '2024-08-10'\nurl: https://mp.weixin.qq.com/s/cat",
    "早上六点准时叫醒我，然后躺在阳光里一动不动。".repeat(3),
  );
  await article(
    "猫的来信.md",
    "title: 猫的来信\ndate: '2024-09-01'\nurl: https://mp.weixin.qq.com/s/letter\nlisted_only: true",
  );
  await article(
    "夜航.md",
    "title: 夜航\ndate: '2024-09-02'\nurl: https://mp.weixin.qq.com/s/night\nlisted_only: true\nsummary: 作者写的摘要",
  );
  const cache = LibraryCache.for(dir);
  await openSnapshot(dir, silentLogger(), cache);
  restarted = await openSnapshot(dir, silentLogger(), cache);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("listings in the library", () => {
  it("keep their flag through the library cache", async () => {
    expect(await loadIndexedLibrary(dir, { cache: LibraryCache.for(dir) })).toMatchObject({ parsed: 0, cached: 3 });
    const { library } = restarted;
    const listing = (id: string) => library.isListingAt(library.position(id)!);
    expect([listing("猫的来信"), listing("夜航"), listing("猫弟的一天")]).toEqual([true, true, false]);
    expect(library.get("猫的来信")!.listed_only).toBe(true);
  });

  it("are found by their title, after an article with text whose title matches the same word", () => {
    const titles = (q: string) => restarted.index.search(q, { limit: 5 }).hits.map((h) => h.article.title);
    expect(titles("猫")).toEqual(["猫弟的一天", "猫的来信"]);
    expect(titles("猫的来信")[0]).toBe("猫的来信");
    expect(titles("夜航")).toEqual(["夜航"]);
  });

  it("are never the answer to 随机: a random article has text to read", () => {
    for (const r of [0, 0.34, 0.67, 0.99]) expect(restarted.library.random(() => r)!.title).toBe("猫弟的一天");
  });
});

describe("a listing's card", () => {
  it("says that it has no saved text, after the digest when the list page had one", async () => {
    const { bot } = await testBot({ library: () => restarted });
    const [cats] = (await bot.handle(dm("猫"))) as [ArticlesReply];
    expect(cats.articles.map((c) => c.summary)).toEqual([expect.not.stringContaining(LISTING_NOTE), LISTING_NOTE]);
    expect(cats.articles[1]!.url).toBe("https://mp.weixin.qq.com/s/letter");
    const [night] = (await bot.handle(dm("夜航"))) as [ArticlesReply];
    expect(night.articles[0]!.summary).toBe(`作者写的摘要${LISTING_NOTE}`);
  });
});
