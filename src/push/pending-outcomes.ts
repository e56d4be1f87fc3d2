import type { Platform } from "../chat/message.ts";
import type { Logger } from "../log.ts";
import type { Store } from "../store/store.ts";

/** What became of a send, to be written to the delivery log. */
export type DeliveryOutcome = { status: "sent" } | { status: "failed"; error: string };

/** What {@link PendingOutcomes} needs. */
export interface PendingOutcomesDeps {
  store: Store;
  log: Logger;
  /** How often writes the store refused are tried again by themselves. Default 30 s. */
  retryMs?: number;
}

interface Pending {
  platform: Platform;
  chatId: string;
  key: string;
  outcome: DeliveryOutcome;
}

/**
 * Outcomes of sends whose delivery-log write the store refused (a full
 * disk, a database outage). A message that arrived must never be sent
 * again, yet its row still says `claimed` and would look abandoned after
 * the stale time: so the outcome is kept here, the chat is left alone
 * while it is, and the write is tried again — before every run and every
 * `retryMs` — until it lands. Lost only if the process dies first (then
 * it is the crash window of docs/push.md).
 */
export class PendingOutcomes {
  private readonly pending = new Map<string, Pending>();
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;

  constructor(private readonly deps: PendingOutcomesDeps) {}

  /** Whether the outcome of this delivery is known but not yet written (leave the chat alone). */
  has(platform: Platform, chatId: string, key: string): boolean {
    return this.pending.has(idOf(platform, chatId, key));
  }

  /** How many outcomes wait for the store. */
  get size(): number {
    return this.pending.size;
  }

  /** Write an outcome; when the store refuses, keep it and try again later. Never rejects. */
  async record(platform: Platform, chatId: string, key: string, outcome: DeliveryOutcome): Promise<void> {
    const entry = { platform, chatId, key, outcome };
    try {
      await this.write(entry);
    } catch (err) {
      this.pending.set(idOf(platform, chatId, key), entry);
      this.deps.log.error(
        { platform, chatId, day: key, status: outcome.status, err },
        "push delivery bookkeeping failed; kept in memory, writing it again later",
      );
      this.schedule();
    }
  }

  /** Try every waiting write once (one flush at a time); resolves to how many still wait. */
  async flush(): Promise<number> {
    this.flushing ??= this.writeAll().finally(() => (this.flushing = undefined));
    await this.flushing;
    return this.pending.size;
  }

  /** Stop retrying by itself after one last try; what still waits is logged as lost. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    const left = await this.flush();
    if (left > 0) {
      const first = [...this.pending.values()]
        .slice(0, 20)
        .map((p) => `${p.platform}:${p.chatId}:${p.key}:${p.outcome.status}`);
      this.deps.log.error(
        { waiting: left, first },
        "push delivery outcomes never written; these chats may be pushed again",
      );
    }
  }

  private async writeAll(): Promise<void> {
    let written = 0;
    for (const [id, entry] of this.pending) {
      try {
        await this.write(entry);
      } catch {
        // The store still refuses: the rest would fail alike, so stop here until the next try.
        break;
      }
      this.pending.delete(id);
      written++;
    }
    if (written > 0)
      this.deps.log.info(
        { written, waiting: this.pending.size },
        "push delivery outcomes written after the store recovered",
      );
    if (this.pending.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private write({ platform, chatId, key, outcome }: Pending): Promise<void> {
    const { store } = this.deps;
    return outcome.status === "sent"
      ? store.confirmDelivery(platform, chatId, key)
      : store.failDelivery(platform, chatId, key, outcome.error);
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.flush(), this.deps.retryMs ?? 30_000).unref();
  }
}

function idOf(platform: Platform, chatId: string, key: string): string {
  return JSON.stringify([platform, chatId, key]);
}
