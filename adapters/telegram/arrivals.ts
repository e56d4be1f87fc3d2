import type { Context, MiddlewareFn } from "grammy";
import type { Update } from "grammy/types";
import type { Clock } from "../../src/clock.ts";

/**
 * When each update reached the bot. The core's flood control counts a
 * request at the moment it arrived: by the time a chat's turn comes (one
 * update at a time per chat, each waiting for the previous one's answers
 * to pass the send throttle) a burst of twenty messages would look like a
 * chat asking every few seconds.
 */
export class Arrivals {
  private readonly times = new WeakMap<Update, Date>();

  constructor(private readonly clock: Clock) {}

  /** Middleware, installed before the per-chat queue, that notes the arrival of every update. */
  middleware(): MiddlewareFn<Context> {
    return (ctx, next) => {
      this.times.set(ctx.update, this.clock.now());
      return next();
    };
  }

  /** When the update of `ctx` arrived (now, if it went past the middleware unseen). */
  of(ctx: Context): Date {
    return this.times.get(ctx.update) ?? this.clock.now();
  }
}
