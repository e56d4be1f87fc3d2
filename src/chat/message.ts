/**
 * The neutral message shapes that sit between the core and every adapter.
 * Adapters translate platform updates into {@link Incoming} and render
 * {@link Reply} values in their platform's best form; the core never sees
 * a platform object.
 */

/** Name of a chat platform, e.g. `telegram`, `wechat`, `console`. */
export type Platform = string;

/** One text message a user sent, in platform-neutral form. */
export interface Incoming {
  platform: Platform;
  /** Chat the reply goes to (a private chat or a group/room). */
  chatId: string;
  /** The sender. */
  userId: string;
  /** True for groups/rooms, false for one-to-one chats. */
  isGroup: boolean;
  /** True when the bot was @mentioned or the message replies to the bot. */
  mentioned: boolean;
  /** The text with any @mention of the bot already removed by the adapter. */
  text: string;
  /**
   * Whether the sender administers this group: a boolean where the adapter
   * knows it for free (WeChat's room payload), or a function that asks the
   * platform (Telegram's getChatMember), called only when a command needs
   * group-admin authority. Unset: not a group admin. Bot admins (ADMIN_IDS)
   * have group-admin authority anyway.
   */
  isGroupAdmin?: boolean | (() => Promise<boolean>);
  /** Display name of the sender, for logs and @replies; never required. */
  userName?: string;
  /** The topic of a forum group the message was sent in (Telegram `message_thread_id`): answers and a subscription go there. */
  threadId?: string;
  /** For a channel command (`/subscribe_channel @name`): what the adapter found out about that channel. */
  channel?: ChannelCheck;
  /**
   * When the adapter received the request. Flood control counts it at this
   * moment, not when the chat's turn came: a chat's next message waits
   * behind its earlier answers and the send throttle, and counted then, a
   * flood would look like a chat that asks slowly. Unset: now.
   */
  receivedAt?: Date;
  /**
   * Set when the request comes from a platform control rather than typed
   * text; `text` then holds its query (for logs and flood control).
   */
  action?: Action;
}

/** A request made through a platform's controls instead of typed text. */
export type Action =
  /** A paging button under a search result: the page of `query` from `offset`. */
  | { kind: "page"; query: string; offset: number }
  /**
   * A list longer than a chat page (a Telegram inline query): up to `limit`
   * matching articles from `offset`, as plain cards; the newest when
   * `query` is empty.
   */
  | { kind: "list"; query: string; offset: number; limit: number };

/**
 * A channel named in a command, as the platform describes it: whether it
 * exists and is a channel, whether the bot may post there and whether the
 * sender administers it. `unavailable`: the platform could not be asked.
 */
export type ChannelCheck =
  | { status: "not_found" }
  | { status: "unavailable" }
  | { status: "checked"; chatId: string; title: string; botCanPost: boolean; senderIsAdmin: boolean };

/** A highlighted excerpt: `highlights` are [start, end) offsets into `text`. */
export interface Snippet {
  text: string;
  highlights: Array<[number, number]>;
}

/** What a reply shows of one article. */
export interface ArticleCard {
  id: string;
  title: string;
  date: string;
  summary: string;
  url?: string;
  cover?: string;
  /** The official account, set only when the library holds more than one. */
  account?: string;
  /** The passage that matched the query, when the reply answers a search. */
  snippet?: Snippet;
}

/** Where a search reply sits in its full result list, so adapters can page. */
export interface Page {
  query: string;
  offset: number;
  total: number;
  pageSize: number;
}

/** A plain text reply. */
export interface TextReply {
  kind: "text";
  text: string;
  /**
   * Buttons for platforms that show them (Telegram's inline keyboard), in
   * rows: pressing one sends its `command` to the bot as the presser's
   * message in that chat (e.g. the settings keyboard's `/settings 结果数 4`).
   * Platforms without buttons show the text alone, which says how to type them.
   */
  buttons?: Array<Array<{ text: string; command: string }>>;
}

/** A list of articles, e.g. search results, 最新 or 随机. */
export interface ArticlesReply {
  kind: "articles";
  /** One line above the list (e.g. `找到 12 篇与「墨荷」相关的文章：`). */
  heading: string;
  articles: ArticleCard[];
  /** Present for search results; tells the adapter how to offer more. */
  page?: Page;
  /** One line below the list, e.g. how to get the next page. */
  footer?: string;
  /**
   * Whether to show the link as a card (WeChat) or a link preview
   * (Telegram), as a group chose (「设置 链接卡片」); undefined: the
   * platform's default (WeChat a card for the top article, Telegram none).
   */
  linkPreview?: boolean;
  /**
   * Show the (single) article's cover image where the platform can, e.g.
   * a new-article announcement (Telegram: a photo with the card as its
   * caption, the text alone when the image cannot be fetched).
   */
  showCover?: boolean;
}

/** An image with a caption, e.g. the 禅定时刻 image of the day. */
export interface ImageReply {
  kind: "image";
  /** Source URL; adapters download it themselves (WeChat's host blocks hotlinks). */
  url: string;
  caption: string;
  /** The article the image comes from. */
  article?: { title: string; url?: string };
}

/** Anything the core can say. */
export type Reply = TextReply | ArticlesReply | ImageReply;
