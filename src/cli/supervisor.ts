import { AdapterFatalError, type Adapter } from "../bot/adapter.ts";
import type { Logger } from "../log.ts";
import type { AdapterStatus } from "../observability/health.ts";
import { messageOf } from "../util/errors.ts";

/** Delay between attempts to start an adapter whose platform is unreachable. */
export const ADAPTER_RETRY_MS: readonly number[] = [5_000, 15_000, 60_000];

/** How a {@link Supervised} adapter reports to the rest of the bot. */
export interface SupervisorHooks {
  log: Logger;
  /** The adapter can never start (a wrong token): no retry follows. */
  onFatal?: (adapter: Supervised) => void;
  /** The adapter started (first time or after retries). */
  onStarted?: (adapter: Supervised) => void;
  /** Waits between attempts; default {@link ADAPTER_RETRY_MS}, the last one repeating. */
  retryMs?: readonly number[];
}

/**
 * One adapter, started in the background and kept trying: a platform that
 * is down at boot is retried with backoff (5 s, 15 s, then every minute)
 * while everything else runs, a fatal error (wrong token) stops the tries,
 * and `status()` says which of these is happening for `/healthz`.
 */
export class Supervised {
  state: AdapterStatus["state"] = "starting";
  /** One line about the last failed start. */
  lastError?: string;
  private attempts = 0;
  private timer?: NodeJS.Timeout;
  private readonly abort = new AbortController();
  private stopped = false;

  constructor(
    readonly adapter: Adapter,
    private readonly hooks: SupervisorHooks,
  ) {}

  get platform(): string {
    return this.adapter.platform;
  }

  /** Begin the first attempt; resolves when that attempt is over (started, failed, or retry scheduled). */
  start(): Promise<void> {
    return this.attempt();
  }

  private async attempt(): Promise<void> {
    const { log } = this.hooks;
    const platform = this.platform;
    const attempt = this.attempts++;
    try {
      await this.adapter.start(this.abort.signal);
      if (this.stopped) return;
      this.state = "running";
      this.lastError = undefined;
      log.info({ platform, attempt }, "adapter started");
      this.hooks.onStarted?.(this);
    } catch (err) {
      if (this.stopped) return;
      this.lastError = messageOf(err);
      if (err instanceof AdapterFatalError) {
        this.state = "failed";
        log.error({ platform }, this.lastError);
        this.hooks.onFatal?.(this);
        return;
      }
      const delays = this.hooks.retryMs ?? ADAPTER_RETRY_MS;
      const delay = delays[Math.min(attempt, delays.length - 1)]!;
      this.state = "retrying";
      // One line, no stack: this repeats every minute while the platform is down.
      log.warn({ platform, attempt, retryInMs: delay, reason: this.lastError }, "adapter could not start; will retry");
      this.timer = setTimeout(() => void this.attempt(), delay);
    }
  }

  /** The adapter's line in `/healthz`. */
  status(): AdapterStatus {
    const own = this.adapter.health?.();
    return {
      ...own?.details,
      platform: this.platform,
      state: this.state,
      connected: this.state === "running" && (own?.connected ?? true),
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  /** Stop trying, abort a start under way, and stop the adapter. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.abort.abort();
    this.state = "stopped";
    await this.adapter.stop();
  }
}
