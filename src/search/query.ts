import { mayBeName, segmenter, wordWeight } from "./segmenter.ts";
import { normalize, splitRuns, tokenize } from "./tokenize.ts";

/**
 * Words that people wrap around what they are looking for ("那篇讲…的文章是哪篇")
 * and that carry no topic. Removing them keeps long questions from matching
 * every article that says "文章" or "的".
 */
const FILLER = new Set(
  (
    "的 了 过 着 和 与 跟 及 是 在 讲 说 谈 聊 那 这 哪 篇 个 有 吗 呢 吧 啊 呀 么 嘛 就 都 也 还 又 我 你 他 她 它 们 一 把 被 给 对 " +
    "文章 篇文章 一篇 那篇 是哪篇 做  这篇 哪篇 有篇 哪一篇 那个 这个 哪个 记得 好像 似乎 之前 以前 曾经 那次 上次 关于 为什么 什么 怎么 怎样 如何 是不是 有没有 " +
    "和菜头 菜头 槽边往事 找 找找 找一下 搜 搜索 搜一下 查 查一下 推荐 想看 看看 帮我 请 一下 里面 提到 说过 写过 写 讲过 讲的 内容 东西 讲述 描写 谈到 主题 禅定时刻 题图"
  ).split(" "),
);

/** One word of a content phrase, weighted by how much it says. */
export interface QueryWord {
  /** Index into {@link ParsedQuery.phrases}. */
  phrase: number;
  /** Character offset and length inside that phrase. */
  start: number;
  length: number;
  /** Inverse document frequency: rare words weigh more than common ones. */
  weight: number;
}

/** How the bot read a query: the content it will look for. */
export interface ParsedQuery {
  /** The raw query. */
  raw: string;
  /** Content phrases left after removing filler, e.g. ["照相机", "绘画"]. */
  phrases: string[];
  /** The words of those phrases, for judging how much of the query a hit covers. */
  words: QueryWord[];
  /** Search tokens of those phrases (bigrams, words, Latin words). */
  tokens: string[];
}

/**
 * Parse a user query: normalise it, segment Han text with jieba, drop
 * filler words and keep the runs of content words as phrases. A query of
 * nothing but filler ("那篇文章") has no phrases: there is nothing to find.
 */
export function parseQuery(raw: string, knownPair: (pair: string) => boolean = () => true): ParsedQuery {
  const phrases: string[][] = [];
  for (const run of splitRuns(normalize(raw))) {
    if (run.kind === "latin") {
      phrases.push([run.text]);
      continue;
    }
    let current: string[] = [];
    // Without HMM, unknown words fall apart into characters, so filler glued
    // to a name (讲猫弟) is still recognised; content characters join up again.
    for (const word of segmenter().cut(run.text, false)) {
      if (!FILLER.has(word)) current.push(word);
      else if (current.length > 0) phrases.push(current), (current = []);
    }
    if (current.length > 0) phrases.push(current);
  }
  const texts = phrases.map((words) => words.join(""));
  const tokens = [...new Set(texts.flatMap((p) => tokenize(p, { words: true })))];
  return { raw, phrases: texts, words: weighWords(phrases, knownPair), tokens };
}

/** Spans and weights of every word; unknown names split into characters count as one word. */
function weighWords(phrases: string[][], knownPair: (pair: string) => boolean): QueryWord[] {
  return phrases.flatMap((words, phrase) => {
    let start = 0;
    return joinSingles(words, knownPair).map((word) => {
      const length = [...word].length;
      const w = { phrase, start, length, weight: wordWeight(word) };
      start += length;
      return w;
    });
  });
}

/**
 * Consecutive single characters (张 国 荣) are most likely one unknown
 * name: weigh them as one word. But only characters the archive writes
 * side by side (`knownPair`) and that are not grammar (see
 * {@link mayBeName}): jieba leaves a reader's own phrasing in single
 * characters too (瞎 练 要, 别 老 刷), and weighing that as one rare name
 * made a query hinge on a "word" no article contains.
 */
function joinSingles(words: string[], knownPair: (pair: string) => boolean): string[] {
  const out: string[] = [];
  let previous: string | undefined;
  for (const w of words) {
    const single = [...w].length === 1;
    const pair = previous === undefined ? "" : previous + w;
    if (single && pair !== "" && mayBeName(pair) && knownPair(pair)) out[out.length - 1] += w;
    else out.push(w);
    previous = single ? w : undefined;
  }
  return out;
}
