/** What a message asks the bot to do. */
export type Command =
  | { name: "help" }
  | { name: "search"; query: string }
  | { name: "more" }
  | { name: "latest" }
  | { name: "random" }
  | { name: "accounts" }
  | { name: "zen" }
  | { name: "subscribe"; time?: string }
  | { name: "unsubscribe" }
  | { name: "subscribe_news"; keywords: string[] }
  | { name: "unsubscribe_news" }
  | { name: "subscribe_channel"; channel: string; time?: string }
  | { name: "unsubscribe_channel"; channel: string }
  | { name: "push_now" }
  | { name: "stats" };

type Name = Command["name"];

/** Words and slash commands, in every language the bot answers to. */
const ALIASES: Record<string, Name> = {
  "/start": "help",
  "/help": "help",
  帮助: "help",
  help: "help",
  菜单: "help",
  "/search": "search",
  "/s": "search",
  搜索: "search",
  "/more": "more",
  更多: "more",
  下一页: "more",
  "/latest": "latest",
  最新: "latest",
  "/random": "random",
  随机: "random",
  "/accounts": "accounts",
  公众号: "accounts",
  公众号列表: "accounts",
  "/zen": "zen",
  禅定: "zen",
  今日禅定: "zen",
  禅定时刻: "zen",
  "/subscribe": "subscribe",
  订阅: "subscribe",
  "/unsubscribe": "unsubscribe",
  取消订阅: "unsubscribe",
  退订: "unsubscribe",
  订阅新文章: "subscribe_news",
  取消订阅新文章: "unsubscribe_news",
  退订新文章: "unsubscribe_news",
  "/subscribe_channel": "subscribe_channel",
  "/unsubscribe_channel": "unsubscribe_channel",
  "/push_now": "push_now",
  "/stats": "stats",
};

/**
 * Read a command from message text. A slash command may carry a
 * `@botname` suffix (Telegram groups); anything that is not a command is
 * a search for the whole text.
 */
export function parseCommand(text: string): Command {
  const trimmed = text.trim();
  const match = /^(\S+)(?:\s+([\s\S]*))?$/.exec(trimmed);
  const head = (match?.[1] ?? "").replace(/^(\/\w+)@\w+$/, "$1").toLowerCase();
  const arg = (match?.[2] ?? "").trim();
  const name = ALIASES[head];
  if (!name) return { name: "search", query: trimmed };
  if (name === "search") return { name, query: arg };
  if (name === "subscribe_news") return { name, keywords: parseKeywords(arg) };
  if (name === "subscribe_channel" || name === "unsubscribe_channel") {
    const [channel = "", time] = arg.split(/\s+/);
    return name === "subscribe_channel" && time ? { name, channel, time } : { name, channel };
  }
  // `/subscribe new 墨荷`, 「订阅 新文章」: the new-article announcements, not the daily push.
  const news = NEWS_ARG.exec(arg);
  if (name === "subscribe" && news) return { name: "subscribe_news", keywords: parseKeywords(arg.slice(news[0].length)) };
  if (name === "unsubscribe" && news && arg.slice(news[0].length).trim() === "") return { name: "unsubscribe_news" };
  if (name === "subscribe") return arg ? { name, time: arg } : { name };
  // "最新消息" or "随机 数字" read as a search, not as a command with junk after it.
  if (arg && !head.startsWith("/")) return { name: "search", query: trimmed };
  return { name } as Command;
}

/** The argument that turns 订阅/取消订阅 into the new-article announcements. */
const NEWS_ARG = /^(new|新文章)(?=\s|$)/i;

/** Most keywords a chat may filter new articles by, and the longest one. */
export const MAX_KEYWORDS = 10;
export const MAX_KEYWORD_CHARS = 30;

/** `墨荷, AI视频 墨荷` → [墨荷, AI视频]: split on spaces, commas and 、, without repeats. */
export function parseKeywords(arg: string): string[] {
  return [...new Set(arg.split(/[\s,，、;；]+/).map((k) => k.trim()).filter(Boolean))];
}

/** Whether `text` starts with one of the bot's slash commands (`/latest`, `/search@bot …`), not just with `/`. */
export function isSlashCommand(text: string): boolean {
  const head = /^\/[A-Za-z_]{1,32}(?:@\w{1,64})?(?=\s|$)/.exec(text.trim())?.[0];
  return head !== undefined && ALIASES[head.replace(/@\w+$/, "").toLowerCase()] !== undefined;
}

/** Parse `H:MM`/`HH:MM` (also with ：), resolving to `HH:MM`, or undefined when invalid. */
export function parseTime(arg: string): string | undefined {
  const m = /^(\d{1,2})[:：](\d{2})$/.exec(arg.trim());
  if (!m) return undefined;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h > 23 || min > 59) return undefined;
  return `${String(h).padStart(2, "0")}:${m[2]}`;
}
