import { chatKey } from "../chat/chat-key.ts";
import type { ArticleCard, ArticlesReply, Incoming, Reply } from "../chat/message.ts";
import type { LibrarySnapshot } from "../catalog/live.ts";
import { dayInZone, type Clock } from "../clock.ts";
import type { Library } from "../library/library.ts";
import { nothingFound, type SearchResult } from "../search/index.ts";
import { hitCard, toCard } from "./cards.ts";
import { readIntent, type SearchScope } from "./intents.ts";
import { t } from "./strings.ts";
import { UserError } from "./user-error.ts";
import { zenReply } from "./zen-reply.ts";

/** Results per page of a search reply. */
export const PAGE_SIZE = 3;
/** Longer queries are cut: nobody types a 100 KB keyword, and search cost grows with length. */
export const MAX_QUERY_CHARS = 200;
const REMEMBERED_CHATS = 10_000;

/** What the reading commands need. */
export interface AnswersDeps {
  /** The library being served (re-read on every request, so reloads apply at once). */
  library: () => LibrarySnapshot;
  clock: Clock;
  /** Time zone of "today" (the image of the day). */
  timeZone: string;
  random?: () => number;
}

type Chat = Pick<Incoming, "platform" | "chatId">;

/** A search text's topic, and the account or author it names, if any. */
type Scoped = { query: string; scope?: SearchScope };

/** How a chat wants its answers (a group's 「设置」); a field left out takes the default. */
export interface AnswerView {
  /** Results per search page (default {@link PAGE_SIZE}). */
  pageSize?: number;
  /** Search only these accounts' articles. */
  accounts?: readonly string[];
  /** Show links as a card/preview or not; undefined: the platform's default. */
  linkPreview?: boolean;
}

/** What a search found, for programs rather than a chat (see {@link Answers.matches}). */
export interface Matches {
  /** The chat's words over the results (找到 N 篇…, 没有完全对得上的…), or its 没有找到 sentence. */
  heading: string;
  /** The chat would show these only as possibly related (「没有完全对得上的…」). */
  tentative: boolean;
  /** Matching articles in all (0 where the chat says 没有找到). */
  total: number;
  /** Best first. */
  articles: ArticleCard[];
}

/**
 * The answers of the reading commands — search and its pages, the newest,
 * a random article, the accounts, the image of the day — over the library
 * being served. Remembers each chat's last search for 「更多」.
 */
export class Answers {
  /** Last query per chat (bounded: the oldest chats are forgotten). */
  private readonly lastQuery = new Map<string, { query: string; offset: number }>();

  constructor(private readonly deps: AnswersDeps) {}

  /** Free text: what the reader means (see intents.ts), then a search if that is what it is. */
  ask(text: string, chat: Chat, view: AnswerView = {}): Reply {
    const q = clip(text);
    const intent = readIntent(q, this.deps.library().library);
    switch (intent.kind) {
      case "latest":
        return this.latest(view);
      case "random":
        return this.random(view);
      case "latestOf":
        return this.latestOf(intent, view);
      case "search":
        // The intent already names the topic and its scope: read once per request.
        return this.page(q, intent, 0, chat, view);
    }
  }

  /**
   * One page of search results for `query` from `offset`, or a "没有找到"
   * text; remembered for 「更多」 in `chat` when given. A group's settings
   * (`view`) choose the page size, the accounts searched and the link
   * card/preview; the web pages ask for longer pages.
   */
  search(query: string, offset: number, chat?: Chat, view: AnswerView = {}): Reply {
    const q = clip(query);
    return this.page(q, this.scope(q), offset, chat, view);
  }

  /** {@link search} for the query `q`, its topic and scope already read. */
  private page(q: string, scoped: Scoped, offset: number, chat: Chat | undefined, view: AnswerView): Reply {
    const pageSize = view.pageSize ?? PAGE_SIZE;
    const { result, heading, library } = this.find(scoped, offset, pageSize, view.accounts);
    if (nothingFound(result)) return { kind: "text", text: heading };
    if (result.hits.length === 0) return { kind: "text", text: t.noMorePages };
    if (chat) this.remember(chat, q, offset);
    const many = showsAccounts(library);
    const remaining = result.total - offset - result.hits.length;
    const reply: ArticlesReply = {
      kind: "articles",
      heading,
      articles: result.hits.map((h) => hitCard(h, result.query, library.body(h.article.id), many)),
      page: { query: q, offset, total: result.total, pageSize },
      ...links(view),
    };
    const footer = [remaining > 0 ? t.more(remaining) : "", result.tentative ? t.perhapsHint : ""]
      .filter(Boolean)
      .join("\n");
    return footer ? { ...reply, footer } : reply;
  }

  /**
   * The best `limit` matches of a search for programs (keyword feeds, the
   * web API): the chat's reading of the query, its ranking and its honesty,
   * without paging. No articles where the chat says 没有找到; `tentative`
   * where it shows them only under 「没有完全对得上的…」. The passage that
   * matched is looked up only when asked for (it reads the bodies).
   */
  matches(query: string, limit: number, options: { accounts?: readonly string[]; passages?: boolean } = {}): Matches {
    const { result, heading, library } = this.find(this.scope(clip(query)), 0, limit, options.accounts);
    if (nothingFound(result)) return { heading, tentative: false, total: 0, articles: [] };
    const many = showsAccounts(library);
    const articles = result.hits.map((h) =>
      options.passages ? hitCard(h, result.query, library.body(h.article.id), many) : toCard(h.article, many),
    );
    return { heading, tentative: result.tentative, total: result.total, articles };
  }

  /** 「更多」: the page after the chat's last search. */
  more(chat: Chat, view: AnswerView = {}): Reply {
    const last = this.lastQuery.get(chatKey(chat));
    if (!last) throw new UserError(t.noPreviousSearch);
    return this.search(last.query, last.offset + (view.pageSize ?? PAGE_SIZE), chat, view);
  }

  /**
   * Up to `limit` matching articles from `offset`, best first, as plain
   * cards without snippets, for lists longer than a chat page (Telegram
   * inline mode); an empty query lists the newest. No articles when nothing
   * plausible matches.
   */
  list(query: string, offset: number, limit: number): ArticlesReply {
    const { index, library } = this.deps.library();
    const many = showsAccounts(library);
    const q = clip(query);
    let found: { total: number; articles: ArticlesReply["articles"] };
    if (!q) {
      const newest = offset === 0 ? library.latest(limit) : [];
      found = { total: newest.length, articles: newest.map((a) => toCard(a, many)) };
    } else {
      const scope = this.scope(q);
      const result = index.search(scope.query, { offset, limit, ...within(scope.scope) });
      found = nothingFound(result)
        ? { total: 0, articles: [] }
        : { total: result.total, articles: result.hits.map((h) => toCard(h.article, many)) };
    }
    return {
      kind: "articles",
      heading: "",
      articles: found.articles,
      page: { query: q, offset, pageSize: limit, total: found.total },
    };
  }

  /** The most recent articles. */
  latest(view: AnswerView = {}, n = 5): Reply {
    const { library } = this.deps.library();
    const articles = library.latest(n);
    if (articles.length === 0) return { kind: "text", text: t.emptyLibrary };
    return {
      kind: "articles",
      heading: t.latest(articles.length),
      articles: articles.map((a) => toCard(a, showsAccounts(library))),
      ...links(view),
    };
  }

  /** One random article. */
  random(view: AnswerView = {}): Reply {
    const { library } = this.deps.library();
    const article = library.random(this.deps.random);
    if (!article) return { kind: "text", text: t.emptyLibrary };
    return { kind: "articles", heading: t.random, articles: [toCard(article, showsAccounts(library))], ...links(view) };
  }

  /** The official accounts in the library, with their article counts. */
  accounts(): Reply {
    const { library } = this.deps.library();
    if (library.size === 0) return { kind: "text", text: t.emptyLibrary };
    const unnamed = library.size - library.accounts.reduce((sum, a) => sum + a.count, 0);
    return { kind: "text", text: t.accounts(library.accounts, unnamed) };
  }

  /** Today's 禅定时刻 image (the same choice as the daily push). */
  zen(): Reply {
    const day = dayInZone(this.deps.clock.now(), this.deps.timeZone);
    return zenReply(this.deps.library(), day) ?? { kind: "text", text: t.noZen };
  }

  /** The newest articles of one account or author. */
  private latestOf(who: { account?: string; author?: string }, view: AnswerView, n = 5): Reply {
    const { library } = this.deps.library();
    const articles = library.latest(n, (a) => (who.account ? a.account === who.account : a.author === who.author));
    if (articles.length === 0) return { kind: "text", text: t.emptyLibrary };
    const cards = articles.map((a) => toCard(a, showsAccounts(library)));
    return {
      kind: "articles",
      heading: t.latestOf((who.account ? `「${who.account}」` : who.author)!, articles.length),
      articles: cards,
      ...links(view),
    };
  }

  /** One search as the chat reads it, with the heading the chat would put over its results (or its 没有找到 sentence). */
  private find(
    scope: Scoped,
    offset: number,
    limit: number,
    accounts?: readonly string[],
  ): { result: SearchResult; heading: string; library: Library } {
    const { index, library } = this.deps.library();
    const result = index.search(scope.query, { offset, limit, ...within(scope.scope, accounts) });
    const heading = nothingFound(result)
      ? t.notFound(result.query.phrases)
      : result.tentative
        ? t.perhaps
        : t.found(result.query.phrases.join(" "), result.total, scope.scope?.label);
    return { result, heading, library };
  }

  /** The topic of a search text and the account or author it names, if any (「槽边往事 猫」 → 猫 in 槽边往事). */
  private scope(q: string): Scoped {
    const intent = readIntent(q, this.deps.library().library);
    return intent.kind === "search" ? intent : { query: q };
  }

  private remember(chat: Chat, query: string, offset: number): void {
    const key = chatKey(chat);
    this.lastQuery.delete(key);
    this.lastQuery.set(key, { query, offset });
    if (this.lastQuery.size > REMEMBERED_CHATS) this.lastQuery.delete(this.lastQuery.keys().next().value!);
  }
}

/** The search's filters: the accounts or author the reader named, within a group's accounts (both must hold). */
function within(
  scope: SearchScope | undefined,
  groupAccounts?: readonly string[],
): { accounts?: readonly string[]; author?: string } {
  const named = scope?.accounts;
  const accounts = named && groupAccounts ? named.filter((a) => groupAccounts.includes(a)) : (named ?? groupAccounts);
  return { ...(accounts && { accounts }), ...(scope?.author && { author: scope.author }) };
}

/** A chat's link card/preview choice, only when it made one. */
function links(view: AnswerView): { linkPreview?: boolean } {
  return view.linkPreview === undefined ? {} : { linkPreview: view.linkPreview };
}

function clip(query: string): string {
  return [...query].slice(0, MAX_QUERY_CHARS).join("");
}

/** Answers name each article's account only when the library holds more than one. */
function showsAccounts(library: Library): boolean {
  return library.accounts.length > 1;
}
