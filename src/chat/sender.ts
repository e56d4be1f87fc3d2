import type { Platform, Reply } from "./message.ts";

/**
 * How the core talks to a platform outside of a direct answer (the daily
 * push, admin broadcasts). Each adapter provides one; tests pass fakes.
 */
export interface Sender {
  readonly platform: Platform;
  /** Deliver one reply to a chat (to one of its topics with `to.threadId`); throws {@link SendError} on failure. */
  send(chatId: string, reply: Reply, to?: SendTarget): Promise<void>;
}

/** Where inside a chat a message goes. */
export interface SendTarget {
  /** A topic of a forum group (Telegram `message_thread_id`); absent: the chat itself. */
  threadId?: string;
}

/** How fast the push may send to one platform (each adapter's module declares its own). */
export interface Pace {
  /** Messages per second over all chats; 0 leaves pacing to the sender. */
  perSecond: number;
  /** Sends in flight at once. */
  concurrency: number;
}

/** Why a send failed, in terms the caller can act on. */
export type SendFailure =
  /** The chat is gone for us (blocked, kicked, room deleted): unsubscribe it. */
  | "gone"
  /** The topic the message was for is closed or deleted; the chat is not: unsubscribe that topic. */
  | "topic_gone"
  /** The platform asked us to slow down; retry after `retryAfterMs`. */
  | "rate_limited"
  /** A timeout or a broken connection after the request left: the message may have arrived, so it is not resent automatically. */
  | "transient"
  /**
   * The message certainly did not arrive: no connection to the platform
   * could be made, the platform answered that it failed (5xx), something
   * failed before the request left (a lookup), or the adapter is logged
   * out or stopping. Safe to retry.
   */
  | "unsent"
  /** A request the platform will never accept (bad input): do not retry. */
  | "rejected";

/** A failed send, classified by the adapter that knows the platform. */
export class SendError extends Error {
  override readonly name = "SendError";

  /**
   * @param failure what kind of failure this is
   * @param message human-readable detail (no secrets)
   * @param retryAfterMs for `rate_limited`: how long the platform asked us to wait
   */
  constructor(
    readonly failure: SendFailure,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}
