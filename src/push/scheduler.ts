import { createTask, type ScheduledTask } from "node-cron";
import { localMinute, type LocalMinute } from "../clock.ts";
import { cronTicker, isFiveFieldCron, type Ticker } from "../cron.ts";
import type { Logger } from "../log.ts";
import type { Subscription } from "../store/store.ts";

/** The next push, for `/stats`. */
export interface NextRun extends LocalMinute {
  /** True when it falls on the same day as the moment asked about. */
  today: boolean;
}

const MINUTE_MS = 60_000;
const DAY_MINUTES = 24 * 60;
/** Any fixed week will do for finding the earliest time of day a schedule fires. */
const WEEK_START = Date.UTC(2026, 0, 5);

/**
 * When subscribers are due: the default time comes from the `PUSH_CRON`
 * expression, a personal time (`/subscribe 21:30`) overrides it, and all
 * of it is read in the push time zone. Pure time arithmetic on the dates
 * it is given, so tests drive it with any clock.
 */
export class PushSchedule {
  private readonly matcher: ScheduledTask;
  private scanned?: { day: string; upTo: number; first: string | undefined };
  private label?: string;

  /** @throws Error when `cron` is not a 5-field cron expression */
  constructor(
    readonly cron: string,
    readonly timeZone: string,
  ) {
    if (!isFiveFieldCron(cron)) throw new Error(`invalid cron expression: ${cron}`);
    // An unstarted task is node-cron's public way to match dates against an expression.
    this.matcher = createTask(cron, () => {}, { timezone: timeZone });
  }

  /**
   * The default push time as subscribers are told it (`HH:MM`): the
   * earliest minute of a day at which `cron` fires (`30 7 * * *` → 07:30,
   * `0 21 * * 1-5` → 21:00), never the cron text itself.
   */
  get defaultTime(): string {
    this.label ??= this.earliestTime();
    return this.label;
  }

  private earliestTime(): string {
    const [minute = "", hour = ""] = this.cron.trim().split(/\s+/);
    if (/^\d{1,2}$/.test(minute) && /^\d{1,2}$/.test(hour))
      return `${hour.padStart(2, "0")}:${minute.padStart(2, "0")}`;
    // Anything else: look at a week of minutes (weekday-only schedules skip days).
    let earliest: string | undefined;
    for (let t = WEEK_START, i = 0; i < 7 * DAY_MINUTES; t += MINUTE_MS, i++) {
      const at = new Date(t);
      if (!this.matcher.match(at)) continue;
      const time = this.local(at).time;
      if (earliest === undefined || time < earliest) earliest = time;
    }
    // An expression that never fires (31 February) has no time to tell.
    return earliest ?? "--:--";
  }

  /** The day and minute of `date` in the push time zone. */
  local(date: Date): LocalMinute {
    return localMinute(date, this.timeZone);
  }

  /**
   * The first minute of `now`'s day, up to `now`, at which the default
   * schedule fires; undefined when it has not fired yet today (or does not
   * fire on this day at all, e.g. a weekdays-only expression on Sunday).
   */
  defaultTimeSoFar(now: Date): string | undefined {
    const today = this.local(now).day;
    const end = floorMinute(now);
    // Ticks come every minute: remember how far today was scanned instead of rescanning the whole day.
    const fresh = this.scanned?.day !== today || end < this.scanned.upTo;
    const scanned = fresh ? { day: today, upTo: -Infinity, first: undefined } : this.scanned!;
    if (scanned.first === undefined) {
      for (let t = end; t > scanned.upTo; t -= MINUTE_MS) {
        const at = new Date(t);
        const local = this.local(at);
        if (local.day !== today) break;
        if (this.matcher.match(at)) scanned.first = local.time;
      }
      scanned.upTo = end;
    }
    this.scanned = scanned;
    return scanned.first;
  }

  /**
   * Whether `sub` should have had today's push by `now`: its time has come,
   * and it subscribed (or last changed its time) before that time today,
   * so a new subscriber starts with the next push instead of at once.
   * @param defaultTime {@link defaultTimeSoFar} of `now`
   */
  isDue(sub: Pick<Subscription, "time" | "createdAt">, now: Date, defaultTime: string | undefined): boolean {
    const due = sub.time ?? defaultTime;
    const here = this.local(now);
    if (due === undefined || due > here.time) return false;
    const created = this.local(new Date(sub.createdAt));
    return created.day < here.day || (created.day === here.day && created.time < due);
  }

  /**
   * The next minute after `now` at which anyone is due: the default
   * schedule (when some subscriber uses it) or a personal time. Looks at
   * most two days ahead.
   */
  nextRun(now: Date, subs: ReadonlyArray<Pick<Subscription, "time">>): NextRun | undefined {
    const personal = new Set(subs.flatMap((s) => (s.time === null ? [] : [s.time])));
    const usesDefault = subs.some((s) => s.time === null);
    const today = this.local(now).day;
    for (let t = floorMinute(now) + MINUTE_MS, i = 0; i < 2 * DAY_MINUTES; t += MINUTE_MS, i++) {
      const at = new Date(t);
      const local = this.local(at);
      if (personal.has(local.time) || (usesDefault && this.matcher.match(at)))
        return { ...local, today: local.day === today };
    }
    return undefined;
  }

  /** Release the matcher (node-cron keeps a registry of tasks). */
  close(): void {
    void this.matcher.destroy();
  }
}

/** Starts calling `onTick` once a minute; returns a function that stops it. */
export type { Ticker };

/**
 * The production {@link Ticker}: a node-cron job firing at second 0 of
 * every minute in `timeZone`. Personal push times have minute precision,
 * so one job serves the default schedule and every personal time alike.
 */
export function minuteTicker(timeZone: string, log: Logger): Ticker {
  return cronTicker("* * * * *", timeZone, log, "daily-push");
}

function floorMinute(date: Date): number {
  return Math.floor(date.getTime() / MINUTE_MS) * MINUTE_MS;
}
