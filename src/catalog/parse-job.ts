import { documentTerms, type DocTerms } from "../search/terms.ts";
import type { Article, ArticleMeta } from "../library/article.ts";
import { forEachLimited } from "../util/limit.ts";
import { parseArticleFile, type LoadProblem } from "../library/load.ts";

/** What indexing needs of one article file: its metadata and its search terms (the body is dropped). */
export interface ParsedForIndex {
  meta: ArticleMeta;
  terms: DocTerms;
}

/**
 * Parse one article file and compute its search terms. This is the costly
 * part of indexing (jieba's keyword extraction), so it is what runs in
 * worker threads (see parse-pool.ts); the result is plain data.
 */
export async function parseForIndex(root: string, relPath: string): Promise<ParsedForIndex | LoadProblem> {
  const result = await parseArticleFile(root, relPath);
  if (!("body" in result)) return result;
  return { meta: withoutBody(result), terms: documentTerms(result) };
}

/** Parse files under `root` with up to `concurrency` reads in flight; one result per file, in order. */
export async function parseFiles(
  root: string,
  files: readonly string[],
  concurrency: number,
): Promise<Array<ParsedForIndex | LoadProblem>> {
  const results: Array<ParsedForIndex | LoadProblem> = new Array(files.length);
  await forEachLimited(files, concurrency, async (file, i) => {
    results[i] = await parseForIndex(root, file);
  });
  return results;
}

function withoutBody(article: Article): ArticleMeta {
  const { body: _, ...meta } = article;
  return meta;
}
