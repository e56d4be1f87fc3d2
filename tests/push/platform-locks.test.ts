import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Reply } from "../../src/chat/message.ts";
import { t } from "../../src/bot/strings.ts";
import { silentLogger } from "../../src/log.ts";
import { lockPlatforms, pushLockName } from "../../src/push/platform-locks.ts";
import type { Store } from "../../src/store/store.ts";
import { fakeClock } from "../helpers/bot.ts";
import { captureLog, FakeSender, pushService, subscribeMany, tempSqlite } from "./helpers.ts";

const PUSH_TIME = "2026-11-24T23:30:00Z"; // 07:30 on 2026-11-25 in Shanghai

/** A sender whose sends wait until the test opens the gate. */
class GatedSender extends FakeSender {
  private open!: () => void;
  private readonly gate = new Promise<void>((resolve) => (this.open = resolve));
  waiting = 0;

  override async send(chatId: string, reply: Reply): Promise<void> {
    this.waiting++;
    await this.gate;
    return super.send(chatId, reply);
  }

  release(): void {
    this.open();
  }
}

describe("one pusher per platform among instances sharing a store", () => {
  let clock: ReturnType<typeof fakeClock>;
  let db: Awaited<ReturnType<typeof tempSqlite>>;

  beforeEach(async () => {
    clock = fakeClock("2026-11-23T00:00:00Z");
    db = await tempSqlite(clock);
    await subscribeMany(db.store, 10);
    clock.set(PUSH_TIME);
  });
  afterEach(() => db.cleanup());

  it("leaves a platform alone while another instance pushes it, then finds nothing left", async () => {
    const busySender = new GatedSender();
    const first = await pushService(db.store, clock, [busySender], { owner: "first" });
    const idleSender = new FakeSender();
    const second = await pushService(db.store, clock, [idleSender], { owner: "second" });

    const pushing = first.service.tick();
    await expect.poll(() => busySender.waiting).toBeGreaterThan(0);
    expect(await second.service.tick()).toEqual([]);
    expect(await second.service.pushNow()).toBe(t.pushBusy);

    busySender.release();
    await pushing;
    await second.service.idle();
    expect(await second.service.tick()).toEqual([]);
    expect(idleSender.delivered).toEqual([]);
    expect(busySender.chats().sort()).toEqual(Array.from({ length: 10 }, (_, i) => `c${i}`).sort());
    await Promise.all([first.service.stop(), second.service.stop()]);
  });

  it("still pushes the platforms it can lock", async () => {
    const telegram = new FakeSender("telegram");
    const wechat = new FakeSender("wechat");
    clock.set("2026-11-23T00:00:00Z");
    await subscribeMany(db.store, 3, { platform: "wechat", prefix: "w" });
    clock.set(PUSH_TIME);
    const otherInstance = await db.store.tryLock(pushLockName("telegram"));
    const { service } = await pushService(db.store, clock, [telegram, wechat]);

    const reports = await service.tick();

    expect(reports?.map((r) => r.platform)).toEqual(["wechat"]);
    expect(wechat.chats().sort()).toEqual(["w0", "w1", "w2"]);
    expect(telegram.delivered).toEqual([]);
    await otherInstance!.release();
    await service.tick();
    expect(telegram.delivered).toHaveLength(10);
    await service.stop();
  });

  it("waits for the next tick when the store cannot grant the lock", async () => {
    const { log, lines } = captureLog();
    let broken = true;
    const flaky: Store = Object.create(db.store, {
      tryLock: {
        value: (name: string) => (broken ? Promise.reject(new Error("connection refused")) : db.store.tryLock(name)),
      },
    });
    const sender = new FakeSender();
    const { service } = await pushService(flaky, clock, [sender], { log });

    expect(await service.tick()).toEqual([]);
    expect(sender.delivered).toEqual([]);
    expect(lines().some((l) => l.platform === "telegram" && String(l.msg).includes("push lock"))).toBe(true);

    broken = false;
    await service.tick();
    expect(sender.delivered).toHaveLength(10);
    await service.stop();
  });
});

describe("lockPlatforms", () => {
  let db: Awaited<ReturnType<typeof tempSqlite>>;
  beforeEach(async () => {
    db = await tempSqlite(fakeClock("2026-11-25T00:00:00Z"));
  });
  afterEach(() => db.cleanup());

  it("takes each platform's lock once and gives them all back", async () => {
    const locks = await lockPlatforms(db.store, ["telegram", "wechat", "telegram"], silentLogger());
    expect(locks.busy.size).toBe(0);
    expect(await db.store.tryLock(pushLockName("telegram"))).toBeUndefined();
    await locks.release();
    const again = await lockPlatforms(db.store, ["telegram", "wechat"], silentLogger());
    expect(again.busy.size).toBe(0);
    await again.release();
  });
});
