import { SendError } from "../../src/chat/sender.ts";
import { systemClock, type Clock } from "../../src/clock.ts";
import type { Logger } from "../../src/log.ts";
import type { WechatPacing } from "./config.ts";
import type { Outgoing } from "./outgoing.ts";
import { messageOf } from "../../src/util/errors.ts";
import { settledWithin } from "../../src/util/deadline.ts";

/** How the queue paces and retries; see {@link WechatPacing} for the pacing fields. */
export interface PacerOptions extends WechatPacing {
  log: Logger;
  /** Messages waiting per chat before new replies to it are refused. Default 20. */
  maxQueuedPerChat?: number;
  /** Wait before retry n (1-based) after a transient failure. Default 2 s doubling, at most 60 s. */
  backoffMs?: (attempt: number) => number;
  clock?: Clock;
  random?: () => number;
}

/** Options of one {@link OutgoingQueue.enqueue}. */
export interface EnqueueOptions {
  /** Give up after this many failed attempts. Default: never give up on transient failures. */
  maxAttempts?: number;
}

interface Job {
  chatId: string;
  message: Outgoing;
  attempts: number;
  maxAttempts: number;
  /** Clock time before which the job is not retried. */
  notBefore: number;
  resolve(): void;
  reject(err: SendError): void;
}

const MINUTE_MS = 60_000;

/**
 * The one way out to WeChat. WeChat bans accounts that send in bursts, so
 * every message waits its turn: at least `intervalMs` (plus random jitter)
 * after the previous one, at most `perChatPerMinute` per chat in any
 * minute, chats served in turn so one busy room cannot starve the others.
 * Messages to one chat leave in order. A transient failure is retried with
 * backoff while later messages to other chats go ahead; only a chat that is
 * gone or a message WeChat refuses is dropped (and logged).
 */
export class OutgoingQueue {
  private readonly jobs: Job[] = [];
  /** Send times of the last minute, per chat. */
  private readonly recent = new Map<string, number[]>();
  private readonly lastServed = new Map<string, number>();
  private readonly clock: Clock;
  private nextSlot = 0;
  /** The message being sent right now. */
  private current?: Job;
  private online = true;
  /** No new messages (closing); `stopped`: not even retries (closed). */
  private closed = false;
  private stopped = false;
  private timer?: NodeJS.Timeout;
  private onIdle?: () => void;

  constructor(
    private readonly send: (chatId: string, message: Outgoing) => Promise<void>,
    private readonly options: PacerOptions,
  ) {
    this.clock = options.clock ?? systemClock;
  }

  /** Messages waiting or being sent. */
  get size(): number {
    return this.jobs.length;
  }

  /**
   * Queue the messages of one reply to `chatId`, in order. Resolves once all
   * are delivered; rejects with a {@link SendError} when one is dropped
   * (the others still go). A reply that does not fit the chat's queue is
   * refused whole, never cut in half.
   */
  enqueue(chatId: string, messages: Outgoing[], options: EnqueueOptions = {}): Promise<void> {
    if (this.closed) return Promise.reject(new SendError("unsent", "the WeChat adapter is stopping"));
    const queued = this.jobs.filter((j) => j.chatId === chatId).length;
    if (queued + messages.length > (this.options.maxQueuedPerChat ?? 20)) {
      this.options.log.warn(
        { chatId, queued, refused: messages.length },
        "wechat queue of this chat is full; reply dropped",
      );
      return Promise.reject(new SendError("rate_limited", "too many messages queued for this chat", MINUTE_MS));
    }
    let sent = 0;
    const done = messages.map(
      (message) =>
        new Promise<void>((resolve, reject) => {
          const delivered = () => (sent++, resolve());
          this.jobs.push({
            chatId,
            message,
            attempts: 0,
            maxAttempts: options.maxAttempts ?? Infinity,
            notBefore: 0,
            resolve: delivered,
            reject,
          });
        }),
    );
    this.pump();
    return Promise.all(done).then(
      () => undefined,
      (err: SendError) => {
        // Half a reply did go out: sending it again would repeat that half.
        throw err.failure === "unsent" && sent > 0
          ? new SendError("transient", `${err.message} (part of the reply was sent)`)
          : err;
      },
    );
  }

  /** Hold sends while logged out (they could only fail); resume on login. */
  setOnline(online: boolean): void {
    if (this.stopped) return;
    this.online = online;
    this.pump();
  }

  /**
   * Stop taking messages and send what is queued for at most `drainMs`.
   * Whatever is still waiting then is dropped and logged.
   * @returns the number of dropped messages
   */
  async close(drainMs: number): Promise<number> {
    this.closed = true;
    if (this.jobs.length > 0) {
      await settledWithin(new Promise<void>((resolve) => (this.onIdle = resolve)), drainMs);
    }
    this.stopped = true;
    this.online = false;
    clearTimeout(this.timer);
    const dropped = this.jobs.filter((j) => j !== this.current);
    this.jobs.splice(0, this.jobs.length, ...(this.current ? [this.current] : []));
    for (const job of dropped) job.reject(new SendError("unsent", "the WeChat adapter stopped before sending"));
    if (dropped.length > 0)
      this.options.log.warn({ dropped: dropped.length }, "wechat adapter stopped with messages still queued");
    return dropped.length;
  }

  /** Send the next message if its time has come, else wake up when it will have. */
  private pump(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.jobs.length === 0) this.onIdle?.();
    if (this.current || !this.online || this.jobs.length === 0) return;
    const now = this.clock.now().getTime();
    const { job, readyAt } = this.pick(now);
    const at = Math.max(this.nextSlot, readyAt);
    if (job && at <= now) void this.run(job, now);
    else if (Number.isFinite(at)) this.timer = setTimeout(() => this.pump(), at - now);
  }

  /** The first message of the chat served longest ago among those ready; else when the next one will be. */
  private pick(now: number): { job?: Job; readyAt: number } {
    const seen = new Set<string>();
    let best: Job | undefined;
    let readyAt = Infinity;
    for (const job of this.jobs) {
      if (seen.has(job.chatId)) continue;
      seen.add(job.chatId);
      const ready = Math.max(job.notBefore, this.windowFreeAt(job.chatId, now));
      readyAt = Math.min(readyAt, ready);
      if (ready <= now && (!best || this.served(job.chatId) < this.served(best.chatId))) best = job;
    }
    return { job: best, readyAt };
  }

  private served(chatId: string): number {
    return this.lastServed.get(chatId) ?? -Infinity;
  }

  /** When `chatId` may receive its next message under the per-minute cap. */
  private windowFreeAt(chatId: string, now: number): number {
    const times = (this.recent.get(chatId) ?? []).filter((t) => t > now - MINUTE_MS);
    if (times.length === 0) this.recent.delete(chatId);
    else this.recent.set(chatId, times);
    const cap = this.options.perChatPerMinute;
    return times.length < cap ? now : times[times.length - cap]! + MINUTE_MS;
  }

  private async run(job: Job, now: number): Promise<void> {
    this.current = job;
    // Attempts count too: a send that failed on our side may still have reached WeChat.
    this.nextSlot = now + this.options.intervalMs + (this.options.random ?? Math.random)() * this.options.jitterMs;
    this.recent.set(job.chatId, [...(this.recent.get(job.chatId) ?? []), now]);
    this.lastServed.set(job.chatId, now);
    try {
      await this.send(job.chatId, job.message);
      this.remove(job);
      job.resolve();
    } catch (err) {
      this.failed(job, err);
    } finally {
      this.current = undefined;
      this.pump();
    }
  }

  private failed(job: Job, err: unknown): void {
    const error = err instanceof SendError ? err : new SendError("transient", messageOf(err));
    const context = { chatId: job.chatId, kind: job.message.kind, failure: error.failure, err: error.message };
    job.attempts++;
    if (error.failure === "gone") {
      // Every message to a chat that is gone would fail the same way.
      this.options.log.error(context, "wechat chat is gone; its queued messages are dropped");
      for (const other of this.jobs.filter((j) => j.chatId === job.chatId)) this.drop(other, error);
    } else if (error.failure === "rejected" || job.attempts >= job.maxAttempts || this.stopped) {
      this.options.log.error({ ...context, attempts: job.attempts }, "wechat send failed; message dropped");
      this.drop(job, error);
    } else {
      const waitMs = error.retryAfterMs ?? (this.options.backoffMs ?? defaultBackoff)(job.attempts);
      job.notBefore = this.clock.now().getTime() + waitMs;
      this.options.log.warn({ ...context, attempt: job.attempts, retryInMs: waitMs }, "wechat send failed; will retry");
    }
  }

  private drop(job: Job, error: SendError): void {
    this.remove(job);
    job.reject(error);
  }

  private remove(job: Job): void {
    const i = this.jobs.indexOf(job);
    if (i >= 0) this.jobs.splice(i, 1);
  }
}

function defaultBackoff(attempt: number): number {
  return Math.min(2000 * 2 ** (attempt - 1), MINUTE_MS);
}
