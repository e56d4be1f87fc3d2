import type { Platform } from "./message.ts";

/**
 * One string per chat across platforms (a Telegram and a WeChat chat may
 * share an id), for maps keyed by chat: flood control, the last search,
 * the push's delivery log.
 */
export function chatKey(chat: { platform: Platform; chatId: string }): string {
  return `${chat.platform}\u0000${chat.chatId}`;
}
