import { describe, expect, it } from "vitest";
import { Pacer } from "../../src/push/pacer.ts";

/** Virtual time: `wait` moves the clock instead of sleeping. */
function virtualTime() {
  let now = 0;
  return { now: () => now, wait: async (ms: number) => void (now += ms) };
}

describe("Pacer", () => {
  it("spaces sends evenly at the configured rate", async () => {
    const time = virtualTime();
    const pacer = new Pacer({ perSecond: 25 }, time.now, time.wait);
    const at: number[] = [];
    for (let i = 0; i < 5; i++) {
      await pacer.take();
      at.push(time.now());
    }
    expect(at).toEqual([0, 40, 80, 120, 160]);
  });

  it("holds everyone back for a pause, then resumes at the rate", async () => {
    const time = virtualTime();
    const pacer = new Pacer({ perSecond: 10 }, time.now, time.wait);
    await pacer.take();
    pacer.pause(3000);
    await pacer.take();
    expect(time.now()).toBe(3000);
    await pacer.take();
    expect(time.now()).toBe(3100);
  });

  it("does not wait at all without a rate", async () => {
    const time = virtualTime();
    const pacer = new Pacer({ perSecond: 0 }, time.now, time.wait);
    for (let i = 0; i < 3; i++) await pacer.take();
    expect(time.now()).toBe(0);
  });
});
