import { randomUUID } from "node:crypto";
import os from "node:os";
import { chatGone } from "../bot/gone-chats.ts";
import type { Reply } from "../chat/message.ts";
import { SendError, type Sender } from "../chat/sender.ts";
import type { Logger } from "../log.ts";
import type { Store, Subscription } from "../store/store.ts";
import { Pacer } from "./pacer.ts";
import { PendingOutcomes } from "./pending-outcomes.ts";
import type { Pace } from "../chat/sender.ts";

/** What one fan-out needs; everything is passed in. */
export interface FanoutOptions {
  store: Store;
  sender: Sender;
  log: Logger;
  /** Delivery key of {@link fanOut} (the day, YYYY-MM-DD in the push time zone); a label in logs for {@link deliverAll}. */
  day: string;
  /** Claim owner: unique per running push service. */
  owner: string;
  /**
   * Outcomes the store refused to record: kept, and their chats left
   * alone, until written. Share one across runs (the push service and the
   * announcer each keep theirs); default: this fan-out's own.
   */
  outcomes?: PendingOutcomes;
  /** A claim older than this is considered abandoned by a crashed process. */
  staleMs: number;
  pace: Pace;
  /** Defaults to a {@link Pacer} at `pace`. */
  pacer?: Pacer;
  /** Extra attempts per chat after a 429. Default 5. */
  rateLimitRetries?: number;
  /** Checked before each chat; once true, in-flight sends finish and no new ones start. */
  stopped?: () => boolean;
  /** Log progress after this many chats. Default 100. */
  progressEvery?: number;
  /** Told about a job whose send failed with nothing arriving (`unsent`, still `rate_limited`): it may be tried again later. */
  retryable?: (job: DeliveryJob, error: SendError) => void;
}

/** Outcome of one fan-out over one platform. */
export interface FanoutReport {
  platform: string;
  total: number;
  sent: number;
  /** Already delivered or being delivered by someone else. */
  skipped: number;
  failed: number;
  /** Chats (or topics) that are gone (blocked, kicked, deleted, topic closed): now unsubscribed. */
  gone: number;
  /** Not attempted because the push was stopped. */
  notStarted: number;
  elapsedMs: number;
}

type Outcome = "sent" | "skipped" | "failed" | "gone";

/** A claim owner id unique to this process and service: host, pid and a random suffix. */
export function newClaimOwner(): string {
  return `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/** One message for one chat, delivered at most once under `key`. */
export interface DeliveryJob {
  chat: Pick<Subscription, "platform" | "chatId" | "threadId">;
  reply: Reply;
  /** The delivery log key, e.g. a day or `new:<article id>`. */
  key: string;
}

/**
 * Deliver `reply` to every chat of one platform, at most once per chat and
 * day: claim the (platform, chat, day) in the store, send, then confirm.
 * Sends are paced and concurrency-limited; a 429 holds the whole platform
 * back for its `retry_after`; a chat that is gone is unsubscribed; one
 * chat's failure never stops the others.
 */
export async function fanOut(chats: readonly Subscription[], reply: Reply, opts: FanoutOptions): Promise<FanoutReport> {
  return deliverAll(
    chats.map((chat) => ({ chat, reply, key: opts.day })),
    opts,
  );
}

/**
 * Deliver each job (its own message, its own key) with the same
 * guarantees as {@link fanOut}: claim, send, confirm; paced; 429 pauses
 * the platform; a chat that is gone is unsubscribed. New-article
 * announcements use it: every chat gets the articles it asked for.
 */
export async function deliverAll(jobs: readonly DeliveryJob[], options: FanoutOptions): Promise<FanoutReport> {
  const opts = {
    ...options,
    outcomes: options.outcomes ?? new PendingOutcomes({ store: options.store, log: options.log }),
  };
  const started = performance.now();
  const pacer = opts.pacer ?? new Pacer(opts.pace);
  const counts: Record<Outcome, number> = { sent: 0, skipped: 0, failed: 0, gone: 0 };
  let next = 0;
  const worker = async () => {
    while (next < jobs.length && !opts.stopped?.()) {
      const job = jobs[next++]!;
      counts[await deliver(job, pacer, opts)]++;
      const done = total(counts);
      if (done % (opts.progressEvery ?? 100) === 0) logProgress(opts, counts, jobs.length, started);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.pace.concurrency) }, worker));
  const report = {
    platform: opts.sender.platform,
    total: jobs.length,
    ...counts,
    notStarted: jobs.length - total(counts),
    elapsedMs: Math.round(performance.now() - started),
  };
  opts.log.info({ ...report, day: opts.day }, "push fan-out finished");
  return report;
}

async function deliver(
  job: DeliveryJob,
  pacer: Pacer,
  opts: FanoutOptions & { outcomes: PendingOutcomes },
): Promise<Outcome> {
  const { chat, reply, key: day } = job;
  const { store } = opts;
  const ctx = { platform: chat.platform, chatId: chat.chatId, day };
  // Its outcome is known and only waits to be written: it must not be sent again.
  if (opts.outcomes.has(chat.platform, chat.chatId, day)) return "skipped";
  try {
    if (!(await store.claimDelivery(chat.platform, chat.chatId, day, opts.owner, opts.staleMs))) return "skipped";
  } catch (err) {
    // Nothing was sent: the scheduler's next tick (or the announcer's next retry) tries again.
    opts.log.error({ ...ctx, err }, "push delivery could not be claimed; not sent");
    opts.retryable?.(job, new SendError("unsent", "the delivery could not be claimed"));
    return "failed";
  }
  const error = await sendWithRetries(chat, reply, pacer, opts);
  if (!error) {
    await opts.outcomes.record(chat.platform, chat.chatId, day, { status: "sent" });
    return "sent";
  }
  const failed = { status: "failed" as const, error: `${error.failure}: ${error.message}` };
  if (error.failure === "unsent" || error.failure === "rate_limited") {
    opts.retryable?.(job, error);
    // Nothing arrived: should the store refuse this write, the claim goes stale and the chat is tried again, as it should be.
    await store
      .failDelivery(chat.platform, chat.chatId, day, failed.error)
      .catch((err: unknown) => opts.log.error({ ...ctx, err }, "push delivery bookkeeping failed"));
  } else {
    await opts.outcomes.record(chat.platform, chat.chatId, day, failed);
  }
  try {
    if (error.failure === "topic_gone" && chat.threadId !== undefined) {
      // Only what goes to that topic: the group's other topics keep theirs.
      await chatGone(store, { platform: chat.platform, chatId: chat.chatId, threadId: chat.threadId });
      opts.log.info(
        { ...ctx, threadId: chat.threadId, err: error.message },
        "topic is closed or deleted; unsubscribed it",
      );
      return "gone";
    }
    if (error.failure !== "gone") {
      opts.log.warn({ ...ctx, failure: error.failure, err: error.message }, "push delivery failed");
      return "failed";
    }
    await chatGone(store, { platform: chat.platform, chatId: chat.chatId });
    opts.log.info({ ...ctx, err: error.message }, "chat is gone; unsubscribed");
    return "gone";
  } catch (err) {
    // Its failure is recorded, so the chat is not tried again today; it is unsubscribed when it next fails.
    opts.log.error({ ...ctx, err }, "could not unsubscribe a chat that is gone");
    return "gone";
  }
}

/**
 * Send, trying again only after a 429: the platform refused, so nothing
 * arrived. A transient error (timeout, 5xx) is not retried here — the
 * message may have arrived, and a chat must never get the push twice —
 * and an unsent one waits for the scheduler (the platform is unreachable
 * now; half an hour later it may not be). Resolves to the final error, if any.
 */
async function sendWithRetries(
  chat: DeliveryJob["chat"],
  reply: Reply,
  pacer: Pacer,
  opts: FanoutOptions,
): Promise<SendError | undefined> {
  const chatId = chat.chatId;
  let rateLimited = 0;
  for (;;) {
    await pacer.take();
    try {
      await opts.sender.send(chatId, reply, chat.threadId === undefined ? undefined : { threadId: chat.threadId });
      return undefined;
    } catch (err) {
      const error = asSendError(err);
      if (error.failure === "rate_limited" && rateLimited++ < (opts.rateLimitRetries ?? 5)) {
        const ms = error.retryAfterMs ?? 1000;
        opts.log.warn({ platform: opts.sender.platform, chatId, retryAfterMs: ms }, "rate limited; pausing the push");
        pacer.pause(ms);
      } else {
        return error;
      }
    }
  }
}

/** Senders should throw {@link SendError}; anything else is treated as transient. */
function asSendError(err: unknown): SendError {
  if (err instanceof SendError) return err;
  return new SendError("transient", err instanceof Error ? err.message : String(err));
}

function total(counts: Record<Outcome, number>): number {
  return counts.sent + counts.skipped + counts.failed + counts.gone;
}

function logProgress(opts: FanoutOptions, counts: Record<Outcome, number>, of: number, started: number): void {
  const seconds = (performance.now() - started) / 1000;
  const perSecond = seconds > 0 ? Math.round((counts.sent / seconds) * 10) / 10 : 0;
  opts.log.info(
    { platform: opts.sender.platform, day: opts.day, done: total(counts), of, ...counts, perSecond },
    "push progress",
  );
}
