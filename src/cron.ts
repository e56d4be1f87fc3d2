/**
 * Jobs on a cron schedule (node-cron), for the services that run by
 * themselves inside `start`: the daily push's minute tick and the sync.
 */
import { schedule, validate } from "node-cron";
import type { Logger } from "./log.ts";

/**
 * A cron expression of exactly five fields (minute precision: personal
 * push times have minutes, and node-cron's optional seconds field would
 * read `30 7 * * * *` as something else) that node-cron accepts.
 */
export function isFiveFieldCron(expression: string): boolean {
  return expression.trim().split(/\s+/).length === 5 && validate(expression);
}

/** Starts calling `onTick` on a schedule; returns a function that stops it. Tests pass a manual one. */
export type Ticker = (onTick: () => void) => () => void;

/** A {@link Ticker} firing on `expression` in `timeZone`; a tick that is still running is not started again. */
export function cronTicker(expression: string, timeZone: string, log: Logger, name: string): Ticker {
  return (onTick) => {
    const task = schedule(expression, onTick, { timezone: timeZone, name, noOverlap: true, logger: cronLogger(log) });
    return () => void task.destroy();
  };
}

function cronLogger(log: Logger) {
  return {
    info: (message: string) => log.debug({ component: "node-cron" }, message),
    warn: (message: string) => log.warn({ component: "node-cron" }, message),
    error: (message: string | Error, err?: Error) =>
      log.error({ component: "node-cron", err: err ?? message }, String(message)),
    debug: (message: string | Error) => log.debug({ component: "node-cron" }, String(message)),
  };
}
