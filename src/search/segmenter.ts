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

/** Two characters weighing less than this on average (了我 ~1, 别老 5.6, 多肉 5.2, 猫弟 7.6) are grammar, not a name. */
const NAME_WEIGHT = 5;

/**
 * Whether two Han characters jieba leaves single side by side may be a
 * name it does not know (猫弟, 多肉) rather than grammar (了我, 就去):
 * by the average weight of the two characters.
 */
export function mayBeName(pair: string): boolean {
  return pairWeight(pair) >= NAME_WEIGHT;
}

/** A pair's weight: its characters' average (a name jieba does not know weighs like its characters, not like a rare word). */
export function pairWeight(pair: string): number {
  const [a, b] = [...pair];
  return (wordWeight(a!) + wordWeight(b!)) / 2;
}
