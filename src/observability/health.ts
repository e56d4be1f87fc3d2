import type { Clock } from "../clock.ts";

/** The last push delivery the bot attempted. */
export interface LastPush {
  at: string;
  platform: string;
  /** `sent`, or the failure kind (`gone`, `rate_limited`, `transient`, `rejected`). */
  outcome: string;
}

/**
 * One configured adapter in `/healthz`: where its start is (`starting`,
 * `connected`, `retrying` while the platform is unreachable, `failed` when
 * it can never start, e.g. a wrong token), whether it can serve chats now,
 * the last start error, and platform details (WeChat `loggedIn`, `qrUrl`…).
 */
export interface AdapterStatus {
  platform: string;
  state?: "starting" | "running" | "retrying" | "failed" | "stopped";
  connected: boolean;
  lastError?: string;
  [detail: string]: unknown;
}

/** A finished sync as `/healthz` shows it. */
export interface SyncHealth {
  at: string;
  result: string;
  newArticles: number;
  commit?: string;
  error?: string;
}

/** The `/healthz` document. */
export interface HealthReport {
  /**
   * `ok` when every configured adapter is connected, `degraded` otherwise
   * (an empty library is a state to see, not to restart over).
   */
  status: "ok" | "degraded";
  /** When the bot turned to this status (seen by a report), or started. */
  since: string;
  adapters: AdapterStatus[];
  library: { articles: number; loadedAt: string };
  /** The last push delivery attempt; null before the first. */
  lastPush: LastPush | null;
  lastSuccessfulPush: LastPush | null;
  /** Present when the sync runs inside the bot (SYNC_REPO): its last run and last success, null before the first. */
  sync?: { lastSync: SyncHealth | null; lastSuccessfulSync: SyncHealth | null };
  uptimeSeconds: number;
}

/**
 * `/healthz` for whoever reaches the port: the state and nothing else. The
 * details (a pending WeChat QR code, logins and logouts with WeChat's
 * reason, start errors) let a stranger take over or watch the bot's
 * account, so they stay in the console and on the host itself.
 */
export interface PublicHealth {
  status: HealthReport["status"];
  since: string;
  adapters: Array<Pick<AdapterStatus, "platform" | "state" | "connected">>;
}

/** Where the health report reads the live state from. */
export interface HealthSources {
  clock: Clock;
  /** Configured adapters, and whether each one is running (one may still be retrying its start). */
  adapters: () => readonly AdapterStatus[];
  library: () => { size: number; loadedAt: Date };
  /** The sync's status, when it runs inside the bot. */
  sync?: () => { last?: SyncHealth; lastSuccess?: SyncHealth };
}

/** The bot's health: live state read on demand, plus what the push reported last. */
export class Health {
  private readonly startedAt: number;
  private lastPush: LastPush | null = null;
  private lastSuccessfulPush: LastPush | null = null;
  /** The status the last report saw, and since when; nothing is connected at start. */
  private status: { status: HealthReport["status"]; since: string };

  constructor(private readonly sources: HealthSources) {
    this.startedAt = sources.clock.now().getTime();
    this.status = { status: "degraded", since: new Date(this.startedAt).toISOString() };
  }

  /** Record a push delivery attempt. */
  pushed(platform: string, outcome: string): void {
    this.lastPush = { at: this.sources.clock.now().toISOString(), platform, outcome };
    if (outcome === "sent") this.lastSuccessfulPush = this.lastPush;
  }

  /** The report `/healthz` serves. */
  report(): HealthReport {
    const adapters = this.sources.adapters().map((a) => ({ ...a }));
    const { size, loadedAt } = this.sources.library();
    const status = adapters.length > 0 && adapters.every((a) => a.connected) ? "ok" : "degraded";
    if (this.status.status !== status) this.status = { status, since: this.sources.clock.now().toISOString() };
    return {
      status,
      since: this.status.since,
      adapters,
      library: { articles: size, loadedAt: loadedAt.toISOString() },
      lastPush: this.lastPush,
      lastSuccessfulPush: this.lastSuccessfulPush,
      ...this.syncReport(),
      uptimeSeconds: Math.round((this.sources.clock.now().getTime() - this.startedAt) / 1000),
    };
  }

  /** The report for anyone: {@link PublicHealth}. */
  publicReport(): PublicHealth {
    const { status, since, adapters } = this.report();
    return {
      status,
      since,
      adapters: adapters.map(({ platform, state, connected }) => ({ platform, state, connected })),
    };
  }

  private syncReport(): Pick<HealthReport, "sync"> {
    if (!this.sources.sync) return {};
    const { last, lastSuccess } = this.sources.sync();
    return { sync: { lastSync: last ?? null, lastSuccessfulSync: lastSuccess ?? null } };
  }
}
