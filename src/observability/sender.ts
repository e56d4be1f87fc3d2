import { SendError, type Sender } from "../chat/sender.ts";
import type { Logger } from "../log.ts";
import type { Health } from "./health.ts";
import type { Metrics } from "./metrics.ts";

/** Where an observed sender reports. */
export interface SenderObservers {
  log: Logger;
  metrics: Metrics;
  health: Health;
}

/**
 * A sender that logs one line per delivery (platform, chat, reply kind,
 * outcome, time) and counts it, then behaves exactly like `sender`:
 * same result, same error. Failures also count as platform errors.
 */
export function observedSender(sender: Sender, observers: SenderObservers): Sender {
  const { log, metrics, health } = observers;
  const platform = sender.platform;
  return {
    platform,
    async send(chatId, reply, to) {
      const started = performance.now();
      const done = (outcome: string, extra: object = {}) => {
        metrics.pushes.inc({ platform, outcome });
        health.pushed(platform, outcome);
        const line = {
          platform,
          chatId,
          ...(to?.threadId ? { threadId: to.threadId } : {}),
          kind: reply.kind,
          outcome,
          ms: Math.round(performance.now() - started),
          ...extra,
        };
        if (outcome === "sent") log.info(line, "push delivery");
        else log.warn(line, "push delivery failed");
      };
      try {
        await sender.send(chatId, reply, to);
        done("sent");
      } catch (err) {
        const failure = err instanceof SendError ? err.failure : "transient";
        metrics.platformError(platform, `send_${failure}`);
        done(failure, { err: err instanceof Error ? err.message : String(err) });
        throw err;
      }
    },
  };
}
