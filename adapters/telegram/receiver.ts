import type { Update } from "grammy/types";

/** How updates reach the bot: long polling or a webhook. */
export interface Receiver {
  /** Start receiving updates. */
  start(): Promise<void>;
  /** Stop receiving new updates (handlers already running carry on). */
  stop(): Promise<void>;
  /** After in-flight updates are done: tell Telegram they were handled, if the receiver must. */
  settle(lastUpdateId: number): Promise<void>;
}

/** The updates the bot asks Telegram for; edits, channel posts and reactions are never sent. */
export const ALLOWED_UPDATES: ReadonlyArray<Exclude<keyof Update, "update_id">> = [
  "message",
  "callback_query",
  "inline_query",
  "my_chat_member",
];
