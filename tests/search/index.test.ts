import { describe, expect, it } from "vitest";
import type { ArticleMeta } from "../../src/library/article.ts";
import { Library } from "../../src/library/library.ts";
import { nothingFound, SearchIndex } from "../../src/search/index.ts";
import { IndexBuilder, packIndex } from "../../src/search/builder.ts";
import { deserializeIndex, mergeIndex, serializeIndex } from "../../src/search/packed.ts";
import { documentTerms } from "../../src/search/terms.ts";
import { fixtureLibrary, loadSnapshot } from "../helpers/bot.ts";

const { library, index } = await loadSnapshot(fixtureLibrary());
const titles = (q: string) => index.search(q, { limit: 5 }).hits.map((h) => h.article.title);

describe("SearchIndex", () => {
  it("matches Latin words inside Chinese text case-insensitively, by prefix and with a typo", () => {
    expect(titles("robotaxi")).toEqual(["萝卜跑起来"]);
    expect(titles("ROBO")).toEqual(["萝卜跑起来"]);
    expect(titles("Robotaxy")).toEqual(["萝卜跑起来"]);
  });

  it("does not match Chinese fuzzily: a different character is a different word", () => {
    expect(index.search("照像机").lowConfidence || index.search("照像机").total === 0).toBe(true);
  });

  it("ranks a title match above a body match", () => {
    expect(titles("呼吸机")[0]).toBe("呼吸机答疑");
  });

  it("ranks a digest post below the article it lists", () => {
    expect(titles("萝卜跑起来")).toEqual(["萝卜跑起来", "2024年7月文章一览"]);
  });

  it("pages through the ranked hits without overlap", () => {
    const all = index.search("随笔", { limit: 10 }).hits.map((h) => h.article.id);
    const pages = [0, 2].flatMap((offset) => index.search("随笔", { offset, limit: 2 }).hits.map((h) => h.article.id));
    expect(pages).toEqual(all);
  });

  it("round-trips through its persisted form with identical results", () => {
    const packed = deserializeIndex(serializeIndex(packIndex(docsOf()), { fingerprint: "x" }))!;
    expect(packed.extra).toEqual({ fingerprint: "x" });
    const restored = SearchIndex.fromPacked(library, packed.index);
    for (const q of ["照相机", "随笔", "robo", "Robotaxy", "墨荷", "猫"])
      expect(restored.search(q, { limit: 5 })).toEqual(index.search(q, { limit: 5 }));
  });

  it("merges new articles into a packed index exactly as a full build would (postings copied as they are)", () => {
    const docs = docsOf();
    const [last, ...rest] = [...docs].reverse();
    const merged = SearchIndex.fromPacked(
      library,
      mergeIndex(packIndex(rest.reverse()), () => true, packIndex([last!])),
    );
    for (const q of ["照相机", "随笔", "robo", "墨荷", "猫", last!.terms.title.split(" ")[0]!])
      expect(merged.search(q, { limit: 5 }), q).toEqual(index.search(q, { limit: 5 }));
  });

  it("merges changed articles into a packed index exactly as a full build would", () => {
    const docs = docsOf();
    const [changed, ...rest] = docs;
    const stale = packIndex([
      { ...changed!, terms: documentTerms({ title: "旧标题", summary: "", body: "旧的正文" }) },
      ...rest,
    ]);
    const merged = SearchIndex.fromPacked(
      library,
      mergeIndex(stale, (id) => id !== changed!.id, packIndex([changed!])),
    );
    for (const q of ["照相机", "随笔", "robo", "墨荷", "旧标题", docs[0]!.terms.title.split(" ")[0]!]) {
      expect(merged.search(q, { limit: 5 }), q).toEqual(index.search(q, { limit: 5 }));
    }
  });
});

const docsOf = () =>
  library.articles.map((a) => ({ id: a.id, terms: documentTerms({ ...a, body: library.body(a.id) }) }));

describe("building", () => {
  const many: ArticleMeta[] = Array.from({ length: 3000 }, (_, i) => ({
    id: `a${i}`,
    title: i === 7 ? "视频的独特" : `标题${i}`,
    date: "2024-01-01",
    summary: "",
  }));
  const large = new Library(
    many.map((a, i) => ({
      ...a,
      body: i % 2 === 0 ? "视频视频，视频的价值。" : i % 3 === 0 ? "别的内容和视频" : "别的内容",
    })),
  );
  const largeDocs = large.articles.map((a) => ({ id: a.id, terms: documentTerms({ ...a, body: large.body(a.id) }) }));

  it("drops body terms found in more than a fifth of a large library, but keeps them in titles", () => {
    const idx = SearchIndex.build(large);
    expect(idx.search("视频", { limit: 5 }).hits.map((h) => h.article.title)).toEqual(["视频的独特"]);
  });

  it("packs in bounded segments exactly what it packs in one go, pruning by the counts of all segments", () => {
    for (const [docs, postings] of [
      [docsOf(), 97],
      [docsOf(), 1],
      [largeDocs, 5000],
    ] as const) {
      const whole = new IndexBuilder(Number.MAX_SAFE_INTEGER);
      const segmented = new IndexBuilder(postings);
      for (const d of docs) whole.add(d.id, d.terms), segmented.add(d.id, d.terms);
      expect(segmented.finish()).toEqual(whole.finish());
    }
  });
});

describe("SearchIndex limited to accounts or an author (a group's 「设置 公众号」, a name typed first)", async () => {
  const { index: several } = await loadSnapshot(fixtureLibrary("accounts"));
  const hitsOf = (q: string, page: { accounts?: readonly string[]; author?: string }) =>
    several.search(q, { limit: 50, ...page }).hits.map((h) => h.article);
  const accountsOf = (q: string, page: { accounts?: readonly string[] }) =>
    [...new Set(hitsOf(q, page).map((a) => a.account))].sort();

  it("finds only the listed accounts' articles", () => {
    expect(accountsOf("房价", {}).length).toBeGreaterThan(1);
    expect(accountsOf("房价", { accounts: ["九边"] })).toEqual(["九边"]);
    expect(accountsOf("房价", { accounts: ["九边", "槽边往事"] }).every((a) => a === "九边" || a === "槽边往事")).toBe(
      true,
    );
    expect(several.search("房价", { accounts: [] }).total).toBe(0);
  });

  it("finds only the author's articles", () => {
    const all = hitsOf("朋友", {});
    expect(all.some((a) => a.author !== "和菜头")).toBe(true);
    const his = hitsOf("朋友", { author: "和菜头" });
    expect(his.length).toBeGreaterThan(0);
    expect(his.every((a) => a.author === "和菜头")).toBe(true);
  });
});

describe("how central a word is, and passing mentions", () => {
  const filler = [
    "阳台上晾着衣服，邻居在楼下喊人吃饭。",
    "今天下雨，路上的车开得很慢。",
    "我们在咖啡馆坐了一下午，聊起了旧事。",
  ];
  const text = (sentences: string[]) =>
    Array.from({ length: 8 }, (_, i) => sentences[i % sentences.length]).join("\n\n");
  const article = (id: string, title: string, body: string): ArticleMeta & { body: string } => ({
    id,
    title,
    date: "2024-01-01",
    summary: "",
    body,
  });
  const articles = [
    article("passing-1", "雨天", text([...filler, "窗台上那盆多肉是去年买的。"])),
    article("passing-2", "旧事", text([...filler, "朋友送过我一盆多肉。"])),
    article(
      "about",
      "阳台小记",
      text([
        "多肉要少浇水，多晒太阳。",
        "新手养多肉，最怕的是浇水太勤。",
        "新手常问多肉的叶子为什么发软：水多了。",
        ...filler,
      ]),
    ),
    article("cat", "午后", text(["猫在阳台上晒太阳。", "猫不喜欢下雨天。", "猫又胖了。", ...filler])),
    article("once", "一次散步", text([...filler, "路边有只猫。"])),
    ...Array.from({ length: 20 }, (_, i) => article(`other-${i}`, `杂记${i}`, text(filler))),
  ];
  const lib = new Library(articles);
  const search = SearchIndex.build(lib);

  it("ranks the article a word keeps coming back to above one that names it once", () => {
    const ids = search.search("猫 下雨", { limit: 10 }).hits.map((h) => h.article.id);
    expect(ids[0]).toBe("cat");
    expect(ids).toContain("once");
  });

  it("answers with the article about what was asked", () => {
    const r = search.search("新手怎么养多肉，浇水多久一次");
    expect(r.lowConfidence && !r.tentative).toBe(false);
    expect(r.hits[0]!.article.id).toBe("about");
  });

  it("says 没有找到 to a how-to question whose words an article only names on the way to something else", () => {
    const mentions = {
      ...article("mentions", "装修日记", text([...filler, "新手装修，阳台上摆了几盆多肉，这次先不浇水。"])),
      account: "装修号",
    };
    const library = new Library([mentions, ...articles.filter((a) => a.id.startsWith("other-"))]);
    const index = SearchIndex.build(library);
    expect(nothingFound(index.search("新手怎么养多肉，浇水多久一次"))).toBe(true);
    // The same words as keywords find the article that has them all; so does the question asked of its account.
    expect(index.search("新手 多肉 浇水").hits[0]!.article.id).toBe("mentions");
    const scoped = index.search("新手怎么养多肉，浇水多久一次", { accounts: ["装修号"] });
    expect(nothingFound(scoped)).toBe(false);
    expect(scoped.hits[0]!.article.id).toBe("mentions");
  });

  it("answers a how-to question with the article about it, or 没有找到: never a list of guesses", () => {
    // The article about 多肉 says nothing of 过冬: as keywords that is a fair guess, as a how-to it is no answer.
    expect(search.search("多肉 过冬")).toMatchObject({ lowConfidence: true, tentative: true });
    expect(nothingFound(search.search("多肉怎么过冬"))).toBe(true);
  });

  it("shows a passing match as a guess only within the account the reader named", () => {
    const aside = {
      ...article("aside", "旧事", text([...filler, "窗台上那盆多肉，我一个月才浇水一次。"])),
      account: "杂记号",
    };
    // Enough other articles that a match this weak could be chance.
    const others = Array.from({ length: 300 }, (_, i) => article(`diary-${i}`, `日记${i}`, text(filler)));
    const index = SearchIndex.build(new Library([aside, ...others]));
    const query = "那盆多肉后来死了";
    expect(nothingFound(index.search(query))).toBe(true);
    const scoped = index.search(query, { accounts: ["杂记号"] });
    expect(scoped).toMatchObject({ lowConfidence: true, tentative: true });
    expect(scoped.hits[0]!.article.id).toBe("aside");
  });

  it("says 没有找到 when the best hit only mentions part of the query in passing", () => {
    const without = new Library(articles.filter((a) => a.id !== "about"));
    const r = SearchIndex.build(without).search("新手怎么养多肉，浇水多久一次");
    expect(r.total).toBeGreaterThan(0);
    expect(r.lowConfidence && !r.tentative).toBe(true);
  });
});
