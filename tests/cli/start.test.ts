import { describe, expect, it, vi } from "vitest";
import type { Adapter } from "../../src/bot/adapter.ts";
import { silentLogger } from "../../src/log.ts";
import { cronToTime, startWithRetry } from "../../src/cli/start.ts";

function flakyAdapter(failures: number): Adapter & { attempts: number } {
  const adapter = {
    platform: "flaky",
    attempts: 0,
    sender: { platform: "flaky", send: async () => {} },
    start: async () => {
      adapter.attempts++;
      if (adapter.attempts <= failures) throw new Error("platform unreachable");
    },
    stop: async () => {},
  };
  return adapter;
}

describe("starting adapters", () => {
  it("keeps trying a platform that is down at boot, without blocking the others", async () => {
    vi.useFakeTimers();
    try {
      const adapter = flakyAdapter(2);
      await startWithRetry(adapter, silentLogger(), { running: () => true });
      expect(adapter.attempts).toBe(1);
      await vi.advanceTimersByTimeAsync(5_000);
      expect(adapter.attempts).toBe(2);
      await vi.advanceTimersByTimeAsync(15_000);
      expect(adapter.attempts).toBe(3);
      await vi.advanceTimersByTimeAsync(120_000);
      expect(adapter.attempts).toBe(3);
    } finally {
      vi.useRealTimers();
    }
  });

  it("stops retrying once the bot is shutting down", async () => {
    vi.useFakeTimers();
    try {
      const adapter = flakyAdapter(10);
      let running = true;
      await startWithRetry(adapter, silentLogger(), { running: () => running });
      running = false;
      await vi.advanceTimersByTimeAsync(600_000);
      expect(adapter.attempts).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("cronToTime", () => {
  it("shows a daily cron as a clock time, anything else as written", () => {
    expect(cronToTime("30 7 * * *")).toBe("07:30");
    expect(cronToTime("*/5 * * * *")).toBe("*/5 * * * *");
  });
});
