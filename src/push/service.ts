import type { AdminActions } from "../bot/commands.ts";
import { chatKey } from "../chat/chat-key.ts";
import type { ImageReply, Reply } from "../chat/message.ts";
import type { Sender } from "../chat/sender.ts";
import { t } from "../bot/strings.ts";
import type { Clock } from "../clock.ts";
import type { LibrarySnapshot } from "../catalog/live.ts";
import type { Logger } from "../log.ts";
import type { ImageCache } from "../net/image-cache.ts";
import type { Delivery, Store, Subscription } from "../store/store.ts";
import { fanOut, newClaimOwner, type FanoutOptions, type FanoutReport } from "./fanout.ts";
import { paceOf } from "./pacer.ts";
import type { Pace } from "../chat/sender.ts";
import { PendingOutcomes } from "./pending-outcomes.ts";
import { lockPlatforms } from "./platform-locks.ts";
import { quietChats } from "./quiet.ts";
import { minuteTicker, PushSchedule, type Ticker } from "./scheduler.ts";
import { textFallback } from "./today.ts";
import { zenReply } from "../bot/zen-reply.ts";
import { messageOf } from "../util/errors.ts";

/** What the push service needs; everything is passed in. */
export interface PushServiceDeps {
  store: Store;
  /** Senders of the running adapters, read at every run (adapters start after the service exists). */
  senders: () => readonly Sender[];
  library: () => LibrarySnapshot;
  clock: Clock;
  log: Logger;
  /** Default push schedule (`PUSH_CRON`), e.g. `30 7 * * *`. */
  cron: string;
  /** IANA time zone of push times and of "today" (`PUSH_TZ`). */
  timeZone: string;
  /** Shared with the adapters, so the image of the day is downloaded once. */
  images: ImageCache;
  /** Default: a node-cron job every minute in `timeZone`. */
  ticker?: Ticker;
  /** Claim owner id. Default: host, pid and a random suffix. */
  owner?: string;
  /** A claim older than this was abandoned by a crashed process and may be taken over. Default 10 min. */
  staleMs?: number;
  /** Scheduled runs retry a chat that stayed rate-limited this long after it. Default 30 min. */
  retryFailedAfterMs?: number;
  /** Per-platform paces, from the adapters' modules; a platform without one gets {@link FALLBACK_PACE}. */
  paces?: Readonly<Record<string, Pace>>;
  /** Delivery-log writes the store refused are tried again this often (and before every run). Default 30 s. */
  outcomeRetryMs?: number;
  /** Fan-out tuning (429 retries, progress logging), mostly for tests. */
  fanout?: Partial<Pick<FanoutOptions, "rateLimitRetries" | "progressEvery">>;
}

/** A run in progress. */
interface Run {
  /** How many chats it chose to deliver to. */
  chats: Promise<number>;
  /** Whether another instance sharing the store was pushing some platform, whose chats were left to it. */
  busyElsewhere: Promise<boolean>;
  /** Its reports, once every chat was tried (the run slot is free by then). */
  finished: Promise<FanoutReport[]>;
}

/**
 * Failures the scheduler tries again by itself: a 429 and an unsent
 * message (no connection, a 5xx), after which nothing arrived. `gone`
 * and `rejected` never come back by themselves.
 */
const RETRYABLE = /^(rate_limited|unsent):/;

/**
 * A transient failure (a timeout, a broken connection) may have
 * delivered the message: nothing resends it, not even `/push_now`, which
 * only counts it.
 */
const UNCERTAIN = /^transient:/;

/**
 * The daily 禅定时刻 push: every minute it delivers the image of the day to
 * the subscribers whose time has come and who have not had it today, so a
 * start after the push time catches up (same day only). One run at a time;
 * the delivery log in the store makes each (platform, chat, day) at most
 * once, across restarts and processes.
 */
export class PushService implements AdminActions {
  private readonly schedule: PushSchedule;
  private readonly owner: string;
  private readonly staleMs: number;
  private readonly outcomes: PendingOutcomes;
  private current?: Promise<unknown>;
  private stopTicker?: () => void;
  private stopping = false;

  /** The default push time subscribers are told (`HH:MM`), from PUSH_CRON. */
  get defaultTime(): string {
    return this.schedule.defaultTime;
  }

  constructor(private readonly deps: PushServiceDeps) {
    this.schedule = new PushSchedule(deps.cron, deps.timeZone);
    this.owner = deps.owner ?? newClaimOwner();
    this.staleMs = deps.staleMs ?? 10 * 60_000;
    this.outcomes = new PendingOutcomes({ store: deps.store, log: deps.log, retryMs: deps.outcomeRetryMs });
  }

  /** Start the minute ticker and catch up at once on anything missed today. */
  start(): void {
    const ticker = this.deps.ticker ?? minuteTicker(this.deps.timeZone, this.deps.log);
    // A failed run is logged where it runs (begin); the tick itself has nothing to add.
    const tick = () => void this.tick().catch(() => {});
    this.stopTicker = ticker(tick);
    this.deps.log.info(
      { cron: this.deps.cron, timeZone: this.deps.timeZone, owner: this.owner },
      "push scheduler started",
    );
    tick();
  }

  /**
   * Deliver to everyone due by now. Resolves when that run is over, to its
   * reports; to undefined when another run is still busy (the next tick
   * picks up whoever it leaves).
   */
  async tick(): Promise<FanoutReport[] | undefined> {
    return this.begin((now, subs, deliveries) => this.dueNow(now, subs, deliveries))?.finished;
  }

  /**
   * `/push_now`: push today's image, in the background, to every
   * subscriber who surely has not had it — never to one whose last try
   * may have arrived (a timeout): those are only counted in the answer.
   */
  async pushNow(): Promise<string> {
    const now = this.deps.clock.now();
    if (!zenReply(this.deps.library(), this.schedule.local(now).day)) return t.pushNoImage;
    let uncertain = 0;
    const run = this.begin((at, subs, deliveries) => {
      uncertain = subs.filter((s) => UNCERTAIN.test(deliveries.get(chatKey(s))?.error ?? "")).length;
      return this.undelivered(at, subs, deliveries, 0, () => true);
    });
    if (!run) return this.stopping ? t.pushDisabled : t.pushBusy;
    const chats = await run.chats;
    this.deps.log.info({ chats, uncertain }, "push started by an admin");
    if (chats === 0 && (await run.busyElsewhere)) return t.pushBusy;
    return chats > 0 ? t.pushStarted(chats, uncertain) : t.pushNothingToDo(uncertain);
  }

  /** `/stats`: subscribers per platform, today's deliveries, next run. */
  async stats(): Promise<string> {
    const now = this.deps.clock.now();
    const { day } = this.schedule.local(now);
    const [subs, log] = await Promise.all([this.deps.store.listSubscriptions(), this.deps.store.listDeliveries(day)]);
    const perPlatform = new Map<string, number>();
    for (const s of subs) perPlatform.set(s.platform, (perPlatform.get(s.platform) ?? 0) + 1);
    const count = (status: Delivery["status"]) => log.filter((d) => d.status === status).length;
    return t.stats({
      perPlatform: [...perPlatform].sort(([a], [b]) => a.localeCompare(b)),
      day,
      sent: count("sent"),
      failed: count("failed"),
      inFlight: count("claimed"),
      next: this.schedule.nextRun(now, subs),
    });
  }

  /**
   * Stop ticking and wait for the current run: sends in flight finish and
   * are confirmed, chats not yet started stay unclaimed for the next start.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.stopTicker?.();
    await this.current;
    await this.outcomes.stop();
    this.schedule.close();
  }

  /** Resolves once no run is busy. */
  async idle(): Promise<void> {
    while (this.current) await this.current;
  }

  /**
   * Reserve the single run slot synchronously, then take the platforms'
   * push locks (instances sharing the store take turns), choose chats
   * under them and deliver.
   */
  private begin(
    select: (now: Date, subs: Subscription[], deliveries: Map<string, Delivery>) => Subscription[],
  ): Run | undefined {
    if (this.current || this.stopping) return undefined;
    const now = this.deps.clock.now();
    const { day } = this.schedule.local(now);
    const platforms = this.deps.senders().map((s) => s.platform);
    const locks = lockPlatforms(this.deps.store, platforms, this.deps.log);
    const chosen = locks.then(async ({ busy }) => {
      if (busy.size > 0 && platforms.every((p) => busy.has(p))) return [];
      // Outcomes the store refused earlier land first, so the log read below knows them.
      await this.outcomes.flush();
      const [[subs, deliveries], quiet] = await Promise.all([
        this.loadState(day),
        quietChats(this.deps.store, now, this.deps.timeZone),
      ]);
      // A group in its quiet hours is due again at every tick, and gets the push once they end.
      return select(now, subs, deliveries).filter((s) => !busy.has(s.platform) && !quiet.has(chatKey(s)));
    });
    const finished = chosen
      .then((chats) => (chats.length > 0 ? this.execute(chats, day) : []))
      .finally(async () => {
        await (await locks).release();
        this.current = undefined;
      });
    this.current = finished.catch((err) => this.deps.log.error({ err, day }, "push run failed"));
    return { chats: chosen.then((c) => c.length), busyElsewhere: locks.then((l) => l.busy.size > 0), finished };
  }

  private async loadState(day: string): Promise<[Subscription[], Map<string, Delivery>]> {
    const [subs, log] = await Promise.all([this.deps.store.listSubscriptions(), this.deps.store.listDeliveries(day)]);
    return [subs, new Map(log.map((d) => [chatKey(d), d]))];
  }

  private dueNow(now: Date, subs: Subscription[], deliveries: Map<string, Delivery>): Subscription[] {
    const defaultTime = this.schedule.defaultTimeSoFar(now);
    const retryAfter = this.deps.retryFailedAfterMs ?? 30 * 60_000;
    return this.undelivered(now, subs, deliveries, retryAfter, (s) => this.schedule.isDue(s, now, defaultTime));
  }

  /**
   * The `due` subscribers that may be tried (again): never tried today, or
   * their claim was abandoned (and its outcome is not merely waiting for
   * the store), or nothing arrived at least `retryFailedAfterMs` ago (0:
   * at once, and `rejected` too — `/push_now`). Never after a transient
   * failure: that message may have arrived.
   */
  private undelivered(
    now: Date,
    subs: Subscription[],
    deliveries: Map<string, Delivery>,
    retryFailedAfterMs: number,
    due: (s: Subscription) => boolean,
  ): Subscription[] {
    const ago = (d: Delivery) => now.getTime() - Date.parse(d.updatedAt);
    const retry = (error: string) => (retryFailedAfterMs === 0 ? !UNCERTAIN.test(error) : RETRYABLE.test(error));
    const open = (d: Delivery | undefined) =>
      !d ||
      (d.status === "claimed" && ago(d) >= this.staleMs && !this.outcomes.has(d.platform, d.chatId, d.day)) ||
      (d.status === "failed" && ago(d) >= retryFailedAfterMs && retry(d.error ?? ""));
    return subs.filter((s) => due(s) && open(deliveries.get(chatKey(s))));
  }

  private async execute(chats: Subscription[], day: string): Promise<FanoutReport[]> {
    const push = zenReply(this.deps.library(), day, { onThisDay: true });
    if (!push) {
      this.deps.log.warn({ day, chats: chats.length }, "no zen image in the library; nothing to push");
      return [];
    }
    const reply = await this.withImage(push, day);
    const senders = new Map(this.deps.senders().map((s) => [s.platform, s]));
    const runs = [...groupBy(chats, (c) => c.platform)].map(([platform, group]) => {
      const sender = senders.get(platform);
      if (sender) return fanOut(group, reply, this.fanoutOptions(sender, day));
      this.deps.log.warn(
        { platform, chats: group.length },
        "no running adapter for this platform; its subscribers wait",
      );
      return undefined;
    });
    return (await Promise.all(runs)).filter((r): r is FanoutReport => r !== undefined);
  }

  /** Fetch the image once for everyone; when it cannot be had, push the text alone. */
  private async withImage(push: ImageReply, day: string): Promise<Reply> {
    try {
      await this.deps.images.get(push.url);
      return push;
    } catch (err) {
      this.deps.log.warn({ day, url: push.url, err: messageOf(err) }, "push image unavailable; sending text only");
      return textFallback(push);
    }
  }

  private fanoutOptions(sender: Sender, day: string): FanoutOptions {
    return {
      ...this.deps.fanout,
      store: this.deps.store,
      sender,
      log: this.deps.log,
      day,
      owner: this.owner,
      outcomes: this.outcomes,
      staleMs: this.staleMs,
      pace: paceOf(sender.platform, this.deps.paces),
      stopped: () => this.stopping,
    };
  }
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}
