import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

/** Search latency buckets (seconds): the target is milliseconds, the tail matters up to seconds. */
const SEARCH_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** Options of {@link Metrics}. */
export interface MetricsOptions {
  /** Also export Node's process metrics (CPU, memory, event loop lag). Default false. */
  processMetrics?: boolean;
  /** Read at every scrape for the library size gauge. */
  librarySize?: () => number;
}

/**
 * The bot's Prometheus metrics, in a registry of their own (no global
 * state: every bot, and every test, has its own counters).
 */
export class Metrics {
  readonly registry = new Registry();

  /** Messages seen, by platform, chat kind and outcome (answered, ignored, limited, error). */
  readonly messages = this.counter("article_bot_messages_total", "Messages seen by the bot, by outcome", [
    "platform",
    "chat",
    "outcome",
  ]);

  readonly replies = this.counter("article_bot_replies_total", "Replies sent in answer to messages, by kind", [
    "platform",
    "kind",
  ]);

  readonly searchSeconds = new Histogram({
    name: "article_bot_search_duration_seconds",
    help: "Time to answer a search (search and more), in seconds",
    labelNames: ["platform"] as const,
    buckets: SEARCH_BUCKETS,
    registers: [this.registry],
  });

  /** Push deliveries (one per send attempt), by outcome: sent or a failure kind. */
  readonly pushes = this.counter(
    "article_bot_push_deliveries_total",
    "Push send attempts, by outcome (sent, gone, rate_limited, transient, rejected)",
    ["platform", "outcome"],
  );

  readonly platformErrors = this.counter(
    "article_bot_platform_errors_total",
    "Errors reported by or about a chat platform, by kind",
    ["platform", "kind"],
  );

  constructor(options: MetricsOptions = {}) {
    const { librarySize } = options;
    if (librarySize) {
      new Gauge({
        name: "article_bot_library_articles",
        help: "Articles in the library being served",
        registers: [this.registry],
        collect() {
          this.set(librarySize());
        },
      });
    }
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  private counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  /** Count an error of a platform (adapters call this; failed sends are counted for them). */
  platformError(platform: string, kind: string): void {
    this.platformErrors.inc({ platform, kind });
  }

  /** The exposition text and its content type, for `/metrics`. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
