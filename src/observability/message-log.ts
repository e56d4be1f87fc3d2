import type { Handled } from "../bot/core.ts";
import type { Reply } from "../chat/message.ts";
import type { Logger } from "../log.ts";
import type { Metrics } from "./metrics.ts";

/** What happened to a message, as metrics count it. */
export type MessageOutcome = "answered" | "ignored" | "limited" | "error";

/** Longest message text written to the debug log. */
const DEBUG_TEXT_CHARS = 200;

/**
 * The bot's observer: one structured log line and a few counters per
 * handled message. The info line carries sizes and timings, never the
 * text (private chats are private); the text appears at debug level only.
 * Group chatter that is not for the bot is counted, not logged.
 */
export function messageObserver(log: Logger, metrics: Metrics): (handled: Handled) => void {
  return (h) => {
    const platform = h.msg.platform;
    const chat = h.msg.isGroup ? "group" : "private";
    const outcome = outcomeOf(h);
    metrics.messages.inc({ platform, chat, outcome });
    if (outcome === "ignored") return;
    for (const r of h.replies) metrics.replies.inc({ platform, kind: r.kind });
    if (h.command === "search" || h.command === "more") metrics.searchSeconds.observe({ platform }, h.ms / 1000);
    const line = {
      platform,
      chat,
      command: h.command,
      queryLength: [...h.msg.text].length,
      results: resultCount(h.replies),
      replies: h.replies.length,
      ms: Math.round(h.ms * 10) / 10,
      ...(h.limited ? { limited: h.limited } : {}),
    };
    if (h.error) log.error({ ...line, err: h.error }, "message failed");
    else log.info(line, "message handled");
    if (log.isLevelEnabled("debug"))
      log.debug({ platform, chat, text: [...h.msg.text].slice(0, DEBUG_TEXT_CHARS).join("") }, "message text");
  };
}

function outcomeOf(h: Handled): MessageOutcome {
  if (h.error) return "error";
  if (h.limited) return "limited";
  return h.command || h.replies.length > 0 ? "answered" : "ignored";
}

/** Articles found: a search's total over all pages, else the articles shown. */
export function resultCount(replies: readonly Reply[]): number {
  return replies.reduce((n, r) => n + (r.kind === "articles" ? (r.page?.total ?? r.articles.length) : 0), 0);
}
