import type { Library } from "../library/library.ts";
import { normalize } from "../search/tokenize.ts";

/**
 * What a reader's free text asks for, read before it is searched: people
 * ask 「最近写了什么」 or 「随便来一篇」 rather than sending 最新 / 随机, type
 * the author's or an account's name alone, or wrap a topic in 「有没有讲…的」.
 */
export type Intent =
  | { kind: "latest" }
  | { kind: "random" }
  /** The newest articles of one account or one author. */
  | { kind: "latestOf"; account?: string; author?: string }
  /** Search `query`, within `account` when set. */
  | { kind: "search"; query: string; account?: string };

const END = /[\s?？!！。.,，~～…]+$/u;
const LATEST =
  /^(?:你|他|她|作者|菜头)?(?:最近|最新|近期|这几天|这两天|近来)?(?:都|又|有)?(?:写|发|更新|出)?(?:了|的|过)?(?:点|些)?(?:什么|啥|哪些)?(?:新)?(?:的)?(?:文章|内容|东西)?(?:吗|呢|没有|没)?$/u;
/** ...and says something about time or newness (the pattern alone also accepts 「写了什么」). */
const NEW = /最近|最新|近期|这几天|这两天|近来|新文章|新的|更新/u;
const RANDOM = /^(?:随便|随机|任意|给我|帮我)?(?:来|看|给|推荐|挑|抽)(?:一|1|几)?(?:篇|个)?(?:文章|看看|吧)?$|^(?:随便|随机)(?:来|看|给|推荐|挑|抽)?(?:一|1)?(?:篇|个)?(?:文章|看看)?(?:吧)?$/u;
/** 「有没有讲X的」「关于X的文章」「写过X吗」: the wrapper, so the heading and the account scope see X alone. */
const TOPIC = [
  /^(?:有没有|有无|有)(?:一篇|哪篇)?(?:讲|说|写|谈|聊|提到)(?:过)?(.+?)(?:的)?(?:文章|内容|那篇|吗|呢|没有)*$/u,
  /^关于(.+?)(?:的)?(?:文章|内容|那篇|吗|呢)*$/u,
  /^(?:讲|说|写|谈|聊)过(.+?)(?:的)?(?:文章|内容)?(?:吗|没有|呢)$/u,
];
/** What may sit between an account's name and the topic: 「槽边往事 猫」「槽边往事的猫」「槽边往事里讲猫的」. */
const AFTER_NAME = /^(?:[\s:：,，]*(?:的|里|中|里面|上)?[\s:：,，]*)/u;

/** Account and author names of a library, normalised for matching; computed once per library. */
interface Names {
  accounts: Map<string, string>;
  authors: Map<string, string>;
}
const namesOf = new WeakMap<Library, Names>();

function names(library: Library): Names {
  let n = namesOf.get(library);
  if (!n) {
    n = { accounts: new Map(), authors: new Map() };
    for (const { name } of library.accounts) n.accounts.set(normalize(name), name);
    for (const { name } of library.authors) n.authors.set(normalize(name), name);
    namesOf.set(library, n);
  }
  return n;
}

/** Read the intent of a search text against the library being served. */
export function readIntent(text: string, library: Library): Intent {
  const plain = normalize(text.trim()).replace(END, "");
  if (isLatest(plain)) return { kind: "latest" };
  if (RANDOM.test(plain)) return { kind: "random" };
  const { accounts, authors } = names(library);
  if (accounts.has(plain)) return { kind: "latestOf", account: accounts.get(plain)! };
  if (authors.has(plain)) return { kind: "latestOf", author: authors.get(plain)! };
  const scoped = narrowToAccount(text, library);
  if (scoped.account) {
    const rest = normalize(scoped.query).replace(END, "");
    if (rest === "" || isLatest(rest)) return { kind: "latestOf", account: scoped.account };
    if (RANDOM.test(rest)) return { kind: "random" };
  }
  return { kind: "search", query: topicOf(scoped.query), account: scoped.account };
}

/**
 * When the library holds several accounts, an account's name at the start
 * of a query («槽边往事 猫», «九边的房价») narrows the search to that account;
 * the rest is the query. With one account (or none named) the text is
 * searched as it is.
 */
export function narrowToAccount(text: string, library: Library): { query: string; account?: string } {
  const { accounts } = names(library);
  if (accounts.size < 2) return { query: text };
  const plain = normalize(text.trim());
  let best: string | undefined;
  for (const key of accounts.keys()) if (plain.startsWith(key) && key.length > (best?.length ?? 0)) best = key;
  if (!best) return { query: text };
  const rest = plain.slice(best.length).replace(AFTER_NAME, "");
  return { query: rest, account: accounts.get(best)! };
}

function isLatest(text: string): boolean {
  return NEW.test(text) && LATEST.test(text);
}

/** The topic inside 「有没有讲X的」「关于X的」, or the text itself. */
function topicOf(text: string): string {
  const plain = text.trim().replace(END, "");
  const topic = TOPIC.map((re) => re.exec(plain)?.[1]?.trim()).find(Boolean);
  return topic ?? text.trim();
}
