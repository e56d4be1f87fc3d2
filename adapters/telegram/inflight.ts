import type { Context, MiddlewareFn } from "grammy";
import { settledWithin } from "../../src/util/deadline.ts";

/**
 * The updates being handled right now, so a shutdown can stop receiving
 * and then wait for the replies already under way.
 */
export class InFlight {
  private readonly running = new Set<Promise<unknown>>();
  private highest = 0;

  /** Middleware that tracks every update from arrival until its handlers are done. */
  middleware(): MiddlewareFn<Context> {
    return (ctx, next) => {
      this.highest = Math.max(this.highest, ctx.update.update_id);
      const done = next();
      this.running.add(done);
      return done.finally(() => this.running.delete(done));
    };
  }

  /** The highest update_id that reached the bot (0 before the first). */
  get lastUpdateId(): number {
    return this.highest;
  }

  /** Resolve when nothing is in flight, or after `timeoutMs` (a hung call must not hold shutdown forever). */
  async idle(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.running.size > 0) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await settledWithin(Promise.allSettled([...this.running]), left);
    }
    return true;
  }
}
