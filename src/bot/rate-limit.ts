import type { Clock } from "../clock.ts";

/** What to do with one message: answer it, answer with a polite slow-down, or stay silent. */
export type Admission = "allow" | "warn" | "drop";

/** Limits per chat. */
export interface RateLimitOptions {
  /** Messages a chat may send at once before it is slowed down. */
  burst: number;
  /** Sustained rate a chat may keep up. */
  perMinute: number;
  /** Chats remembered at once; the least recently active are forgotten first. Default 10,000. */
  maxChats?: number;
}

interface Bucket {
  tokens: number;
  at: number;
  /** The chat has had its slow-down for the current flood. */
  warned: boolean;
}

/**
 * Per-chat flood protection: a token bucket per chat. A chat may send
 * `burst` messages at once and `perMinute` in the long run; the first
 * message over the limit is told to slow down, the rest are dropped
 * silently (while the bucket refills, a message now and then is answered).
 * Chats never affect each other.
 */
export class ChatRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;
  private readonly maxChats: number;

  constructor(
    private readonly clock: Clock,
    private readonly options: RateLimitOptions,
  ) {
    if (!(options.burst >= 1) || !(options.perMinute > 0)) throw new RangeError("burst must be ≥ 1 and perMinute > 0");
    this.perMs = options.perMinute / 60_000;
    this.maxChats = options.maxChats ?? 10_000;
  }

  /** Count one message from `chat` that arrived `at` (default now) and decide what it gets. */
  admit(chat: string, at: Date = this.clock.now()): Admission {
    const now = at.getTime();
    const bucket = this.refilled(chat, now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return "allow";
    }
    if (bucket.warned) return "drop";
    bucket.warned = true;
    return "warn";
  }

  /** The chat's bucket topped up for the time since it was last seen, moved to most recent. */
  private refilled(chat: string, now: number): Bucket {
    const previous = this.buckets.get(chat);
    const bucket = previous ?? { tokens: this.options.burst, at: now, warned: false };
    // A clock that steps back must not drain anyone's bucket.
    bucket.tokens = Math.min(this.options.burst, bucket.tokens + Math.max(0, now - bucket.at) * this.perMs);
    bucket.at = Math.max(bucket.at, now);
    // One slow-down per flood: the chat is told again only after it calmed down completely.
    if (bucket.tokens >= this.options.burst) bucket.warned = false;
    this.buckets.delete(chat);
    this.buckets.set(chat, bucket);
    if (this.buckets.size > this.maxChats) this.buckets.delete(this.buckets.keys().next().value!);
    return bucket;
  }
}
