import { afterEach, describe, expect, it, vi } from "vitest";
import type { Adapter } from "../../src/bot/adapter.ts";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startBot } from "../../src/cli/start-bot.ts";
import { loadConfig } from "../../src/config.ts";
import { capturedLog } from "../observability/harness.ts";
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

describe("configuration that works but is probably a mistake", () => {
  it("warns at start about a bare id in ADMIN_IDS, which makes that id an admin on every platform", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "start-warn-"));
    const { log, lines } = capturedLog();
    const config = loadConfig({ DATA_DIR: dir, ADMIN_IDS: "telegram:42,12345" });
    // Aborted from the start: the warning comes before anything is opened, then start-up stops.
    await expect(startBot(config, log, { signal: AbortSignal.abort() })).rejects.toThrow();
    rmSync(dir, { recursive: true, force: true });
    const warnings = lines().filter((l) => l.level === 40 && String(l.msg).startsWith("ADMIN_IDS"));
    expect(warnings.map((l) => l.msg)).toEqual([
      'ADMIN_IDS entry "12345" names no platform, so it makes a user with that id an admin on every platform; write telegram:12345 or wechat:12345',
    ]);
  });
});
