import type { Library } from "../library/library.ts";
import { segmenter } from "../search/segmenter.ts";
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
  /** Search `query`, within `scope` when the reader named an account or an author first. */
  | { kind: "search"; query: string; scope?: SearchScope };

/** What a reader narrowed a search to by naming it first: accounts (all that the name starts) or an author. */
export interface SearchScope {
  /** The name as the answer's heading shows it (「在「九边」里找到…」). */
  label: string;
  accounts?: string[];
  author?: string;
}

const END = /[\s?？!！。.,，~～…]+$/u;
const LATEST =
  /^(?:你|他|她|作者|菜头)?(?:最近|最新|近期|这几天|这两天|近来)?(?:都|又|有)?(?:写|发|更新|出)?(?:了|的|过)?(?:点|些)?(?:什么|啥|哪些)?(?:新)?(?:的)?(?:文章|内容|东西)?(?:吗|呢|没有|没)?$/u;
/** ...and says something about time or newness (the pattern alone also accepts 「写了什么」). */
const NEW = /最近|最新|近期|这几天|这两天|近来|新文章|新的|更新/u;
const RANDOM =
  /^(?:随便|随机|任意|给我|帮我)?(?:来|看|给|推荐|挑|抽)(?:一|1|几)?(?:篇|个)?(?:文章|看看|吧)?$|^(?:随便|随机)(?:来|看|给|推荐|挑|抽)?(?:一|1)?(?:篇|个)?(?:文章|看看)?(?:吧)?$/u;
/** 「有没有讲X的」「关于X的文章」「写过X吗」: the wrapper, so the heading and the account scope see X alone. */
const TOPIC = [
  /^(?:有没有|有无|有)(?:一篇|哪篇)?(?:讲|说|写|谈|聊|提到)(?:过)?(.+?)(?:的)?(?:文章|内容|那篇|吗|呢|没有)*$/u,
  /^关于(.+?)(?:的)?(?:文章|内容|那篇|吗|呢)*$/u,
  /^(?:讲|说|写|谈|聊)过(.+?)(?:的)?(?:文章|内容)?(?:吗|没有|呢)$/u,
];
/** What may sit between a name and the topic: 「槽边往事 猫」「槽边往事的猫」「槽边往事里讲猫的」. */
const SEPARATORS = /^[\s:：,，]+/u;
/** Particles after a name (「槽边往事里」); each is stripped only when jieba reads it as a word of its own, so 「九边 中国」 keeps 中国. */
const PARTICLES = new Set(["的", "里", "中", "里面", "上"]);
/** A typed prefix of an account's name (三联 for 三联生活周刊, 费曼 for 费曼的小茶馆) counts from this many characters, followed by a space. */
const MIN_SHORT_NAME = 2;

/** Account and author names of a library, normalised for matching; computed once per library. */
interface Names {
  accounts: Map<string, string>;
  authors: Map<string, string>;
  /** Authors' short names: a three-character Han name without its first character (菜头 for 和菜头). */
  nicknames: Map<string, string>;
}
const namesOf = new WeakMap<Library, Names>();

function names(library: Library): Names {
  let n = namesOf.get(library);
  if (!n) {
    n = { accounts: new Map(), authors: new Map(), nicknames: new Map() };
    for (const { name } of library.accounts) n.accounts.set(normalize(name), name);
    for (const { name } of library.authors) {
      const key = normalize(name);
      n.authors.set(key, name);
      const chars = [...key];
      if (chars.length === 3 && /^\p{Script=Han}+$/u.test(key)) n.nicknames.set(chars.slice(1).join(""), name);
    }
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
  const scoped = narrowToScope(text, library);
  if (scoped.scope) {
    const rest = normalize(scoped.query).replace(END, "");
    const { accounts: only, author } = scoped.scope;
    // Several accounts named by one name (记忆承载, 记忆承载3): the newest of the one that bears it, or else the first.
    if (rest === "" || isLatest(rest))
      return only
        ? { kind: "latestOf", account: only.includes(scoped.scope.label) ? scoped.scope.label : only[0]! }
        : { kind: "latestOf", author: author! };
    if (RANDOM.test(rest)) return { kind: "random" };
  }
  return { kind: "search", query: topicOf(scoped.query), ...(scoped.scope && { scope: scoped.scope }) };
}

/**
 * When the library holds several accounts, a name at the start of a query
 * narrows the search: an account's («槽边往事 猫», «九边的房价»; a name that
 * starts several accounts, 记忆承载, means all of them), the first word of
 * an account's name followed by a space («三联 骑行», «费曼 提拔»), or an
 * author's («和菜头 冥想», «菜头写猫的»). The rest is the query. With one
 * account (or no name) the text is searched as it is.
 */
export function narrowToScope(text: string, library: Library): { query: string; scope?: SearchScope } {
  const { accounts, authors, nicknames } = names(library);
  if (accounts.size < 2) return { query: text };
  const plain = normalize(text.trim());
  const longest = (keys: Iterable<string>) => {
    let best: string | undefined;
    for (const key of keys) if (plain.startsWith(key) && key.length > (best?.length ?? 0)) best = key;
    return best;
  };
  const account = longest(accounts.keys()) ?? shortName(plain, accounts);
  if (account) {
    const all = [...accounts].filter(([key]) => key.startsWith(account)).map(([, name]) => name);
    const label = accounts.get(account) ?? (all.length === 1 ? all[0]! : account);
    return { query: afterName(plain.slice(account.length)), scope: { label, accounts: all } };
  }
  const author = longest(authors.keys()) ?? longest(nicknames.keys());
  if (author) {
    const name = authors.get(author) ?? nicknames.get(author)!;
    return { query: afterName(plain.slice(author.length)), scope: { label: name, author: name } };
  }
  return { query: text };
}

/** The first word of `plain`, when a space follows it and it starts some account's name (三联 → 三联生活周刊). */
function shortName(plain: string, accounts: Map<string, string>): string | undefined {
  const space = plain.search(/\s/u);
  if (space < MIN_SHORT_NAME) return undefined;
  const word = plain.slice(0, space);
  return [...accounts.keys()].some((key) => key.startsWith(word)) ? word : undefined;
}

/** The topic after a name: separators dropped, and a particle only when it is a word of its own (「里讲猫的」, not 「中国」). */
function afterName(rest: string): string {
  let topic = rest.replace(SEPARATORS, "");
  const [first] = topic ? segmenter().cut(topic, false) : [];
  if (first && PARTICLES.has(first)) topic = topic.slice(first.length).replace(SEPARATORS, "");
  return topic;
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
