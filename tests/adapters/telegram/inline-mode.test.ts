import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseHtml } from "../../helpers/fake-telegram-checks.ts";
import { startTelegram, type Harness } from "./harness.ts";

describe("Telegram inline mode (@bot 关键词 in any chat)", () => {
  let h: Harness;
  beforeAll(async () => void (h = await startTelegram()));
  afterAll(async () => h.close());

  const answerTo = async (query: string, offset = "") => {
    const update = h.tg.inlineQuery(query, offset);
    return (await h.tg.waitForCall("answerInlineQuery", (c) => c.payload.inline_query_id === update.inline_query.id))
      .payload;
  };

  it("offers matching articles with title, summary and link, cached briefly", async () => {
    const answer = await answerTo("照相机");
    expect(answer).toMatchObject({ cache_time: 300, next_offset: "" });
    expect(answer.results).toHaveLength(7);
    const [first] = answer.results;
    expect(first).toMatchObject({
      type: "article",
      title: "旧照相机",
      description: "第 2 篇关于照相机的随笔。",
      url: "https://mp.weixin.qq.com/s/camera-2",
      input_message_content: { parse_mode: "HTML" },
      reply_markup: { inline_keyboard: [[{ text: "阅读原文", url: "https://mp.weixin.qq.com/s/camera-2" }]] },
    });
    expect(parseHtml(first.input_message_content.message_text)).toBe(
      "旧照相机 · 2024-02-12\n第 2 篇关于照相机的随笔。",
    );
  });

  it("keeps hostile titles as plain text in the list and escaped in the posted card", async () => {
    const [result] = (await answerTo("脚本")).results;
    expect(result.title).toBe('<script>alert("x")</script> & 朋友们');
    expect(result.input_message_content.message_text).toContain("&lt;script&gt;");
  });

  it("lists the latest articles for an empty query, and nothing for nonsense", async () => {
    expect((await answerTo("")).results.map((r: { title: string }) => r.title)[0]).toBe("山中一日");
    expect((await answerTo("量子色动力学")).results).toEqual([]);
  });
});

describe("Telegram inline mode with a large library", () => {
  let h: Harness;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "article-bot-inline-"));
    for (let i = 0; i < 60; i++) {
      const body = `---\ntitle: 照相机笔记 ${i}\ndate: 2024-01-${String((i % 28) + 1).padStart(2, "0")}\nurl: https://mp.weixin.qq.com/s/n${i}\n---\n第 ${i} 篇照相机笔记。\n`;
      await writeFile(path.join(dir, `note-${i}.md`), body);
    }
    h = await startTelegram({ library: dir });
  });
  afterAll(async () => {
    await h.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("answers 50 results at a time and offers the rest through next_offset", async () => {
    const first = h.tg.inlineQuery("照相机");
    const page1 = (
      await h.tg.waitForCall("answerInlineQuery", (c) => c.payload.inline_query_id === first.inline_query.id)
    ).payload;
    expect(page1.results).toHaveLength(50);
    expect(page1.next_offset).toBe("50");
    const second = h.tg.inlineQuery("照相机", page1.next_offset);
    const page2 = (
      await h.tg.waitForCall("answerInlineQuery", (c) => c.payload.inline_query_id === second.inline_query.id)
    ).payload;
    expect(page2.results).toHaveLength(10);
    expect(page2.next_offset).toBe("");
    const ids = [...page1.results, ...page2.results].map((r: { id: string }) => r.id);
    expect(new Set(ids).size).toBe(60);
  });
});
