import { afterEach, describe, expect, it } from "vitest";
import { PushSchedule } from "../../src/push/scheduler.ts";

const schedules: PushSchedule[] = [];
const shanghai = (cron = "30 7 * * *") => {
  const s = new PushSchedule(cron, "Asia/Shanghai");
  schedules.push(s);
  return s;
};
afterEach(() => schedules.splice(0).forEach((s) => s.close()));

// Asia/Shanghai is UTC+8 all year: 07:30 there is 23:30 UTC the day before.
const at = (iso: string) => new Date(iso);

describe("PushSchedule", () => {
  it("reads the day and minute in the push time zone, across the UTC day boundary", () => {
    expect(shanghai().local(at("2026-11-24T23:30:59Z"))).toEqual({ day: "2026-11-25", time: "07:30" });
    expect(shanghai().local(at("2026-11-25T15:59:00Z"))).toEqual({ day: "2026-11-25", time: "23:59" });
    expect(shanghai().local(at("2026-11-25T16:00:00Z"))).toEqual({ day: "2026-11-26", time: "00:00" });
  });

  it("tells subscribers the default time as a clock time, never as cron text (the cronToTime of start.ts showed */5 * * * * as written)", () => {
    expect(shanghai("30 7 * * *").defaultTime).toBe("07:30");
    expect(shanghai("5 21 * * 1-5").defaultTime).toBe("21:05");
    expect(shanghai("0 8,20 * * *").defaultTime).toBe("08:00");
    expect(shanghai("*/5 * * * *").defaultTime).toBe("00:00");
    expect(shanghai("15 */6 * * 0").defaultTime).toBe("00:15");
    expect(() => shanghai("30 7 * * * *")).toThrow(/invalid cron expression/);
  });

  it("says the default push has fired today only from its minute on", () => {
    const s = shanghai();
    expect(s.defaultTimeSoFar(at("2026-11-24T23:29:59Z"))).toBeUndefined();
    expect(s.defaultTimeSoFar(at("2026-11-24T23:30:00Z"))).toBe("07:30");
    expect(s.defaultTimeSoFar(at("2026-11-25T15:59:00Z"))).toBe("07:30");
    expect(s.defaultTimeSoFar(at("2026-11-25T16:00:00Z"))).toBeUndefined();
  });

  it("takes the first firing of the day when the expression fires several times", () => {
    expect(shanghai("0 8,20 * * *").defaultTimeSoFar(at("2026-11-25T13:00:00Z"))).toBe("08:00");
  });

  it("honours days of the week in the push time zone", () => {
    // 2026-11-29 is a Sunday in Shanghai (and still Saturday in UTC at 02:00 Shanghai).
    const weekdays = shanghai("30 7 * * 1-5");
    expect(weekdays.defaultTimeSoFar(at("2026-11-29T02:00:00Z"))).toBeUndefined();
    expect(weekdays.defaultTimeSoFar(at("2026-11-30T02:00:00Z"))).toBe("07:30");
  });

  it("makes a subscriber due once its time has come", () => {
    const s = shanghai();
    const yesterday = "2026-11-24T00:00:00Z";
    const before = at("2026-11-25T13:29:00Z"); // 21:29 Shanghai
    const after = at("2026-11-25T13:30:00Z"); // 21:30 Shanghai
    expect(s.isDue({ time: "21:30", createdAt: yesterday }, before, "07:30")).toBe(false);
    expect(s.isDue({ time: "21:30", createdAt: yesterday }, after, "07:30")).toBe(true);
    expect(s.isDue({ time: null, createdAt: yesterday }, before, "07:30")).toBe(true);
    expect(s.isDue({ time: null, createdAt: yesterday }, before, undefined)).toBe(false);
  });

  it("lets a new subscriber wait for the next push instead of pushing at once", () => {
    const s = shanghai();
    const subscribedAt0900 = "2026-11-25T01:00:00Z";
    const noon = at("2026-11-25T04:00:00Z");
    expect(s.isDue({ time: null, createdAt: subscribedAt0900 }, noon, "07:30")).toBe(false);
    expect(s.isDue({ time: "21:30", createdAt: subscribedAt0900 }, at("2026-11-25T13:30:00Z"), "07:30")).toBe(true);
    expect(s.isDue({ time: null, createdAt: subscribedAt0900 }, at("2026-11-25T23:30:00Z"), "07:30")).toBe(true);
  });

  it("tells when the next push is, today or tomorrow", () => {
    const s = shanghai();
    const morning = at("2026-11-24T22:00:00Z"); // 06:00 Shanghai
    const evening = at("2026-11-25T14:00:00Z"); // 22:00 Shanghai
    expect(s.nextRun(morning, [{ time: null }])).toEqual({ day: "2026-11-25", time: "07:30", today: true });
    expect(s.nextRun(evening, [{ time: null }])).toEqual({ day: "2026-11-26", time: "07:30", today: false });
    expect(s.nextRun(evening, [{ time: null }, { time: "22:15" }])).toEqual({
      day: "2026-11-25",
      time: "22:15",
      today: true,
    });
    expect(s.nextRun(morning, [{ time: "06:00" }])).toMatchObject({ time: "06:00", today: false });
    expect(s.nextRun(morning, [])).toBeUndefined();
  });

  it("refuses an invalid cron expression", () => {
    expect(() => new PushSchedule("every morning", "Asia/Shanghai")).toThrow(/cron/);
  });
});
