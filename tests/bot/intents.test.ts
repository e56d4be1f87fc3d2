import { describe, expect, it } from "vitest";
import { readIntent, narrowToScope } from "../../src/bot/intents.ts";
import type { ArticleMeta } from "../../src/library/article.ts";
import { Library } from "../../src/library/library.ts";

const article = (id: string, account: string, author?: string): ArticleMeta => ({
  id,
  title: id,
  date: "2024-01-01",
  summary: "",
  account,
  author,
});
const several = new Library([
  article("a", "槽边往事", "和菜头"),
  article("b", "九边"),
  article("c", "看理想"),
  article("d", "记忆承载"),
  article("e", "记忆承载3"),
  article("f", "三联生活周刊"),
]);
const single = new Library([article("a", "槽边往事", "和菜头")]);

describe("reading what a reader means before searching", () => {
  it.each([
    "最近写了什么",
    "最新写了什么？",
    "最近有什么新文章",
    "最近更新了什么",
    "最新文章",
    "最近的文章",
    "有新文章吗",
    "最近写了啥",
  ])("%s → the latest articles", (text) => {
    expect(readIntent(text, several)).toEqual({ kind: "latest" });
  });

  it.each(["随便来一篇", "随便看看", "随机来一篇", "来一篇", "推荐一篇", "给我来一篇吧", "随便推荐一篇文章"])(
    "%s → a random article",
    (text) => {
      expect(readIntent(text, several)).toEqual({ kind: "random" });
    },
  );

  it("the author's name alone → that author's latest; an account's name alone → that account's latest", () => {
    expect(readIntent("和菜头", several)).toEqual({ kind: "latestOf", author: "和菜头" });
    expect(readIntent("九边", several)).toEqual({ kind: "latestOf", account: "九边" });
    expect(readIntent("槽边往事", single)).toEqual({ kind: "latestOf", account: "槽边往事" });
    expect(readIntent("九边最近写了什么", several)).toEqual({ kind: "latestOf", account: "九边" });
    expect(readIntent("记忆承载 最新文章", several)).toEqual({ kind: "latestOf", account: "记忆承载" });
    expect(readIntent("三联 最新文章", several)).toEqual({ kind: "latestOf", account: "三联生活周刊" });
    expect(readIntent("和菜头最近写了什么", several)).toEqual({ kind: "latestOf", author: "和菜头" });
  });

  it.each([
    ["有没有讲猫的", "猫"],
    ["有没有讲猫弟的文章", "猫弟"],
    ["关于大理的", "大理"],
    ["关于春节的文章", "春节"],
    ["写过父亲吗", "父亲"],
  ])("%s → a search for %s", (text, topic) => {
    expect(readIntent(text, several)).toEqual({ kind: "search", query: topic });
  });

  it("an account's name first narrows the search to that account when the library holds several", () => {
    const jiubian = { label: "九边", accounts: ["九边"] };
    expect(readIntent("九边 房价", several)).toEqual({ kind: "search", query: "房价", scope: jiubian });
    expect(readIntent("九边的房价", several)).toEqual({ kind: "search", query: "房价", scope: jiubian });
    expect(readIntent("槽边往事里有没有讲猫的", several)).toEqual({
      kind: "search",
      query: "猫",
      scope: { label: "槽边往事", accounts: ["槽边往事"] },
    });
    expect(narrowToScope("槽边往事 猫", single)).toEqual({ query: "槽边往事 猫" });
  });

  it("a particle after the name is dropped only when it is not the start of the topic's word", () => {
    expect(readIntent("九边 中国", several)).toMatchObject({ query: "中国", scope: { accounts: ["九边"] } });
    expect(readIntent("九边中国", several)).toMatchObject({ query: "中国" });
    expect(readIntent("九边上海房价", several)).toMatchObject({ query: "上海房价" });
    expect(readIntent("九边里面讲房价的", several)).toMatchObject({ query: "讲房价的" });
    expect(readIntent("九边中的房价", several)).toMatchObject({ query: "的房价" });
  });

  it("the first word of an account's name, followed by a space, scopes like the name; a name that starts several accounts means them all", () => {
    expect(readIntent("三联 骑行事故", several)).toEqual({
      kind: "search",
      query: "骑行事故",
      scope: { label: "三联生活周刊", accounts: ["三联生活周刊"] },
    });
    expect(readIntent("记忆承载 丁宝桢", several)).toEqual({
      kind: "search",
      query: "丁宝桢",
      scope: { label: "记忆承载", accounts: ["记忆承载", "记忆承载3"] },
    });
    expect(readIntent("记忆承载3 丁宝桢", several)).toMatchObject({ scope: { accounts: ["记忆承载3"] } });
    expect(readIntent("三联骑行", several)).toEqual({ kind: "search", query: "三联骑行" });
  });

  it("an author's name (or its short form) first scopes the search to that author", () => {
    const his = { label: "和菜头", author: "和菜头" };
    expect(readIntent("和菜头 冥想", several)).toEqual({ kind: "search", query: "冥想", scope: his });
    expect(readIntent("和菜头写猫的那篇", several)).toEqual({ kind: "search", query: "写猫的那篇", scope: his });
    expect(readIntent("菜头 冥想", several)).toEqual({ kind: "search", query: "冥想", scope: his });
  });

  it("ordinary searches stay searches", () => {
    for (const text of ["最新消息", "随机数字", "照相机和绘画", "萝卜快跑", "新冠", "谈点", "说话的艺术", "关于"])
      expect(readIntent(text, several), text).toMatchObject({ kind: "search", query: text });
  });
});
