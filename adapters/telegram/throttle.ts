import type { Transformer } from "grammy";

/** What Telegram lets a bot send. */
export interface SendLimits {
  /** Messages per second overall. */
  perSecond: number;
  /** Least time between two messages to one chat. */
  perChatGapMs: number;
  /** Messages per minute to one group. */
  groupPerMinute: number;
}

/** Telegram's published limits: 30 messages a second, one a second per chat, 20 a minute per group. */
export const TELEGRAM_LIMITS: SendLimits = { perSecond: 30, perChatGapMs: 1_000, groupPerMinute: 20 };

/** Waits `ms` milliseconds; tests pass virtual time. */
export type Sleep = (ms: number) => Promise<void>;

const sleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const MINUTE_MS = 60_000;
/** Chats whose last message is older than this are all equally "long ago". */
const FORGET_AFTER_MS = MINUTE_MS;
/** When this many chats are remembered, those long ago are forgotten (memory stays bounded). */
const SWEEP_AT = 10_000;

interface Waiting {
  run: () => void;
}

/**
 * The answering path's send throttle, within Telegram's limits and fair
 * between chats. When more is waiting than 30 a second allows, the chat
 * that was answered longest ago goes first, not the call that came first:
 * a hundred chats each sending a burst at once then share the second
 * among themselves, while someone who asks one question is answered in
 * the next free slot instead of behind every flooding chat's backlog. A
 * chat's own messages keep their order.
 */
export class SendThrottle {
  private readonly queues = new Map<string, Waiting[]>();
  private readonly lastStart = new Map<string, number>();
  private readonly groupStarts = new Map<string, number[]>();
  /** Start times within the last second, oldest first. */
  private readonly recent: number[] = [];
  private waiting = 0;
  /** When the earliest pending wake-up is due (none: +∞). */
  private wakeAt = Number.POSITIVE_INFINITY;

  constructor(
    private readonly limits: SendLimits = TELEGRAM_LIMITS,
    private readonly now: () => number = () => performance.now(),
    private readonly wait: Sleep = sleep,
  ) {}

  /** Run `call` (a send to `chat`) when the limits allow it and it is the chat's turn; resolves to its result. */
  schedule<T>(chat: string, isGroup: boolean, call: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const queue = this.queues.get(chat) ?? [];
      queue.push({
        run: () => {
          // A call that throws at once must fail its own send, not the dispatch of everyone else's.
          try {
            call().then(resolve, reject);
          } catch (err) {
            reject(err);
          }
        },
      });
      this.queues.set(chat, queue);
      this.waiting++;
      if (isGroup) this.groupStarts.set(chat, this.groupStarts.get(chat) ?? []);
      this.dispatch();
    });
  }

  /** A grammY transformer that passes every call addressed to a chat through the throttle. */
  transformer(): Transformer {
    return (prev, method, payload, signal) => {
      const chatId = (payload as { chat_id?: unknown } | undefined)?.chat_id;
      if (chatId === undefined) return prev(method, payload, signal);
      // Group and supergroup ids are negative; a channel's @name counts as a chat of its own.
      return this.schedule(String(chatId), Number(chatId) < 0, () => prev(method, payload, signal));
    };
  }

  /**
   * Start whatever may start now, fairest first, then wake up when the
   * next may. A call that arrives while the throttle sleeps is started at
   * once when it may be, or gets an earlier wake-up of its own.
   */
  private dispatch(): void {
    const now = this.now();
    let pick = this.pick(now);
    for (; typeof pick === "string"; pick = this.pick(now)) this.start(pick, now);
    if (this.waiting === 0 || pick >= this.wakeAt) return;
    const at = pick;
    this.wakeAt = at;
    void this.wait(at - now).then(() => {
      if (this.wakeAt === at) this.wakeAt = Number.POSITIVE_INFINITY;
      this.dispatch();
    });
  }

  /** The chat to serve now, or when the next one may start. */
  private pick(now: number): string | number {
    while (this.recent.length > 0 && this.recent[0]! <= now - 1_000) this.recent.shift();
    const overall = this.recent.length < this.limits.perSecond ? now : this.recent[0]! + 1_000;
    let best: string | undefined;
    let bestLast = Number.POSITIVE_INFINITY;
    let earliest = Number.POSITIVE_INFINITY;
    for (const chat of this.queues.keys()) {
      const last = this.lastStart.get(chat) ?? Number.NEGATIVE_INFINITY;
      const ready = Math.max(last + this.limits.perChatGapMs, this.groupReady(chat, now));
      if (ready <= now && last < bestLast) {
        best = chat;
        bestLast = last;
      }
      earliest = Math.min(earliest, ready);
    }
    if (best !== undefined && overall <= now) return best;
    return Math.max(overall, earliest);
  }

  /** When a group's per-minute allowance lets it have another message (now, for a private chat). */
  private groupReady(chat: string, now: number): number {
    const starts = this.groupStarts.get(chat);
    if (!starts) return now;
    while (starts.length > 0 && starts[0]! <= now - MINUTE_MS) starts.shift();
    return starts.length < this.limits.groupPerMinute ? now : starts[0]! + MINUTE_MS;
  }

  private start(chat: string, now: number): void {
    const queue = this.queues.get(chat)!;
    const next = queue.shift()!;
    if (queue.length === 0) this.queues.delete(chat);
    this.waiting--;
    this.recent.push(now);
    this.remember(chat, now);
    this.groupStarts.get(chat)?.push(now);
    next.run();
  }

  /** Note the chat's latest start; beyond {@link SWEEP_AT} chats, forget those quiet for a minute. */
  private remember(chat: string, now: number): void {
    this.lastStart.delete(chat);
    this.lastStart.set(chat, now);
    if (this.lastStart.size < SWEEP_AT) return;
    for (const [key, at] of this.lastStart) {
      if (at > now - FORGET_AFTER_MS) break;
      this.lastStart.delete(key);
      if (!this.queues.has(key)) this.groupStarts.delete(key);
    }
  }
}
