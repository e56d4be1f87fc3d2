import { chatKey } from "../chat/chat-key.ts";
import { dayInZone, type Clock } from "../clock.ts";
import type { LibrarySnapshot } from "../catalog/live.ts";
import type { Library } from "../library/library.ts";
import type { Logger } from "../log.ts";
import { nothingFound } from "../search/index.ts";
import type { Store } from "../store/store.ts";
import { imageOfDay } from "../zen/gallery.ts";
import { hitCard, toCard } from "./cards.ts";
import { subscribeChannel, unsubscribeChannel } from "./channels.ts";
import { isSlashCommand, MAX_KEYWORD_CHARS, MAX_KEYWORDS, parseCommand, parseTime, type Command } from "./commands.ts";
import { readIntent } from "./intents.ts";
import type { ChatRateLimiter } from "./rate-limit.ts";
import type { ArticleCard, ArticlesReply, ImageReply, Incoming, Reply } from "../chat/message.ts";
import { t } from "./strings.ts";

/** Admin actions provided by the push service. */
export interface AdminActions {
  /** Push today's image to every subscriber who has not had it; resolves to a report line. */
  pushNow(): Promise<string>;
  /** A short report: subscribers per platform, pushed today, failures, next run. */
  stats(): Promise<string>;
}

/** What the bot needs; everything is passed in, nothing is global. */
export interface BotDeps {
  /** The library being served (re-read on every message, so reloads apply at once). */
  library: () => LibrarySnapshot;
  store: Store;
  clock: Clock;
  log: Logger;
  /** Prefixes that address the bot in groups, e.g. `?` and `？`. */
  triggers: string[];
  /** Bot admins, as `platform:userId` or bare user id. */
  adminIds: string[];
  /** Time zone of "today" (image of the day, push). */
  timeZone: string;
  /** The default push time shown to new subscribers (HH:MM). */
  defaultPushTime: string;
  admin?: AdminActions;
  random?: () => number;
  /** Per-chat flood protection; none: every message is answered. */
  rateLimit?: ChatRateLimiter;
  /** Told about every message once it is handled (structured logs, metrics). */
  observe?: (handled: Handled) => void;
}

/** What the bot did with one message, for its observer. */
export interface Handled {
  msg: Incoming;
  /** The command the message asked for; undefined when it was not for the bot, empty or limited. */
  command?: Command["name"];
  /** The chat was flooding: `warn` got the slow-down, `drop` got nothing. */
  limited?: "warn" | "drop";
  replies: Reply[];
  /** Time to answer, in milliseconds. */
  ms: number;
  /** Set when handling threw (the chat got {@link t.failed} instead). */
  error?: unknown;
}

/** Results per page of a search reply. */
export const PAGE_SIZE = 3;
/** Longer queries are cut: nobody types a 100 KB keyword, and search cost grows with length. */
export const MAX_QUERY_CHARS = 200;
const REMEMBERED_CHATS = 10_000;

/**
 * The message handler: turns one {@link Incoming} into the replies to
 * send. Platform-neutral; adapters render the replies.
 */
export class Bot {
  /** Last query per chat, for 「更多」 (bounded: oldest chats are forgotten). */
  private readonly lastQuery = new Map<string, { query: string; offset: number }>();

  constructor(private readonly deps: BotDeps) {}

  /**
   * Answer a message. Resolves to no replies when the message is not for
   * the bot (a group message without mention or trigger, or empty text).
   * Never rejects: this is the pipeline's one error boundary. A failure
   * (the store's disk is full, the library unreadable) is answered with a
   * short apology and reported to the observer, which logs it.
   */
  async handle(msg: Incoming): Promise<Reply[]> {
    const started = performance.now();
    let outcome: Omit<Handled, "msg" | "ms"> = { replies: [] };
    try {
      outcome = await this.answer(msg);
      return outcome.replies;
    } catch (error) {
      outcome = { command: this.commandOf(msg), error, replies: [{ kind: "text", text: t.failed }] };
      return outcome.replies;
    } finally {
      this.deps.observe?.({ msg, ...outcome, ms: performance.now() - started });
    }
  }

  /**
   * A request that is not a message — a Telegram inline query, a paging
   * button — through the same flood control and observer as messages.
   * Admission is per user (keyed like the user's private chat, so both
   * share one budget); `work` runs only when admitted and its replies are
   * what the observer sees.
   * @returns the work's result, or how the request was limited
   */
  async request<T>(
    msg: Incoming,
    command: Command["name"],
    work: () => { value: T; replies: Reply[] },
  ): Promise<{ value: T } | { limited: "warn" | "drop" }> {
    const started = performance.now();
    let outcome: Omit<Handled, "msg" | "ms"> = { command, replies: [] };
    try {
      const admission = this.deps.rateLimit?.admit(chatKey({ platform: msg.platform, chatId: msg.userId })) ?? "allow";
      if (admission !== "allow") {
        outcome = { command, limited: admission, replies: [] };
        return { limited: admission };
      }
      const { value, replies } = work();
      outcome = { command, replies };
      return { value };
    } catch (error) {
      outcome = { command, error, replies: [] };
      throw error;
    } finally {
      this.deps.observe?.({ msg, ...outcome, ms: performance.now() - started });
    }
  }

  private async answer(msg: Incoming): Promise<Omit<Handled, "msg" | "ms">> {
    const text = this.addressedText(msg);
    if (text === undefined) return { replies: [] };
    const admission = this.deps.rateLimit?.admit(chatKey(msg)) ?? "allow";
    if (admission !== "allow") return { limited: admission, replies: admission === "warn" ? [{ kind: "text", text: t.slowDown }] : [] };
    if (text === "") return { replies: msg.isGroup && !msg.mentioned ? [] : [{ kind: "text", text: t.emptyQuery }] };
    const command = parseCommand(text);
    return { command: command.name, replies: await this.run(command, msg) };
  }

  /** The command a message asked for, for the report of a failure. */
  private commandOf(msg: Incoming): Command["name"] | undefined {
    const text = this.addressedText(msg);
    return text ? parseCommand(text).name : undefined;
  }

  /** The text meant for the bot, without the trigger; undefined when not addressed. */
  private addressedText(msg: Incoming): string | undefined {
    const text = msg.text.trim();
    // In groups only the bot's own slash commands count: WeChat's emoticons are written `/::)`, `/微笑`.
    if (!msg.isGroup || msg.mentioned || isSlashCommand(text)) return text;
    const trigger = this.deps.triggers.find((tr) => text.startsWith(tr));
    return trigger === undefined ? undefined : text.slice(trigger.length).trim();
  }

  private async run(cmd: Command, msg: Incoming): Promise<Reply[]> {
    switch (cmd.name) {
      case "help":
        return [{ kind: "text", text: t.help(this.deps.triggers) }];
      case "search":
        return cmd.query ? [this.ask(cmd.query, msg)] : [{ kind: "text", text: t.emptyQuery }];
      case "more":
        return [this.more(msg)];
      case "latest":
        return [this.latest()];
      case "random":
        return [this.random()];
      case "accounts":
        return [this.accounts()];
      case "zen":
        return [this.zen()];
      case "subscribe":
        return [await this.subscribe(msg, cmd.time)];
      case "unsubscribe":
        return [await this.unsubscribe(msg)];
      case "subscribe_news":
        return [await this.subscribeNews(msg, cmd.keywords)];
      case "unsubscribe_news":
        return [await this.unsubscribeNews(msg)];
      case "subscribe_channel":
        return [await subscribeChannel(this.deps, msg, cmd.channel, cmd.time)];
      case "unsubscribe_channel":
        return [await unsubscribeChannel(this.deps, msg, cmd.channel)];
      case "push_now":
      case "stats":
        return [await this.adminCommand(cmd.name, msg)];
    }
  }

  /** Free text: what the reader means (see intents.ts), then a search if that is what it is. */
  private ask(text: string, msg: Incoming): Reply {
    const intent = readIntent([...text].slice(0, MAX_QUERY_CHARS).join(""), this.deps.library().library);
    switch (intent.kind) {
      case "latest":
        return this.latest();
      case "random":
        return this.random();
      case "latestOf":
        return this.latestOf(intent);
      case "search":
        return this.search(text, 0, msg);
    }
  }

  /**
   * One page of search results for `query`, or a "没有找到" text. Adapters
   * call this directly for paging buttons; `msg` (when given) remembers
   * the query for 「更多」. The web pages ask for longer pages (`pageSize`).
   */
  search(query: string, offset: number, msg?: Pick<Incoming, "platform" | "chatId">, pageSize = PAGE_SIZE): Reply {
    const q = [...query].slice(0, MAX_QUERY_CHARS).join("");
    const { index, library } = this.deps.library();
    const scope = this.scope(q);
    const result = index.search(scope.query, { offset, limit: pageSize, account: scope.account });
    if (nothingFound(result)) return { kind: "text", text: t.notFound(result.query.phrases) };
    const many = showsAccounts(library);
    if (result.hits.length === 0) return { kind: "text", text: t.noMorePages };
    if (msg) this.remember(msg, q, offset);
    const remaining = result.total - offset - result.hits.length;
    const reply: ArticlesReply = {
      kind: "articles",
      heading: result.tentative ? t.perhaps : t.found(result.query.phrases.join(" "), result.total, scope.account),
      articles: result.hits.map((h) => hitCard(h, result.query, library.body(h.article.id), many)),
      page: { query: q, offset, total: result.total, pageSize },
    };
    const footer = [remaining > 0 ? t.more(remaining) : "", result.tentative ? t.perhapsHint : ""].filter(Boolean).join("\n");
    return footer ? { ...reply, footer } : reply;
  }

  /**
   * Up to `limit` matching articles from `offset`, best first, as plain
   * cards without snippets: for lists longer than a chat page (Telegram
   * inline mode). No articles when nothing plausible matches.
   */
  find(query: string, offset: number, limit: number): { total: number; articles: ArticleCard[] } {
    const q = [...query].slice(0, MAX_QUERY_CHARS).join("");
    const scope = this.scope(q);
    const { index, library } = this.deps.library();
    const result = index.search(scope.query, { offset, limit, account: scope.account });
    if (nothingFound(result)) return { total: 0, articles: [] };
    return { total: result.total, articles: result.hits.map((h) => toCard(h.article, showsAccounts(library))) };
  }

  /** The topic of a search text and the account it names, if any (「槽边往事 猫」 → 猫 in 槽边往事). */
  private scope(q: string): { query: string; account?: string } {
    const intent = readIntent(q, this.deps.library().library);
    return intent.kind === "search" ? intent : { query: q };
  }

  private more(msg: Incoming): Reply {
    const last = this.lastQuery.get(chatKey(msg));
    if (!last) return { kind: "text", text: t.noPreviousSearch };
    return this.search(last.query, last.offset + PAGE_SIZE, msg);
  }

  private remember(msg: Pick<Incoming, "platform" | "chatId">, query: string, offset: number): void {
    const key = chatKey(msg);
    this.lastQuery.delete(key);
    this.lastQuery.set(key, { query, offset });
    if (this.lastQuery.size > REMEMBERED_CHATS) this.lastQuery.delete(this.lastQuery.keys().next().value!);
  }

  /** The most recent articles. */
  latest(n = 5): Reply {
    const { library } = this.deps.library();
    const articles = library.latest(n);
    if (articles.length === 0) return { kind: "text", text: t.emptyLibrary };
    return { kind: "articles", heading: t.latest(articles.length), articles: articles.map((a) => toCard(a, showsAccounts(library))) };
  }

  /** The newest articles of one account or author. */
  private latestOf(who: { account?: string; author?: string }, n = 5): Reply {
    const { library } = this.deps.library();
    const articles = library.latest(n, (a) => (who.account ? a.account === who.account : a.author === who.author));
    if (articles.length === 0) return { kind: "text", text: t.emptyLibrary };
    const cards = articles.map((a) => toCard(a, showsAccounts(library)));
    return { kind: "articles", heading: t.latestOf((who.account ? `「${who.account}」` : who.author)!, articles.length), articles: cards };
  }

  /** One random article. */
  random(): Reply {
    const { library } = this.deps.library();
    const article = library.random(this.deps.random);
    if (!article) return { kind: "text", text: t.emptyLibrary };
    return { kind: "articles", heading: t.random, articles: [toCard(article, showsAccounts(library))] };
  }

  /** The official accounts in the library, with their article counts. */
  accounts(): Reply {
    const { library } = this.deps.library();
    if (library.size === 0) return { kind: "text", text: t.emptyLibrary };
    const unnamed = library.size - library.accounts.reduce((sum, a) => sum + a.count, 0);
    return { kind: "text", text: t.accounts(library.accounts, unnamed) };
  }

  /** Today's 禅定时刻 image (the same choice as the daily push). */
  zen(): ImageReply | Reply {
    const day = dayInZone(this.deps.clock.now(), this.deps.timeZone);
    const image = imageOfDay(this.deps.library().gallery, day);
    if (!image) return { kind: "text", text: t.noZen };
    return {
      kind: "image",
      url: image.image,
      caption: t.zenCaption(image.title),
      article: { title: image.article.title, url: image.article.url },
    };
  }

  private async subscribe(msg: Incoming, timeArg?: string): Promise<Reply> {
    if (msg.isGroup && !msg.isGroupAdmin) return { kind: "text", text: t.groupAdminOnly };
    const time = timeArg === undefined ? null : parseTime(timeArg);
    if (time === undefined) return { kind: "text", text: t.badTime(timeArg ?? "") };
    const before = await this.deps.store.getSubscription(msg.platform, msg.chatId);
    await this.deps.store.subscribe({ platform: msg.platform, chatId: msg.chatId, isGroup: msg.isGroup, time, ...topic(msg) });
    this.deps.log.info({ platform: msg.platform, isGroup: msg.isGroup, time }, "subscribed");
    const shown = time ?? this.deps.defaultPushTime;
    return { kind: "text", text: before ? t.alreadySubscribed(shown) : t.subscribed(shown) };
  }

  private async unsubscribe(msg: Incoming): Promise<Reply> {
    if (msg.isGroup && !msg.isGroupAdmin) return { kind: "text", text: t.groupAdminOnly };
    const removed = await this.deps.store.unsubscribe(msg.platform, msg.chatId);
    if (removed) this.deps.log.info({ platform: msg.platform, isGroup: msg.isGroup }, "unsubscribed");
    return { kind: "text", text: removed ? t.unsubscribed : t.notSubscribed };
  }

  /** 「订阅新文章 [关键词…]」: announce new articles here (only those matching a keyword, when given). */
  private async subscribeNews(msg: Incoming, keywords: string[]): Promise<Reply> {
    if (msg.isGroup && !msg.isGroupAdmin) return { kind: "text", text: t.groupAdminOnly };
    if (keywords.length > MAX_KEYWORDS || keywords.some((k) => [...k].length > MAX_KEYWORD_CHARS)) {
      return { kind: "text", text: t.tooManyKeywords(MAX_KEYWORDS, MAX_KEYWORD_CHARS) };
    }
    const before = await this.deps.store.getNewsSubscription(msg.platform, msg.chatId);
    await this.deps.store.subscribeNews({ platform: msg.platform, chatId: msg.chatId, isGroup: msg.isGroup, keywords, ...topic(msg) });
    this.deps.log.info({ platform: msg.platform, isGroup: msg.isGroup, keywords: keywords.length }, "subscribed to new articles");
    return { kind: "text", text: t.newsSubscribed(keywords, before !== undefined) };
  }

  private async unsubscribeNews(msg: Incoming): Promise<Reply> {
    if (msg.isGroup && !msg.isGroupAdmin) return { kind: "text", text: t.groupAdminOnly };
    const removed = await this.deps.store.unsubscribeNews(msg.platform, msg.chatId);
    if (removed) this.deps.log.info({ platform: msg.platform, isGroup: msg.isGroup }, "unsubscribed from new articles");
    return { kind: "text", text: removed ? t.newsUnsubscribed : t.newsNotSubscribed };
  }

  private async adminCommand(name: "push_now" | "stats", msg: Incoming): Promise<Reply> {
    if (!this.isAdmin(msg)) return { kind: "text", text: t.adminOnly };
    const admin = this.deps.admin;
    if (!admin) return { kind: "text", text: t.pushDisabled };
    return { kind: "text", text: name === "push_now" ? await admin.pushNow() : await admin.stats() };
  }

  /** True when the sender is a bot admin (ADMIN_IDS). */
  isAdmin(msg: Pick<Incoming, "platform" | "userId">): boolean {
    return this.deps.adminIds.some((id) => id === msg.userId || id === `${msg.platform}:${msg.userId}`);
  }
}

/** The topic a subscription sent from `msg` pushes into: the one it was sent in (a forum group's), if any. */
function topic(msg: Incoming): { threadId?: string } {
  return msg.threadId === undefined ? {} : { threadId: msg.threadId };
}

/** Answers name each article's account only when the library holds more than one. */
function showsAccounts(library: Library): boolean {
  return library.accounts.length > 1;
}
