import { Jieba, TfIdf } from "@node-rs/jieba";
import { dict, idf } from "@node-rs/jieba/dict.js";

let jieba: Jieba | undefined;
let tfidf: TfIdf | undefined;

/**
 * The shared jieba segmenter. Loading its dictionary takes ~0.2 s, so it
 * is created on first use and kept: it is immutable, like a lookup table.
 */
export function segmenter(): Jieba {
  jieba ??= Jieba.withDict(dict);
  return jieba;
}

/** The TF-IDF keyword extractor over jieba's bundled IDF table. */
export function keywordExtractor(): TfIdf {
  tfidf ??= TfIdf.withDict(idf);
  return tfidf;
}
