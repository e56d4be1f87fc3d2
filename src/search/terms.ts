import type { Article } from "../library/article.ts";
import { markdownToText } from "../library/markdown.ts";
import { keywordExtractor, segmenter } from "./segmenter.ts";
import { bigrams, foldCase, normalize, splitRuns, tokenize, tokenizeProse } from "./tokenize.ts";

/** The indexed fields of an article. */
export const FIELDS = ["title", "zen", "tags", "summary", "keywords"] as const;
export type Field = (typeof FIELDS)[number];

/**
 * The search terms of one article, per field: distinct terms joined by
 * spaces (terms never contain one). One string per field rather than an
 * array of small strings keeps 100,000 articles' terms in a few hundred MB.
 */
export type DocTerms = Record<Field, string>;

/** How many TF-IDF keywords represent a body: enough for topics, few enough for 100k articles. */
export const BODY_KEYWORDS = 100;

/**
 * Terms of an article. Short fields (title, zen title, tags) get single
 * characters, bigrams and words, so any fragment of a title matches; the
 * summary gets words and their bigrams; the body is represented by its keywords
 * (and their bigrams) rather than every bigram, which keeps the index small.
 */
export function documentTerms(a: Pick<Article, "title" | "zen" | "tags" | "summary" | "body">, keywords = BODY_KEYWORDS): DocTerms {
  const dense = (text: string) => joined(tokenize(text, { unigrams: true, words: true }));
  return {
    title: dense(a.title),
    zen: dense(a.zen?.title ?? ""),
    tags: dense((a.tags ?? []).join(" ")),
    summary: joined(tokenizeProse(a.summary)),
    keywords: joined(bodyKeywords(a.body, keywords).flatMap(keywordTerms)),
  };
}

/** A keyword and, for Han keywords, its bigrams, so a query's bigrams meet it. */
function keywordTerms(keyword: string): string[] {
  if (splitRuns(keyword).every((r) => r.kind === "latin")) return [keyword];
  return [...new Set([...bigrams(keyword), ...([...keyword].length !== 2 ? [keyword] : [])])];
}

/**
 * The words that characterise a body: jieba's TF-IDF keywords plus every
 * Latin word (names like Midjourney are rare and matter to searchers).
 */
export function bodyKeywords(body: string, k: number): string[] {
  const text = markdownToText(body);
  const words = keywordExtractor()
    .extractKeywords(segmenter(), text, k)
    .map((w) => w.keyword)
    .filter((w) => /\p{Script=Han}/u.test(w));
  const latin = splitRuns(foldCase(text)).filter((r) => r.kind === "latin" && !/^\d+$/.test(r.text));
  // One conversion of the joined keywords is far cheaper than one per keyword.
  const simplified = normalize(words.join(" ")).split(" ");
  return unique([...simplified, ...latin.map((r) => r.text)]);
}

function unique(tokens: string[]): string[] {
  return [...new Set(tokens)];
}

function joined(tokens: string[]): string {
  return unique(tokens).join(" ");
}
