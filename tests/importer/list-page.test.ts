import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { lookupTitle, parseListPage, titleKey } from "../../src/importer/list-page.ts";
import { FIXTURES, LIST_PAGE } from "./corpus.ts";

describe("parseListPage on the real 槽边往事 list page", () => {
  const page = parseListPage(readFileSync(LIST_PAGE, "utf8"));

  it("reads the account and every entry", () => {
    expect(page.account).toBe("槽边往事");
    // 650 entries, two titles listed twice.
    expect(page.entries.size).toBe(648);
    expect(page.duplicates.sort()).toEqual(["像这样开启新一年", "翻译：创始人模式"]);
  });

  it("gives date, url and digest of 独一无二", () => {
    expect(lookupTitle(page, "独一无二")).toEqual({
      title: "独一无二",
      url: "http://mp.weixin.qq.com/s?__biz=MjM5MjAzODU2MA==&mid=2652799716&idx=1&sn=5860f18d90c9dc15f33c3f734e3fa898&chksm=bd46492b8a31c03d070f1591f7553a58cdf4ee80a4f6725aa634a5183209fff1aa32ecd0427e#rd",
      date: "2024-07-02",
      summary: "大家都喜欢看视频，而我也已经很久没有发布视频内容，那么今天的文章不妨从视频开始。",
    });
  });

  it("leaves an empty digest out and strips zero-width characters", () => {
    const aug = lookupTitle(page, "2024年8月文章一览");
    expect(aug?.date).toBe("2024-09-01");
    expect(aug?.summary).toBeUndefined();
    expect(lookupTitle(page, "真正的财神")?.summary).not.toMatch(/\u200b/);
    expect(lookupTitle(page, "在和菜头的激励下")?.summary).toBe("阿甘是个傻子");
  });

  it("matches titles across whitespace and full-width differences", () => {
    expect(lookupTitle(page, "2024年12月文章一览")?.date).toBe("2025-01-01");
    expect(lookupTitle(page, "2024 年 12 月文章一览")?.date).toBe("2025-01-01");
    expect(lookupTitle(page, "微信红包封面汇总(1)")?.date).toBe("2025-01-24");
    expect(lookupTitle(page, "《三体》看书就好")?.title).toBe("《三体》看书就好");
    expect(lookupTitle(page, "不在列表里")).toBeUndefined();
  });
});

describe("parseListPage edge cases", () => {
  const page = parseListPage(readFileSync(`${FIXTURES}list.md`, "utf8"));

  it("normalises dates and rejects impossible ones", () => {
    expect(page.account).toBe("测试号");
    expect(lookupTitle(page, `说 "再见": 《告别》的 'YAML' 测试`)?.date).toBe("2024-07-02");
    expect(lookupTitle(page, "占位文章")).toMatchObject({ date: "2024-07-03", summary: "作者写的摘要" });
    expect(lookupTitle(page, "坏日期")?.date).toBeUndefined();
  });

  it("ignores everything that is not an entry", () => {
    expect(page.entries.size).toBe(3);
    expect(parseListPage("").entries.size).toBe(0);
    expect(parseListPage("    - 时间：2024-01-01\n随便什么").entries.size).toBe(0);
  });

  it("titleKey folds width, spaces and case", () => {
    expect(titleKey("ＡＩ 代读（1）")).toBe(titleKey("ai代读(1)"));
  });
});
