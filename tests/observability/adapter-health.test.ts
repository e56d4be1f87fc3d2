import { afterEach, describe, expect, it, vi } from "vitest";
import type { Adapter } from "../../src/bot/adapter.ts";
import { startWithRetry } from "../../src/cli/start.ts";
import { silentLogger } from "../../src/log.ts";
import { Health } from "../../src/observability/health.ts";
import { fakeClock } from "../helpers/bot.ts";

afterEach(() => {
  vi.useRealTimers();
});

/** An adapter whose platform is unreachable for its first `failures` starts. */
function flakyAdapter(platform: string, failures: number): Adapter {
  let attempts = 0;
  return {
    platform,
    sender: { platform, send: async () => {} },
    start: async () => {
      if (++attempts <= failures) throw new Error("platform unreachable");
    },
    stop: async () => {},
  };
}

describe("adapters in /healthz", () => {
  it("show a platform that is down at boot as not connected until a retry succeeds", async () => {
    vi.useFakeTimers();
    const adapters = [flakyAdapter("telegram", 0), flakyAdapter("wechat", 1)];
    const connected = new Set<Adapter>();
    const health = new Health({
      clock: fakeClock("2026-11-25T00:00:00Z"),
      adapters: () => adapters.map((a) => ({ platform: a.platform, connected: connected.has(a) })),
      library: () => ({ size: 4, loadedAt: new Date("2026-11-25T00:00:00Z") }),
    });
    for (const a of adapters) await startWithRetry(a, silentLogger(), { running: () => true, onStarted: () => connected.add(a) });
    expect(health.report()).toMatchObject({
      status: "ok",
      adapters: [
        { platform: "telegram", connected: true },
        { platform: "wechat", connected: false },
      ],
    });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(health.report().adapters).toEqual([
      { platform: "telegram", connected: true },
      { platform: "wechat", connected: true },
    ]);
  });
});
