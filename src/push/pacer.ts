/** How fast one platform may be sent to during a push. */
export interface Pace {
  /** Messages per second over all chats; 0 leaves pacing to the sender. */
  perSecond: number;
  /** Sends in flight at once. */
  concurrency: number;
}

/**
 * Paces of the platforms we know, kept under their limits: Telegram allows
 * about 30 messages/s for broadcasts. A push sends one message per chat,
 * so per-chat limits (1/s, 20/min per group) are never reached. WeChat's
 * sender already spaces every message it sends, answers and push alike
 * (`WECHAT_SEND_INTERVAL_MS`, `WECHAT_SEND_JITTER_MS`); the push adds no
 * second rate and keeps one message in its queue at a time, so answers
 * are not stuck behind a whole push.
 */
export const DEFAULT_PACES: Readonly<Record<string, Pace>> = {
  telegram: { perSecond: 25, concurrency: 8 },
  wechat: { perSecond: 0, concurrency: 1 },
};

/** The pace for platforms not listed in {@link DEFAULT_PACES}. */
export const FALLBACK_PACE: Pace = { perSecond: 10, concurrency: 4 };

/** The pace of `platform` in `paces` (default {@link DEFAULT_PACES}), else {@link FALLBACK_PACE}. */
export function paceOf(platform: string, paces: Readonly<Record<string, Pace>> = DEFAULT_PACES): Pace {
  return paces[platform] ?? FALLBACK_PACE;
}

/** Waits `ms` milliseconds; tests may pass a faster one. */
export type Sleep = (ms: number) => Promise<void>;

const sleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Spaces sends evenly at a fixed rate, and stops everyone for a while when
 * the platform says so (a 429's `retry_after` applies to the whole bot,
 * not to one chat).
 */
export class Pacer {
  private readonly intervalMs: number;
  private nextSlot = 0;
  private pausedUntil = 0;

  constructor(
    pace: Pick<Pace, "perSecond">,
    private readonly now: () => number = () => performance.now(),
    private readonly wait: Sleep = sleep,
  ) {
    this.intervalMs = pace.perSecond > 0 ? 1000 / pace.perSecond : 0;
  }

  /** Resolves when the caller may send its next message. */
  async take(): Promise<void> {
    for (;;) {
      const now = this.now();
      if (this.pausedUntil > now) {
        await this.wait(this.pausedUntil - now);
        continue;
      }
      const slot = Math.max(now, this.nextSlot);
      this.nextSlot = slot + this.intervalMs;
      if (slot > now) await this.wait(slot - now);
      // A pause that arrived while we waited for our slot applies to us too.
      if (this.pausedUntil <= this.now()) return;
    }
  }

  /** Hold every sender back for `ms` from now. */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
  }
}
