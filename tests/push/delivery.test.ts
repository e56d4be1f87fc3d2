import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fakeClock } from "../helpers/bot.ts";
import { FakeSender, pushService, subscribeMany, tempSqlite } from "./helpers.ts";

const PUSH_TIME = "2026-11-24T23:30:00Z"; // 07:30 on 2026-11-25 in Shanghai
const DAY = "2026-11-25";
const TEN_MINUTES = 10 * 60_000;

/** Resolves once `check` holds, polling the event loop (no wall-clock assertions). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 1));
}

describe("exactly one push per chat and day, across crashes and restarts", () => {
  let clock: ReturnType<typeof fakeClock>;
  let db: Awaited<ReturnType<typeof tempSqlite>>;

  beforeEach(async () => {
    clock = fakeClock("2026-11-23T00:00:00Z");
    db = await tempSqlite(clock);
    await subscribeMany(db.store, 40);
    clock.set(PUSH_TIME);
  });
  afterEach(() => db.cleanup());

  it("finishes a push that crashed half-way after a restart, without duplicates", async () => {
    // First process: its 21st send never returns — the process dies there.
    let sends = 0;
    const first = new FakeSender("telegram", () => (++sends > 20 ? "hang" : undefined));
    const fourWorkers = { telegram: { perSecond: 5000, concurrency: 4 } };
    const crashed = await pushService(db.store, clock, [first], { owner: "first", paces: fourWorkers });
    void crashed.service.tick();
    await until(() => sends >= 20 + 4); // 20 delivered, the 4 workers stuck mid-send
    expect(first.delivered).toHaveLength(20);

    // Second process on the same database file.
    clock.set("2026-11-24T23:35:00Z");
    const second = new FakeSender();
    const restarted = await pushService(await db.open(), clock, [second], { owner: "second", staleMs: TEN_MINUTES });
    restarted.service.start();
    await restarted.service.idle();
    // The 4 chats whose sends were in flight stay claimed by the dead process for now.
    expect(second.delivered).toHaveLength(16);

    // Once those claims are stale, the next tick delivers them too.
    clock.set("2026-11-24T23:45:00Z");
    await restarted.service.tick();
    const everyone = [...first.chats(), ...second.chats()].sort();
    expect(everyone).toEqual(Array.from({ length: 40 }, (_, i) => `c${i}`).sort());
    expect(new Set(everyone).size).toBe(40);
    const log = await db.store.listDeliveries(DAY);
    expect(log.filter((d) => d.status === "sent")).toHaveLength(40);
    await restarted.service.stop();
  });

  it("stops cleanly mid-push with a consistent log, and the next start delivers the rest", async () => {
    let stopRequested: Promise<void> | undefined;
    const first = new FakeSender();
    const { service } = await pushService(db.store, clock, [first], {
      paces: { telegram: { perSecond: 5000, concurrency: 3 } },
    });
    const original = first.send.bind(first);
    first.send = async (chatId, reply) => {
      await original(chatId, reply);
      if (first.delivered.length === 10) stopRequested = service.stop();
    };
    await service.tick();
    await stopRequested;

    const afterStop = await db.store.listDeliveries(DAY);
    expect(afterStop.every((d) => d.status === "sent")).toBe(true);
    expect(afterStop).toHaveLength(first.delivered.length);
    expect(first.delivered.length).toBeLessThan(40);

    const second = new FakeSender();
    const next = await pushService(await db.open(), clock, [second], { owner: "next" });
    next.service.start();
    await next.service.idle();
    expect([...first.chats(), ...second.chats()].sort()).toEqual(Array.from({ length: 40 }, (_, i) => `c${i}`).sort());
    await next.service.stop();
  });

  it("runs one push at a time; a tick during a push leaves it alone", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const sender = new FakeSender();
    const original = sender.send.bind(sender);
    sender.send = async (chatId, reply) => (await gate, original(chatId, reply));
    const { service } = await pushService(db.store, clock, [sender]);
    const running = service.tick();
    expect(await service.tick()).toBeUndefined();
    release();
    await running;
    expect(sender.counts().size).toBe(40);
    expect([...sender.counts().values()].every((n) => n === 1)).toBe(true);
    await service.stop();
  });

  it("two processes pushing at once still deliver each chat once", async () => {
    const a = new FakeSender();
    const b = new FakeSender();
    const one = await pushService(db.store, clock, [a], { owner: "a" });
    const two = await pushService(await db.open(), clock, [b], { owner: "b" });
    await Promise.all([one.service.tick(), two.service.tick()]);
    const all = [...a.chats(), ...b.chats()];
    expect(all).toHaveLength(40);
    expect(new Set(all).size).toBe(40);
    await Promise.all([one.service.stop(), two.service.stop()]);
  });
});
