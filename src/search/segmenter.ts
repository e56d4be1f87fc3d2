import { Jieba, TfIdf } from "@node-rs/jieba";
import { dict, idf } from "@node-rs/jieba/dict.js";

let jieba: Jieba | undefined;
let weigher: TfIdf | undefined;

/** The weight of a word jieba would split (an unknown name like 猫弟): such words are rare. */
const UNKNOWN_IDF = 11.7;

/**
 * The shared jieba segmenter. Loading its dictionary takes ~0.2 s, so it
 * is created on first use and kept: it is immutable, like a lookup table.
 */
export function segmenter(): Jieba {
  jieba ??= Jieba.withDict(dict);
  return jieba;
}

/**
 * How much a word says about a text: its inverse document frequency in
 * jieba's reference corpus (的 0.9, 世界 4.4, 面罩 10.1; unknown words get
 * the table's median, like rare words). Read through jieba's own TF-IDF
 * table: TF-IDF of a one-word text is the word's IDF.
 */
export function wordWeight(word: string): number {
  if (!weigher) {
    weigher = TfIdf.withDict(idf);
    // Every word counts, stop words and single characters too.
    weigher.setConfig({ minKeywordLength: 1, stopWords: new Set() });
  }
  const [top] = weigher.extractKeywords(segmenter(), word, 1);
  return top?.keyword === word ? top.weight : UNKNOWN_IDF;
}
