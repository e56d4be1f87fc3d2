import { afterEach, describe, expect, it, vi } from "vitest";
import { AdapterFatalError, type Adapter } from "../../src/bot/adapter.ts";
import { Supervised } from "../../src/cli/supervisor.ts";
import { silentLogger } from "../../src/log.ts";
import { Health } from "../../src/observability/health.ts";
import { fakeClock } from "../helpers/bot.ts";

afterEach(() => {
  vi.useRealTimers();
});

/** An adapter whose platform is unreachable for its first `failures` starts. */
function flakyAdapter(
  platform: string,
  failures: number,
  error: Error = new Error("platform unreachable"),
): Adapter & { attempts: number } {
  const adapter = {
    platform,
    attempts: 0,
    sender: { platform, send: async () => {} },
    start: async () => {
      if (++adapter.attempts <= failures) throw error;
    },
    stop: async () => {},
  };
  return adapter;
}

function healthOf(supervised: Supervised[]): Health {
  return new Health({
    clock: fakeClock("2026-11-25T00:00:00Z"),
    adapters: () => supervised.map((s) => s.status()),
    library: () => ({ size: 4, loadedAt: new Date("2026-11-25T00:00:00Z") }),
  });
}

describe("adapters in /healthz", () => {
  it("show a platform that is down at boot as retrying, with its last error, until a retry succeeds", async () => {
    vi.useFakeTimers();
    const supervised = [flakyAdapter("telegram", 0), flakyAdapter("wechat", 1)].map(
      (a) => new Supervised(a, { log: silentLogger() }),
    );
    const health = healthOf(supervised);
    for (const s of supervised) await s.start();
    expect(health.report()).toMatchObject({
      status: "degraded",
      adapters: [
        { platform: "telegram", state: "running", connected: true },
        { platform: "wechat", state: "retrying", connected: false, lastError: "platform unreachable" },
      ],
    });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(health.report()).toMatchObject({
      status: "ok",
      adapters: [
        { platform: "telegram", state: "running", connected: true },
        { platform: "wechat", state: "running", connected: true },
      ],
    });
    expect(health.report().adapters[1]).not.toHaveProperty("lastError");
  });

  it("show an adapter that can never start (wrong token) as failed, and stop trying it", async () => {
    vi.useFakeTimers();
    const adapter = flakyAdapter(
      "telegram",
      99,
      new AdapterFatalError("Telegram rejected TELEGRAM_BOT_TOKEN (401 Unauthorized): check the token with @BotFather"),
    );
    const fatal: string[] = [];
    const s = new Supervised(adapter, { log: silentLogger(), onFatal: (f) => fatal.push(f.platform) });
    await s.start();
    await vi.advanceTimersByTimeAsync(600_000);
    expect(adapter.attempts).toBe(1);
    expect(fatal).toEqual(["telegram"]);
    expect(healthOf([s]).report().adapters).toEqual([
      {
        platform: "telegram",
        state: "failed",
        connected: false,
        lastError: expect.stringContaining("401 Unauthorized"),
      },
    ]);
  });
});
