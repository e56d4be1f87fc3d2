import { Jieba, TfIdf } from "@node-rs/jieba";
import { dict, idf } from "@node-rs/jieba/dict.js";

let jieba: Jieba | undefined;
let tfidf: TfIdf | undefined;
let idfTable: Map<string, number> | undefined;

/** Weight of a word never seen in jieba's corpus: such words are rare, so they count like rare words. */
const UNKNOWN_IDF = 11.7;

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

/**
 * How much a word says about a text: its inverse document frequency in
 * jieba's reference corpus (的 0.9, 世界 4.4, 面罩 10.1). Loaded on first
 * use (~0.1 s) and kept, like the dictionary.
 */
export function wordWeight(word: string): number {
  idfTable ??= parseIdf(new TextDecoder().decode(idf));
  return idfTable.get(word) ?? UNKNOWN_IDF;
}

function parseIdf(text: string): Map<string, number> {
  const table = new Map<string, number>();
  for (const line of text.split("\n")) {
    const space = line.lastIndexOf(" ");
    if (space > 0) table.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return table;
}
