/** The time source the core reads; tests pass a fake one. */
export interface Clock {
  now(): Date;
}

/** The real wall clock. */
export const systemClock: Clock = { now: () => new Date() };

/**
 * The calendar day (YYYY-MM-DD) of `date` in IANA time zone `timeZone`.
 * Used for the image of the day and the push's delivery key.
 */
export function dayInZone(date: Date, timeZone: string): string {
  return localMinute(date, timeZone).day;
}

/** A moment as people in a time zone read it: the calendar day and the minute. */
export interface LocalMinute {
  /** YYYY-MM-DD */
  day: string;
  /** HH:MM, 24-hour */
  time: string;
}

/** One formatter per time zone: the push scans a day minute by minute. */
const minuteFormats = new Map<string, Intl.DateTimeFormat>();

/** The day and minute of `date` in IANA time zone `timeZone`. */
export function localMinute(date: Date, timeZone: string): LocalMinute {
  let format = minuteFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-CA", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    minuteFormats.set(timeZone, format);
  }
  const parts = format.formatToParts(date);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return { day: `${get("year")}-${get("month")}-${get("day")}`, time: `${get("hour")}:${get("minute")}` };
}

/** `date` as `YYYY-MM-DD HH:MM` in IANA time zone `timeZone`, for messages to people. */
export function minuteInZone(date: Date, timeZone: string): string {
  const { day, time } = localMinute(date, timeZone);
  return `${day} ${time}`;
}
