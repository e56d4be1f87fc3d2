import { Jieba } from "@node-rs/jieba";
import { dict, idf } from "@node-rs/jieba/dict.js";
import { WordWeights } from "./word-weights.ts";

let jieba: Jieba | undefined;
let weights: WordWeights | undefined;

/** The weight of a word jieba's table does not list (an unknown name like 猫弟): near the table's median (11.95), like its rare words. */
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
 * jieba's reference corpus (的 0.9, 世界 4.4, 面罩 10.1; words the table
 * does not list weigh like its rare words).
 */
export function wordWeight(word: string): number {
  weights ??= new WordWeights(idf);
  return weights.get(word) ?? UNKNOWN_IDF;
}
