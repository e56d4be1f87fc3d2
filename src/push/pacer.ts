import type { Pace } from "../chat/sender.ts";

/** The pace of a platform whose module declares none (the terminal chat, tests' fakes). */
export const FALLBACK_PACE: Pace = { perSecond: 10, concurrency: 4 };

/**
 * The pace of `platform` in `paces` (what each adapter's module declares,
 * gathered by `article-bot start`), else {@link FALLBACK_PACE}.
 */
export function paceOf(platform: string, paces: Readonly<Record<string, Pace>> = {}): Pace {
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
