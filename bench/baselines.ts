import MiniSearch from "minisearch";
import type { Article } from "../src/library/article.ts";
import type { EngineAnswer } from "../src/search/evaluate.ts";
import { segmenter } from "../src/search/segmenter.ts";
import { foldCase } from "../src/search/tokenize.ts";

/**
 * minisearch as it comes: default tokenizer (splits on spaces and
 * punctuation), title and body indexed. The baseline every figure is
 * compared against.
 */
export function defaultMiniSearch(articles: readonly Article[]): (q: string) => EngineAnswer {
  const mini = new MiniSearch<Article>({ fields: ["title", "body"], storeFields: ["title"] });
  mini.addAll(articles);
  return (q) => ({
    titles: mini
      .search(q, { prefix: true, fuzzy: 0.2 })
      .slice(0, 10)
      .map((r) => r.title as string),
  });
}

/**
 * Plain minisearch over full bodies with a Chinese word segmenter: jieba's
 * search mode as the tokenizer for documents and queries, default BM25,
 * title and body. No Traditional Chinese, no confidence rule: what a
 * developer gets by adding jieba to minisearch and nothing else.
 */
export function jiebaMiniSearch(articles: readonly Article[]): (q: string) => EngineAnswer {
  const mini = new MiniSearch<Article>({ fields: ["title", "body"], storeFields: ["title"], tokenize: jiebaWords });
  mini.addAll(articles);
  return (q) => ({
    titles: mini
      .search(q, { prefix: (t) => /^[a-z]{3,}$/.test(t), fuzzy: (t) => (/^[a-z]{4,}$/.test(t) ? 0.2 : false) })
      .slice(0, 10)
      .map((r) => r.title as string),
  });
}

function jiebaWords(text: string): string[] {
  return segmenter()
    .cutForSearch(foldCase(text), true)
    .filter((w) => /[\p{L}\p{N}]/u.test(w));
}

/**
 * A naive linear scan: articles whose title or body contains the whole
 * query, titles first, newest first.
 */
export function linearScan(articles: readonly Article[]): (q: string) => EngineAnswer {
  return (q) => {
    const needle = q.trim().toLowerCase();
    if (!needle) return { titles: [] };
    const inTitle = articles.filter((a) => a.title.toLowerCase().includes(needle));
    const inBody = articles.filter((a) => !inTitle.includes(a) && a.body.toLowerCase().includes(needle));
    return { titles: [...inTitle, ...inBody].slice(0, 10).map((a) => a.title) };
  };
}
