import type { Handled } from "../bot/core.ts";
import type { Sender } from "../chat/sender.ts";
import type { Clock } from "../clock.ts";
import type { LibrarySnapshot } from "../catalog/live.ts";
import type { Logger } from "../log.ts";
import { Health, type AdapterStatus, type HealthSources } from "./health.ts";
import { startHttpServer, type HttpServer, type HttpServerOptions } from "./http.ts";
import { messageObserver } from "./message-log.ts";
import { Metrics } from "./metrics.ts";
import { observedSender } from "./sender.ts";

/** What the composition root hands to observability. */
export interface ObservabilityDeps {
  log: Logger;
  clock: Clock;
  library: () => LibrarySnapshot;
  /** Configured adapters, and whether each one is running. */
  adapters: () => readonly AdapterStatus[];
  /** The sync's status, when it runs inside the bot. */
  sync?: HealthSources["sync"];
  /** Export Node's process metrics too (the real bot does; tests need not). */
  processMetrics?: boolean;
}

/**
 * Logs, metrics and health of one running bot, in one place for the
 * composition root: the bot's message observer, observed senders for the
 * push, and the optional HTTP server.
 */
export class Observability {
  readonly metrics: Metrics;
  readonly health: Health;
  /** Pass as the bot's `observe`. */
  readonly observeMessage: (handled: Handled) => void;
  private readonly senders = new WeakMap<Sender, Sender>();
  private server?: HttpServer;

  constructor(private readonly deps: ObservabilityDeps) {
    this.metrics = new Metrics({ processMetrics: deps.processMetrics, librarySize: () => deps.library().library.size });
    this.health = new Health({
      clock: deps.clock,
      adapters: deps.adapters,
      library: () => ({ size: deps.library().library.size, loadedAt: deps.library().loadedAt }),
      sync: deps.sync,
    });
    this.observeMessage = messageObserver(deps.log, this.metrics);
  }

  /** `sender`, logged and counted; the same wrapper every time for the same sender. */
  sender(sender: Sender): Sender {
    let observed = this.senders.get(sender);
    if (!observed)
      this.senders.set(
        sender,
        (observed = observedSender(sender, { log: this.deps.log, metrics: this.metrics, health: this.health })),
      );
    return observed;
  }

  /** Serve /healthz and /metrics on `port` (0: any free port), and `web` on every other path when given. */
  async listen(port: number, host?: string, web?: HttpServerOptions["web"]): Promise<HttpServer> {
    this.server = await startHttpServer({
      port,
      host,
      health: this.health,
      metrics: this.metrics,
      log: this.deps.log,
      web,
    });
    return this.server;
  }

  /** Stop the HTTP server, if any. */
  async close(): Promise<void> {
    await this.server?.close();
  }
}
