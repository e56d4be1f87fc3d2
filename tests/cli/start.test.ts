import { afterEach, describe, expect, it, vi } from "vitest";
import type { Adapter } from "../../src/bot/adapter.ts";
import { cronToTime } from "../../src/cli/start.ts";
import { Supervised } from "../../src/cli/supervisor.ts";
import { silentLogger } from "../../src/log.ts";

afterEach(() => {
  vi.useRealTimers();
});

function flakyAdapter(failures: number): Adapter & { attempts: number; signals: AbortSignal[] } {
  const adapter = {
    platform: "flaky",
    attempts: 0,
    signals: [] as AbortSignal[],
    sender: { platform: "flaky", send: async () => {} },
    start: async (signal?: AbortSignal) => {
      adapter.attempts++;
      if (signal) adapter.signals.push(signal);
      if (adapter.attempts <= failures) throw new Error("platform unreachable");
    },
    stop: async () => {},
  };
  return adapter;
}

describe("starting adapters", () => {
  it("keeps trying a platform that is down at boot: after 5 s, 15 s, then every minute", async () => {
    vi.useFakeTimers();
    const adapter = flakyAdapter(3);
    await new Supervised(adapter, { log: silentLogger() }).start();
    expect(adapter.attempts).toBe(1);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(adapter.attempts).toBe(2);
    await vi.advanceTimersByTimeAsync(15_000);
    expect(adapter.attempts).toBe(3);
    await vi.advanceTimersByTimeAsync(59_000);
    expect(adapter.attempts).toBe(3);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(adapter.attempts).toBe(4);
    await vi.advanceTimersByTimeAsync(600_000);
    expect(adapter.attempts).toBe(4);
  });

  it("stops retrying once the bot is shutting down, and aborts the start under way", async () => {
    vi.useFakeTimers();
    const adapter = flakyAdapter(10);
    const s = new Supervised(adapter, { log: silentLogger() });
    await s.start();
    await s.stop();
    await vi.advanceTimersByTimeAsync(600_000);
    expect(adapter.attempts).toBe(1);
    expect(adapter.signals[0]!.aborted).toBe(true);
  });
});

describe("cronToTime", () => {
  it("shows a daily cron as a clock time, anything else as written", () => {
    expect(cronToTime("30 7 * * *")).toBe("07:30");
    expect(cronToTime("*/5 * * * *")).toBe("*/5 * * * *");
  });
});
