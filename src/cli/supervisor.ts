import { AdapterFatalError, type Adapter, type AdapterContext, type AdapterModule } from "../bot/adapter.ts";
import type { Logger } from "../log.ts";
import type { AdapterStatus } from "../observability/health.ts";
import { messageOf } from "../util/errors.ts";
import { errorLine, type Configured } from "./platforms.ts";

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

/** A configured adapter: its code loading, then running under a {@link Supervised}. */
interface Slot {
  entry: Configured;
  /** Settles once the adapter exists (or could not be made). */
  ready?: Promise<void>;
  supervised?: Supervised;
  /** Why the adapter could not be made (its module failed to load, or its factory threw). */
  error?: string;
}

/** How the adapters report to the rest of the bot. */
export interface SlotHooks {
  log: Logger;
  /** Every adapter failed for good: the process should end (exit code 1, with the reason). */
  requestShutdown: (reason: string, exitCode?: number, message?: string) => void;
  /** An adapter started (announcements due meanwhile go out). */
  onStarted: () => void;
}

/**
 * Every configured adapter, each loaded and started on its own, side by
 * side (loading wechaty does not hold Telegram's start), and supervised:
 * one that fails for good is logged while the others run; when all have,
 * the process is asked to end.
 */
export class AdapterSlots {
  private readonly slots: Slot[];
  private stopping = false;

  constructor(
    entries: readonly Configured[],
    private readonly hooks: SlotHooks,
  ) {
    this.slots = entries.map((entry) => ({ entry }));
  }

  /** Each adapter's line in `/healthz`: its own once it exists. */
  statuses(): AdapterStatus[] {
    return this.slots.map(({ entry, supervised, error }) =>
      supervised
        ? supervised.status()
        : {
            platform: entry.module.platform,
            state: error ? "failed" : "starting",
            connected: false,
            ...(error ? { lastError: error } : {}),
          },
    );
  }

  /** The adapters that exist (started, retrying or failed). */
  supervised(): Supervised[] {
    return this.slots.flatMap((slot) => (slot.supervised ? [slot.supervised] : []));
  }

  /** Load and start every adapter in the background, each with the context `contextFor` gives its module. */
  start(contextFor: (module: AdapterModule) => AdapterContext): void {
    const { log, requestShutdown } = this.hooks;
    const onFatal = (failed: Supervised) => {
      if (this.allFailed()) return requestShutdown(`${failed.platform} cannot start`, 1, failed.lastError);
      log.error(
        { platform: failed.platform, others: this.others(failed.platform) },
        `${failed.lastError} (the other adapters keep running)`,
      );
    };
    for (const slot of this.slots) {
      const { module, config } = slot.entry;
      slot.ready = module
        .load()
        .then(async (mod) => {
          const adapter = await mod.createAdapter(contextFor(module), config);
          if (this.stopping) return;
          slot.supervised = new Supervised(adapter, { log, onFatal, onStarted: this.hooks.onStarted });
          void slot.supervised.start();
        })
        .catch((err: unknown) => {
          slot.error = errorLine(err);
          if (this.allFailed())
            return requestShutdown(`${module.platform} cannot start`, 1, `${module.platform}: ${slot.error}`);
          log.error({ platform: module.platform, err: slot.error }, "adapter could not be created");
        });
    }
  }

  /** Stop every adapter (finishing its queued replies) while `alongside` runs (the push's drain: they share the time). */
  async stop(alongside: Promise<void>): Promise<void> {
    this.stopping = true;
    await Promise.all(this.slots.map((slot) => slot.ready));
    const { log } = this.hooks;
    await Promise.all([
      alongside,
      ...this.supervised().map((s) =>
        s
          .stop()
          .catch((err: unknown) =>
            log.warn({ platform: s.platform, err: errorLine(err) }, "adapter did not stop cleanly"),
          ),
      ),
    ]);
  }

  private allFailed(): boolean {
    return this.slots.every((slot) => slot.error !== undefined || slot.supervised?.state === "failed");
  }

  private others(platform: string): string[] {
    return this.slots.map((s) => s.entry.module.platform).filter((p) => p !== platform);
  }
}
