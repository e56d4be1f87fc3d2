import MiniSearch from "minisearch";
import type { Article } from "../library/article.ts";
import { isDigest, type Library } from "../library/library.ts";
import { markdownToText } from "../library/markdown.ts";
import { parseQuery, type ParsedQuery } from "./query.ts";
import { keywordExtractor, segmenter } from "./segmenter.ts";
import { foldCase, isLatinToken, normalize, splitRuns, tokenize } from "./tokenize.ts";

/** One matching article. */
export interface SearchHit {
  article: Article;
  score: number;
  /** Query tokens this article matched. */
  matched: string[];
  /** Share of the query's characters covered by matched tokens, 0..1. */
  coverage: number;
}

/** The answer to one query. */
export interface SearchResult {
  query: ParsedQuery;
  /** Number of matching articles (all pages). */
  total: number;
  /** The requested page of hits, best first. */
  hits: SearchHit[];
  /** True when the best hit shares too little with the query to be trusted. */
  lowConfidence: boolean;
}

/** Tuning of the index. */
export interface IndexOptions {
  /** How many TF-IDF keywords of each body are indexed (the body itself is not). */
  bodyKeywords?: number;
}

const FIELDS = ["title", "zen", "tags", "summary", "keywords"] as const;
type Field = (typeof FIELDS)[number];
const BOOST: Record<Field, number> = { title: 6, zen: 3, tags: 3, summary: 1.5, keywords: 1 };
/** Below this share of the query covered, the best hit is not trusted. */
const MIN_COVERAGE = 0.5;
/** Hits covering less than this share of the best hit's coverage are noise, not answers. */
const RELATIVE_COVERAGE = 0.5;
/** Digest posts list many titles; they must not outrank the articles they list. */
const DIGEST_FACTOR = 0.2;

/**
 * Full-text search over a library with minisearch. Titles, zen titles and
 * tags are indexed densely (single characters, bigrams, words); bodies are
 * represented by their TF-IDF keywords so the index stays small at
 * hundreds of thousands of articles.
 */
export class SearchIndex {
  private constructor(
    private readonly library: Library,
    private readonly mini: MiniSearch<IndexedDoc>,
  ) {}

  /** Index every article of `library`. */
  static build(library: Library, options: IndexOptions = {}): SearchIndex {
    const mini = createMiniSearch();
    const k = options.bodyKeywords ?? 60;
    mini.addAll(library.articles.map((a) => toIndexedDoc(a, k)));
    return new SearchIndex(library, mini);
  }

  /** Number of indexed articles. */
  get size(): number {
    return this.mini.documentCount;
  }

  /** Search; `offset`/`limit` select a page of the ranked hits. */
  search(raw: string, page: { offset?: number; limit?: number } = {}): SearchResult {
    const query = parseQuery(raw);
    const offset = page.offset ?? 0;
    const limit = page.limit ?? 3;
    if (query.tokens.length === 0) return { query, total: 0, hits: [], lowConfidence: false };
    const ranked = this.rank(query);
    const lowConfidence = ranked.length > 0 && ranked[0]!.coverage < MIN_COVERAGE;
    return { query, total: ranked.length, hits: ranked.slice(offset, offset + limit), lowConfidence };
  }

  private rank(query: ParsedQuery): SearchHit[] {
    const results = this.mini.search(query.tokens.join(" "), {
      tokenize: (s) => s.split(" "),
      prefix: (t) => isLatinToken(t) && t.length >= 2,
      fuzzy: (t) => (isLatinToken(t) && t.length >= 4 ? 0.2 : false),
      combineWith: "OR",
      boost: BOOST,
    });
    const hits: SearchHit[] = [];
    for (const r of results) {
      const article = this.library.get(r.id as string);
      if (!article) continue;
      const matched = [...new Set(r.queryTerms)];
      const cov = coverage(query.phrases, matched);
      // Like Lucene's coordination factor: matching more of the query beats
      // matching one term many times.
      const demote = isDigest(article) ? DIGEST_FACTOR : 1;
      hits.push({ article, score: r.score * cov * cov * demote, matched, coverage: cov });
    }
    const best = Math.max(0, ...hits.map((h) => h.coverage));
    // Near-equal scores count as a tie, broken by recency.
    return hits
      .filter((h) => h.coverage >= best * RELATIVE_COVERAGE)
      .sort((a, b) => roundScore(b.score) - roundScore(a.score) || b.article.date.localeCompare(a.article.date));
  }
}

interface IndexedDoc {
  id: string;
  title: string;
  zen: string;
  tags: string;
  summary: string;
  keywords: string;
}

function createMiniSearch(): MiniSearch<IndexedDoc> {
  return new MiniSearch<IndexedDoc>({
    fields: [...FIELDS],
    storeFields: [],
    tokenize: (text, field) => tokenizeField(text, field as Field),
    processTerm: (term) => term,
  });
}

/** Dense tokens for short fields; bigrams and words for longer ones. */
function tokenizeField(text: string, field: Field): string[] {
  if (field === "keywords") return text.split(" ").flatMap((k) => tokenize(k, { words: true }));
  const short = field === "title" || field === "zen" || field === "tags";
  return tokenize(text, { unigrams: short, words: true });
}

function toIndexedDoc(a: Article, keywords: number): IndexedDoc {
  return {
    id: a.id,
    title: a.title,
    zen: a.zen?.title ?? "",
    tags: (a.tags ?? []).join(" "),
    summary: a.summary,
    keywords: bodyKeywords(a.body, keywords).join(" "),
  };
}

/**
 * The words that characterise a body: jieba's TF-IDF keywords plus every
 * Latin word (names like Midjourney are rare and matter to searchers).
 */
export function bodyKeywords(body: string, k: number): string[] {
  const text = markdownToText(body);
  const words = keywordExtractor()
    .extractKeywords(segmenter(), text, k)
    .map((w) => normalize(w.keyword));
  const latin = splitRuns(foldCase(text)).filter((r) => r.kind === "latin" && !/^\d+$/.test(r.text));
  return [...new Set([...words, ...latin.map((r) => r.text)])];
}

/**
 * The share of the query's characters that matched tokens cover: for Han
 * phrases, the characters inside any matched bigram or word; a Latin
 * phrase counts whole when its word matched (exactly, by prefix or fuzzily).
 */
export function coverage(phrases: string[], matched: string[]): number {
  let covered = 0;
  let total = 0;
  for (const phrase of phrases) {
    const chars = [...phrase];
    total += chars.length;
    const hit = new Array<boolean>(chars.length).fill(false);
    for (const token of matched) {
      const len = [...token].length;
      for (let i = phrase.indexOf(token); i >= 0; i = phrase.indexOf(token, i + 1)) {
        const start = [...phrase.slice(0, i)].length;
        hit.fill(true, start, start + len);
      }
    }
    covered += hit.filter(Boolean).length;
  }
  return total === 0 ? 0 : covered / total;
}

function roundScore(score: number): number {
  return Number(score.toPrecision(2));
}
