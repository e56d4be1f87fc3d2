import type { Clock } from "../clock.ts";

/** The last push delivery the bot attempted. */
export interface LastPush {
  at: string;
  platform: string;
  /** `sent`, or the failure kind (`gone`, `rate_limited`, `transient`, `rejected`). */
  outcome: string;
}

/** The `/healthz` document. */
export interface HealthReport {
  /** `ok` when at least one adapter is connected (an empty library is a state to see, not to restart over). */
  status: "ok" | "degraded";
  adapters: Array<{ platform: string; connected: boolean }>;
  library: { articles: number; loadedAt: string };
  /** The last push delivery attempt; null before the first. */
  lastPush: LastPush | null;
  lastSuccessfulPush: LastPush | null;
  uptimeSeconds: number;
}

/** Where the health report reads the live state from. */
export interface HealthSources {
  clock: Clock;
  /** Configured adapters, and whether each one is running (one may still be retrying its start). */
  adapters: () => ReadonlyArray<{ platform: string; connected: boolean }>;
  library: () => { size: number; loadedAt: Date };
}

/** The bot's health: live state read on demand, plus what the push reported last. */
export class Health {
  private readonly startedAt: number;
  private lastPush: LastPush | null = null;
  private lastSuccessfulPush: LastPush | null = null;

  constructor(private readonly sources: HealthSources) {
    this.startedAt = sources.clock.now().getTime();
  }

  /** Record a push delivery attempt. */
  pushed(platform: string, outcome: string): void {
    this.lastPush = { at: this.sources.clock.now().toISOString(), platform, outcome };
    if (outcome === "sent") this.lastSuccessfulPush = this.lastPush;
  }

  /** The report `/healthz` serves. */
  report(): HealthReport {
    const adapters = this.sources.adapters().map((a) => ({ platform: a.platform, connected: a.connected }));
    const { size, loadedAt } = this.sources.library();
    return {
      status: adapters.some((a) => a.connected) ? "ok" : "degraded",
      adapters,
      library: { articles: size, loadedAt: loadedAt.toISOString() },
      lastPush: this.lastPush,
      lastSuccessfulPush: this.lastSuccessfulPush,
      uptimeSeconds: Math.round((this.sources.clock.now().getTime() - this.startedAt) / 1000),
    };
  }
}
