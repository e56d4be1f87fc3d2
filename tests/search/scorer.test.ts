import { readFileSync } from "node:fs";
import MiniSearch, { type Options, type SearchResult as MiniResult } from "minisearch";
import { describe, expect, it } from "vitest";
import { isDigest, Library } from "../../src/library/library.ts";
import { loadLibrary } from "../../src/library/load.ts";
import { coverage } from "../../src/search/coverage.ts";
import type { JudgedQuery } from "../../src/search/evaluate.ts";
import { BOOST, DIGEST_FACTOR, RELATIVE_COVERAGE, roundScore, SearchIndex } from "../../src/search/index.ts";
import { packIndex } from "../../src/search/builder.ts";
import { parseQuery, type ParsedQuery } from "../../src/search/query.ts";
import { PackedScorer, type ScoredTerm } from "../../src/search/scorer.ts";
import { documentTerms, FIELDS, type DocTerms } from "../../src/search/terms.ts";
import { isLatinToken } from "../../src/search/tokenize.ts";
import { BUNDLED_LIBRARY, fixtureLibrary } from "../helpers/bot.ts";

/**
 * The scorer replaced minisearch's search (one result object per match,
 * 15–60 ms for a long description on the real archive) and the full sort
 * of every match. These specs hold it to what minisearch computed and to
 * the order the full sort gave, over every judged query of two libraries.
 */
interface Doc {
  id: string;
  terms: DocTerms;
}

/**
 * minisearch over the same terms, as the index used it before the scorer:
 * over the packed dictionary, which visits prefix and fuzzy matches in
 * sorted order (minisearch's radix tree: in insertion order, so sums of
 * the same weights may differ in the last bit) and takes fuzzy candidates
 * among the terms sharing the first letter only.
 */
class Reference extends MiniSearch<Doc> {
  constructor(docs: Doc[]) {
    super(referenceOptions);
    this.addAll(docs);
    // minisearch averages field lengths incrementally; the packed index sums them. Same value, up to the last bit.
    const n = docs.length;
    this._avgFieldLength = FIELDS.map(
      (f) => docs.reduce((sum, d) => sum + (d.terms[f] === "" ? 0 : d.terms[f].split(" ").length), 0) / n,
    );
    const tree = this._index;
    const sorted = <T>(entries: Iterable<[string, T]>) => [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    this._index = Object.assign(Object.create(tree) as typeof tree, {
      atPrefix: (prefix: string) => sorted(tree.atPrefix(prefix)),
      fuzzyGet: (term: string, distance: number) =>
        new Map(sorted(tree.fuzzyGet(term, distance)).filter(([t]) => t[0] === term[0])),
    });
  }

  /** Every match of the query terms, before minisearch sorts them by score: in the order they were met. */
  matches(tokens: string[]): Array<{ id: string; score: number; terms: string[] }> {
    const execute = (
      this as unknown as { executeQuery(q: string, o: object): Map<number, { score: number; terms: string[] }> }
    ).executeQuery;
    // Scored as minisearch's search scores them: times the number of query terms matched.
    return [...execute.call(this, tokens.join(" "), minisearchOptions())].map(([short, r]) => ({
      id: this._documentIds.get(short),
      score: r.score * (r.terms.length || 1),
      terms: r.terms,
    }));
  }
}

const referenceOptions: Options<Doc> = {
  fields: [...FIELDS],
  storeFields: [],
  extractField: (doc, field) => (field === "id" ? doc.id : doc.terms[field as keyof DocTerms]),
  tokenize: (text) => text.split(" ").filter(Boolean),
  processTerm: (term) => term,
};

const judged = (name: string) =>
  (JSON.parse(readFileSync(new URL(`../fixtures/search/${name}`, import.meta.url), "utf8")) as JudgedQuery[]).map(
    (j) => j.query,
  );
const libraries = [
  {
    name: "four real accounts",
    library: new Library((await loadLibrary(fixtureLibrary("accounts"))).articles),
    queries: judged("judged-accounts.json"),
  },
  {
    name: "the bundled library",
    library: new Library((await loadLibrary(BUNDLED_LIBRARY)).articles),
    queries: [...judged("judged-queries.json"), ...judged("judged-blind.json")],
  },
];
const docsOf = (library: Library): Doc[] =>
  library.articles.map((a) => ({ id: a.id, terms: documentTerms({ ...a, body: library.body(a.id) }) }));
/** The index's rules for prefix and fuzzy matching (a one-character query's expansion is checked by the ranking spec). */
const scored = (tokens: string[], wordStart?: string): ScoredTerm[] =>
  tokens.map((t) => ({
    term: t,
    prefix: isLatinToken(t) ? t.length >= 3 : t === wordStart,
    fuzzy: isLatinToken(t) && t.length >= 4 ? 0.2 : 0,
  }));
const minisearchOptions = (wordStart?: string) => ({
  tokenize: (s: string) => s.split(" "),
  prefix: (t: string) => (isLatinToken(t) ? t.length >= 3 : t === wordStart),
  fuzzy: (t: string) => (isLatinToken(t) && t.length >= 4 ? 0.2 : false),
  combineWith: "OR" as const,
  boost: BOOST,
});

/**
 * The ranking as computed before the scorer: minisearch's results (sorted
 * by its score), kept when they cover at least half of what the best
 * covers, scored by coverage², sorted by rounded score then date.
 */
function referenceRanking(mini: Reference, library: Library, query: ParsedQuery, accounts?: ReadonlySet<string>) {
  const only =
    query.tokens.length === 1 && !isLatinToken(query.tokens[0]!) && [...query.tokens[0]!].length === 1
      ? query.tokens[0]
      : undefined;
  const results = mini.search(query.tokens.join(" "), {
    ...minisearchOptions(only),
    ...(accounts === undefined
      ? {}
      : { filter: (r: MiniResult) => accounts.has(library.get(r.id as string)?.account ?? "") }),
  });
  const covered = results.map((r) => coverage(query, r.queryTerms));
  const floor = Math.max(0, ...covered) * RELATIVE_COVERAGE;
  return results
    .map((r, i) => {
      const article = library.get(r.id as string)!;
      const score = r.score * covered[i]! * covered[i]! * (isDigest(article) ? DIGEST_FACTOR : 1);
      return {
        id: article.id,
        date: article.date,
        score,
        rounded: roundScore(score),
        coverage: covered[i]!,
        matched: r.queryTerms,
      };
    })
    .filter((c) => c.coverage >= floor)
    .sort((a, b) => b.rounded - a.rounded || (a.date < b.date ? 1 : a.date > b.date ? -1 : 0));
}

describe.each(libraries)("the packed scorer over $name", ({ library, queries }) => {
  const docs = docsOf(library);
  const reference = new Reference(docs);
  const scorer = new PackedScorer(packIndex(docs), BOOST);

  it("finds exactly minisearch's matches, with its scores to the last bit and its matched terms, in its order", () => {
    const latin = ["robotaxi", "robotaxy", "robo", "ai", "chatgpt", "iphone", "midjourny"];
    for (const raw of [...queries, ...latin]) {
      const tokens = parseQuery(raw).tokens;
      if (tokens.length === 0) continue;
      const m = scorer.match(scored(tokens));
      const ours = Array.from(m.docs.subarray(0, m.count), (d) => ({
        id: docs[d]!.id,
        score: m.score[d],
        terms: tokens.filter((_, i) => (m.matched[d * m.words + (i >> 5)]! >>> (i % 32)) & 1),
      }));
      expect(ours, raw).toEqual(reference.matches(tokens));
    }
  });
});

describe.each(libraries)("the ranking over $name", ({ library, queries }) => {
  const docs = docsOf(library);
  const reference = new Reference(docs);
  const index = SearchIndex.build(library);
  const accounts = [...new Set(library.articles.map((a) => a.account ?? ""))];

  it("is the full sort of every match, page by page: the same articles, scores, coverage and count", () => {
    for (const raw of [...queries, "猫", "人", "robo"]) {
      const all = referenceRanking(reference, library, index.parse(raw));
      for (const [offset, limit] of [
        [0, 3],
        [3, 3],
        [0, 10],
        [7, 5],
      ] as const) {
        const r = index.search(raw, { offset, limit });
        expect(r.total, raw).toBe(all.length);
        expect(
          r.hits.map((h) => ({ id: h.article.id, score: h.score, coverage: h.coverage, matched: h.matched })),
          `${raw} @${offset}`,
        ).toEqual(
          all
            .slice(offset, offset + limit)
            .map(({ id, score, coverage, matched }) => ({ id, score, coverage, matched })),
        );
      }
    }
  });

  it("narrowed to one account or a set of them, is the full sort of their matches", () => {
    const narrowings = [...accounts.map((a) => ({ accounts: [a] })), { accounts: accounts.slice(0, 2) }];
    for (const narrowing of narrowings) {
      for (const raw of queries.slice(0, 60)) {
        const all = referenceRanking(reference, library, index.parse(raw), new Set(narrowing.accounts));
        const r = index.search(raw, { limit: 5, ...narrowing });
        expect(r.total, raw).toBe(all.length);
        expect(
          r.hits.map((h) => h.article.id),
          `${JSON.stringify(narrowing)}: ${raw}`,
        ).toEqual(all.slice(0, 5).map((c) => c.id));
      }
    }
  });
});

describe("ties", () => {
  it("between near-equal scores of one day keep minisearch's order: the higher exact score first", () => {
    // Same day, one word in bodies of slightly different lengths (in distinct words): scores within 1 % round to the same value.
    const words = (n: number) => Array.from({ length: n }, (_, j) => `word${j}`).join(" ");
    const library = new Library(
      Array.from({ length: 12 }, (_, i) => ({
        id: `a${i}`,
        title: `标题${i}`,
        date: "2024-05-01",
        summary: "",
        body: `萝卜快跑。${words(40 + ((i * 7) % 12))}`,
      })),
    );
    const all = referenceRanking(new Reference(docsOf(library)), library, parseQuery("萝卜快跑"));
    const ties = all.filter((c, i) => i > 0 && c.rounded === all[i - 1]!.rounded && c.score !== all[i - 1]!.score);
    expect(ties.length).toBeGreaterThan(0);
    const index = SearchIndex.build(library);
    expect(index.search("萝卜快跑", { limit: 12 }).hits.map((h) => h.article.id)).toEqual(all.map((c) => c.id));
    expect(index.search("萝卜快跑", { offset: 4, limit: 4 }).hits.map((h) => h.article.id)).toEqual(
      all.slice(4, 8).map((c) => c.id),
    );
  });
});
