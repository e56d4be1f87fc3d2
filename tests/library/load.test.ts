import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadLibrary, parseArticleFile } from "../../src/library/load.ts";

const fixtures = fileURLToPath(new URL("../fixtures/library/", import.meta.url));

describe("loadLibrary", () => {
  it("loads every valid article with its front matter and body", async () => {
    const { articles, skipped } = await loadLibrary(`${fixtures}good`);
    expect(skipped).toEqual([]);
    expect(articles.map((a) => a.title).sort()).toEqual(["2024年7月文章一览", "呼吸机答疑", "独一无二", "萝卜跑起来"]);
    const ink = articles.find((a) => a.id === "ink-lotus")!;
    expect(ink.date).toBe("2024-05-20");
    expect(ink.zen).toEqual({
      title: "墨荷",
      image: "https://img.example.com/zen-mohe.jpg",
      creator: "和菜头的小肉手",
      model: "Midjourney V6",
    });
    expect(ink.body).toContain("为什么人类有了照相机还要绘画");
  });

  it("fills a missing summary from the opening sentences", async () => {
    const { articles } = await loadLibrary(`${fixtures}good`);
    const ink = articles.find((a) => a.id === "ink-lotus")!;
    expect(ink.summary.startsWith("大家都喜欢看视频")).toBe(true);
    expect(articles.find((a) => a.id === "breathing")!.summary).toBe("用了七年呼吸机，统一回答读者的问题。");
  });

  it("skips each malformed file with a message naming the file and the problem, and keeps the rest", async () => {
    const { articles, skipped } = await loadLibrary(`${fixtures}mixed`);
    expect(articles).toHaveLength(4);
    const byFile = Object.fromEntries(skipped.map((p) => [p.file, p]));
    expect(Object.keys(byFile).sort()).toEqual([
      "bad-date.md",
      "bad-zen.md",
      "binary.md",
      "broken-yaml.md",
      "empty.md",
      "no-title.md",
    ]);
    expect(byFile["no-title.md"]).toMatchObject({ field: "title", message: "title is missing" });
    expect(byFile["bad-date.md"]).toMatchObject({ field: "date", message: "date is not a real calendar date" });
    expect(byFile["bad-zen.md"]).toMatchObject({ field: "zen.image", message: "zen.image must be an http(s) URL" });
    expect(byFile["broken-yaml.md"]!.message).toMatch(/front matter is not valid YAML/);
    expect(byFile["empty.md"]!.message).toBe("empty file");
    expect(byFile["binary.md"]!.message).toMatch(/binary/);
  });

  it("reports duplicate titles and urls without dropping either article", async () => {
    const { articles, warnings } = await loadLibrary(`${fixtures}duplicates`);
    expect(articles).toHaveLength(2);
    expect(warnings.map((w) => w.message)).toEqual([
      'duplicate title "墨荷的故事" (also in a.md)',
      'duplicate url "https://example.com/same" (also in a.md)',
    ]);
  });

  it("does not count the same title in two accounts as a duplicate", async () => {
    const { findDuplicates } = await import("../../src/library/load.ts");
    const base = { date: "2025-01-01", summary: "" };
    const warnings = findDuplicates([
      { ...base, id: "槽边往事/墨荷", title: "墨荷", account: "槽边往事" },
      { ...base, id: "记忆承载/墨荷", title: "墨荷", account: "记忆承载" },
      { ...base, id: "记忆承载/墨荷-2", title: "墨荷", account: "记忆承载" },
    ]);
    expect(warnings.map((w) => w.file)).toEqual(["记忆承载/墨荷-2.md"]);
  });

  it("reads unquoted YAML dates as the calendar date written", async () => {
    const a = await parseArticleFile(`${fixtures}good`, "robotaxi.md");
    expect("date" in a && a.date).toBe("2024-07-11");
  });
});
