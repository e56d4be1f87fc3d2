import { GrammyError, type Transformer } from "grammy";
import type { Clock } from "../../src/clock.ts";
import { messageOf } from "../../src/util/errors.ts";

/**
 * Whether Telegram can be reached, judged from every Bot API call: any
 * answer (even an error answer such as 400 or 429) proves the connection,
 * a call that got no answer (refused, no route, timeout) counts against
 * it. Feeds `/healthz` and the "Telegram unreachable" alert.
 */
export class Reachability {
  /** The last call Telegram answered successfully. */
  lastOkAt?: Date;
  /** The first failed call since the last answer; undefined while reachable. */
  unreachableSince?: Date;
  /** Why the last call got no answer. */
  lastError?: string;

  constructor(private readonly clock: Clock) {}

  /** A transformer that records the outcome of every call; install it outermost. */
  transformer(): Transformer {
    return async (prev, method, payload, signal) => {
      try {
        const res = await prev(method, payload, signal);
        this.answered(res.ok);
        return res;
      } catch (err) {
        if (err instanceof GrammyError) this.answered(false);
        else if (!signal?.aborted) this.failed(`${method}: ${messageOf(err)}`);
        throw err;
      }
    };
  }

  private answered(ok: boolean): void {
    if (ok) this.lastOkAt = this.clock.now();
    this.unreachableSince = undefined;
  }

  private failed(reason: string): void {
    this.lastError = reason;
    this.unreachableSince ??= this.clock.now();
  }
}
