import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { systemClock } from "../../src/clock.ts";
import { silentLogger } from "../../src/log.ts";
import { minuteTicker } from "../../src/push/scheduler.ts";
import { FakeSender, pushService, subscribeMany, tempSqlite } from "./helpers.ts";

// node-cron and the push under vitest's fake timers: Date and setTimeout both move only when told.
describe("the production ticker (node-cron)", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date", "setTimeout", "clearTimeout", "setInterval", "clearInterval", "performance"] });
    vi.setSystemTime(new Date("2026-11-24T23:29:30Z")); // 07:29:30 in Shanghai
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("fires at the start of every minute until stopped", async () => {
    const ticks: string[] = [];
    const stop = minuteTicker("Asia/Shanghai", silentLogger())(() => ticks.push(new Date().toISOString()));
    await vi.advanceTimersByTimeAsync(29_000);
    expect(ticks).toEqual([]);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(ticks).toEqual(["2026-11-24T23:30:00.000Z"]);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(ticks).toHaveLength(3);
    stop();
    await vi.advanceTimersByTimeAsync(300_000);
    expect(ticks).toHaveLength(3);
  });

  it("drives the push service: nothing before 07:30 Shanghai, everyone at 07:30", async () => {
    const db = await tempSqlite(systemClock);
    vi.setSystemTime(new Date("2026-11-23T12:00:00Z"));
    await subscribeMany(db.store, 5);
    vi.setSystemTime(new Date("2026-11-24T23:29:30Z"));
    const sender = new FakeSender();
    const { service } = await pushService(db.store, systemClock, [sender], {
      ticker: minuteTicker("Asia/Shanghai", silentLogger()),
    });

    service.start();
    await vi.advanceTimersByTimeAsync(29_000);
    await service.idle();
    expect(sender.delivered).toHaveLength(0);

    await vi.advanceTimersByTimeAsync(2_000);
    await service.idle();
    expect(sender.chats().sort()).toEqual(["c0", "c1", "c2", "c3", "c4"]);
    expect((await db.store.listDeliveries("2026-11-25")).every((d) => d.status === "sent")).toBe(true);
    await service.stop();
    await db.cleanup();
  });
});
