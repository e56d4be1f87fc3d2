/**
 * New-article announcements: when the library gains articles (a sync, or
 * a file dropped into the article folder) that nobody sharing the store
 * has seen before and that are recent, every chat that opted in
 * (「订阅新文章」) is told once — only about those matching its keywords,
 * when it gave any. A large batch becomes one digest message per chat.
 * Delivery goes through the same claims, pacing and 429/403 handling as
 * the daily push.
 */
import { createHash } from "node:crypto";
import { toCard } from "../bot/cards.ts";
import { chatKey } from "../chat/chat-key.ts";
import type { Reply } from "../chat/message.ts";
import type { Sender } from "../chat/sender.ts";
import { t } from "../bot/strings.ts";
import { dayInZone, type Clock } from "../clock.ts";
import type { ArticleMeta } from "../library/article.ts";
import type { LibrarySnapshot } from "../catalog/live.ts";
import type { Logger } from "../log.ts";
import { normalize } from "../search/tokenize.ts";
import type { NewsSubscription, Store } from "../store/store.ts";
import { deliverAll, newClaimOwner, type DeliveryJob, type FanoutOptions, type FanoutReport } from "./fanout.ts";
import { paceOf } from "./pacer.ts";
import { PendingOutcomes } from "./pending-outcomes.ts";
import type { Pace } from "../chat/sender.ts";
import { quietChats } from "./quiet.ts";

/** What the announcer needs; everything is passed in. */
export interface AnnouncerDeps {
  store: Store;
  /** Senders of the connected adapters, read at every announcement. */
  senders: () => readonly Sender[];
  clock: Clock;
  log: Logger;
  /** Time zone of "today" for the age of an article (`PUSH_TZ`). */
  timeZone: string;
  /** Articles dated more than this many days before today are not news. Default 3. */
  maxAgeDays?: number;
  /** A chat with more new articles than this at once gets one digest message instead. Default 5. */
  digestOver?: number;
  /** Claim owner id. Default: host, pid and a random suffix. */
  owner?: string;
  /** Announcements that did not leave (platform unreachable, still rate-limited) are tried again this often. Default 30 min; 0: never by itself. */
  retryEveryMs?: number;
  /** New articles the store refused to record or look up (a full disk) are tried again this soon. Default 1 min; 0: only at the next flush. */
  storeRetryMs?: number;
  /** Delivery-log writes the store refused are tried again this often (and before every delivery). Default 30 s. */
  outcomeRetryMs?: number;
  staleMs?: number;
  paces?: Readonly<Record<string, Pace>>;
  fanout?: Partial<Pick<FanoutOptions, "rateLimitRetries" | "progressEvery" | "pacer">>;
}

/** Marks the store as having a baseline: before it, the whole library was simply there, not new. */
const BASELINE_KEY = "news:baseline";
const DAY_MS = 24 * 60 * 60_000;
/** Titles a digest lists before 「……还有 N 篇」. */
const DIGEST_TITLES = 10;
/** Announcements kept for platforms not connected yet (e.g. at start); the oldest go beyond this. */
const MAX_WAITING = 5_000;

/** Announces new articles to the chats that asked for them. */
export class Announcer {
  private known = new Set<string>();
  /** The library served now: where pending articles are looked up. */
  private latest?: LibrarySnapshot;
  /** Articles the library gained that are not yet recorded as seen (the store refused): maybe news. */
  private unmarked = new Set<string>();
  /** Articles recorded as new whose announcements are not built yet (the store refused the lookup). */
  private fresh = new Set<string>();
  /** Announcements for platforms that were not connected when they were due. */
  private waiting: DeliveryJob[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private stopping = false;
  private retryTimer?: NodeJS.Timeout;
  private storeRetry?: NodeJS.Timeout;
  private readonly owner: string;
  private readonly outcomes: PendingOutcomes;

  constructor(private readonly deps: AnnouncerDeps) {
    this.owner = deps.owner ?? newClaimOwner();
    this.outcomes = new PendingOutcomes({ store: deps.store, log: deps.log, retryMs: deps.outcomeRetryMs });
  }

  /**
   * Take the library being served at start. The very first time a store
   * sees a library, all of it is recorded as seen and nothing is announced;
   * after that, articles that arrived while the bot was down are news.
   */
  start(snapshot: LibrarySnapshot): Promise<FanoutReport[]> {
    const every = this.deps.retryEveryMs ?? 30 * 60_000;
    if (every > 0 && !this.retryTimer)
      this.retryTimer = setInterval(() => void this.flush().catch(() => {}), every).unref();
    return this.enqueue(async () => {
      const ids = snapshot.library.ids;
      this.known = new Set(ids);
      this.latest = snapshot;
      const first = (await this.deps.store.getValue(BASELINE_KEY)) === undefined;
      if (first) {
        await this.deps.store.markSeen(ids);
        await this.deps.store.setValue(BASELINE_KEY, this.deps.clock.now().toISOString());
        this.deps.log.info({ articles: ids.length }, "new-article announcements: the current library is the baseline");
        return [];
      }
      for (const id of ids) this.unmarked.add(id);
      return this.deliverNews();
    });
  }

  /** The library was reloaded: announce what it gained. Resolves to the delivery reports. */
  changed(next: LibrarySnapshot): Promise<FanoutReport[]> {
    return this.enqueue(async () => {
      for (const id of next.library.ids) if (!this.known.has(id)) this.unmarked.add(id);
      this.known = new Set(next.library.ids);
      this.latest = next;
      return this.deliverNews();
    });
  }

  /**
   * Deliver what waited for a platform to connect (call when an adapter
   * starts), retry what did not leave, and announce new articles the
   * store refused earlier.
   */
  flush(): Promise<FanoutReport[]> {
    return this.enqueue(async () => this.deliver(await this.newsJobs()));
  }

  /** `/stats`: opted-in chats and the last 24 hours' announcement deliveries. */
  async stats(): Promise<string> {
    const since = new Date(this.deps.clock.now().getTime() - DAY_MS).toISOString();
    const [subs, counts] = await Promise.all([
      this.deps.store.listNewsSubscriptions(),
      this.deps.store.countDeliveries("new:", since),
    ]);
    return t.newsStats({
      subscribers: subs.length,
      sent: counts.sent,
      failed: counts.failed,
      inFlight: counts.claimed,
    });
  }

  /** Stop: sends in flight finish, nothing new starts. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.retryTimer);
    clearTimeout(this.storeRetry);
    await this.queue;
    await this.outcomes.stop();
    const left = this.unmarked.size + this.fresh.size;
    if (left > 0)
      this.deps.log.error(
        { articles: left },
        "new articles not announced before stopping; the next start announces them if the store never recorded them",
      );
  }

  /** One announcement at a time, in order of library changes. */
  private enqueue(task: () => Promise<FanoutReport[]>): Promise<FanoutReport[]> {
    const run = this.queue.then(() => (this.stopping ? [] : task()));
    this.queue = run.catch((err: unknown) => this.deps.log.error({ err }, "announcing new articles failed"));
    return run;
  }

  private async deliverNews(): Promise<FanoutReport[]> {
    const jobs = await this.newsJobs();
    return jobs.length > 0 ? this.deliver(jobs) : [];
  }

  /**
   * The announcements of articles gained and not yet announced: recorded
   * as seen (exactly one instance learns an article is new), then one
   * job per opted-in chat and article. When the store refuses (a full
   * disk), the articles stay pending and are tried again soon, in this
   * process — not only after a restart.
   */
  private async newsJobs(): Promise<DeliveryJob[]> {
    const snapshot = this.latest;
    if (!snapshot || (this.unmarked.size === 0 && this.fresh.size === 0)) return [];
    try {
      if (this.unmarked.size > 0) {
        const ids = [...this.unmarked];
        const fresh = await this.deps.store.markSeen(ids);
        for (const id of ids) this.unmarked.delete(id);
        for (const id of fresh) this.fresh.add(id);
      }
      const jobs = await this.announce([...this.fresh], snapshot);
      this.fresh.clear();
      return jobs;
    } catch (err) {
      this.deps.log.error(
        { err, articles: this.unmarked.size + this.fresh.size },
        "new articles not announced yet: the store refused; trying again soon",
      );
      this.retryStoreSoon();
      return [];
    }
  }

  private retryStoreSoon(): void {
    const ms = this.deps.storeRetryMs ?? 60_000;
    if (ms <= 0 || this.storeRetry || this.stopping) return;
    this.storeRetry = setTimeout(() => {
      this.storeRetry = undefined;
      void this.flush().catch(() => {});
    }, ms).unref();
  }

  private async announce(freshIds: readonly string[], snapshot: LibrarySnapshot): Promise<DeliveryJob[]> {
    const cutoff = dayInZone(
      new Date(this.deps.clock.now().getTime() - (this.deps.maxAgeDays ?? 3) * DAY_MS),
      this.deps.timeZone,
    );
    const articles = freshIds
      .map((id) => snapshot.library.get(id))
      .filter((a): a is ArticleMeta => a !== undefined && a.date >= cutoff)
      .sort((a, b) => b.date.localeCompare(a.date) || a.id.localeCompare(b.id));
    if (freshIds.length > 0)
      this.deps.log.info({ seen: freshIds.length, news: articles.length, cutoff }, "new articles");
    if (articles.length === 0) return [];
    const subs = await this.deps.store.listNewsSubscriptions();
    const text = searchableText(snapshot);
    return subs.flatMap((sub) =>
      this.jobsFor(
        sub,
        articles.filter((a) => matches(() => text(a), sub.keywords)),
      ),
    );
  }

  /**
   * Deliver `jobs` and whatever waited, per platform. Jobs of platforms
   * not connected, and sends after which nothing arrived, wait for the
   * next {@link flush}; their claims (failed, not sent) can be taken again.
   */
  private async deliver(jobs: readonly DeliveryJob[]): Promise<FanoutReport[]> {
    await this.outcomes.flush();
    const all = [...this.waiting, ...jobs];
    this.waiting = [];
    const retry: DeliveryJob[] = [];
    const senders = new Map(this.deps.senders().map((s) => [s.platform, s]));
    const quiet = await quietChats(this.deps.store, this.deps.clock.now(), this.deps.timeZone);
    const byPlatform = new Map<string, DeliveryJob[]>();
    for (const job of all) {
      // A group in its quiet hours gets its announcements at the first retry after they end.
      if (quiet.has(chatKey(job.chat))) this.waiting.push(job);
      else byPlatform.set(job.chat.platform, [...(byPlatform.get(job.chat.platform) ?? []), job]);
    }
    if (this.waiting.length > 0)
      this.deps.log.info(
        { messages: this.waiting.length },
        "new-article announcements held for groups in their quiet hours",
      );
    const runs = [...byPlatform].map(([platform, group]) => {
      const sender = senders.get(platform);
      if (sender)
        return (retry: DeliveryJob[]) =>
          deliverAll(group, { ...this.fanoutOptions(sender), retryable: (job) => void retry.push(job) });
      this.deps.log.info(
        { platform, messages: group.length },
        "platform not connected; new-article announcements wait for it",
      );
      this.waiting.push(...group);
      return undefined;
    });
    const reports = (await Promise.all(runs.map((run) => run?.(retry)))).filter(
      (r): r is FanoutReport => r !== undefined,
    );
    this.waiting.push(...retry);
    if (this.waiting.length > MAX_WAITING) this.waiting = this.waiting.slice(-MAX_WAITING);
    return reports;
  }

  /** One message per article, or one digest when there are more than `digestOver`. */
  private jobsFor(sub: NewsSubscription, articles: ArticleMeta[]): DeliveryJob[] {
    if (articles.length === 0) return [];
    const chat = { platform: sub.platform, chatId: sub.chatId, threadId: sub.threadId };
    if (articles.length <= (this.deps.digestOver ?? 5)) {
      return articles.map((a) => ({ chat, key: `new:${a.id}`, reply: announcement(a) }));
    }
    // Each article is new for exactly one batch (markSeen), so the batch's ids identify this digest for good.
    const hash = createHash("sha1")
      .update(
        articles
          .map((a) => a.id)
          .sort()
          .join("\n"),
      )
      .digest("hex")
      .slice(0, 16);
    return [{ chat, key: `new:digest:${hash}`, reply: digest(articles) }];
  }

  private fanoutOptions(sender: Sender): FanoutOptions {
    return {
      ...this.deps.fanout,
      store: this.deps.store,
      sender,
      log: this.deps.log,
      day: "new-articles",
      owner: this.owner,
      outcomes: this.outcomes,
      staleMs: this.deps.staleMs ?? 10 * 60_000,
      pace: paceOf(sender.platform, this.deps.paces),
      stopped: () => this.stopping,
    };
  }
}

/** One new article: title, account, date, summary and link, with its cover where the platform can show it. */
export function announcement(article: ArticleMeta): Reply {
  return {
    kind: "articles",
    heading: t.newArticle(article.account),
    articles: [toCard(article, true)],
    showCover: true,
  };
}

/** Many new articles in one line per title, for a backfill. */
export function digest(articles: readonly ArticleMeta[]): Reply {
  const perAccount = new Map<string, number>();
  for (const a of articles) if (a.account) perAccount.set(a.account, (perAccount.get(a.account) ?? 0) + 1);
  const counts = [...perAccount].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return {
    kind: "text",
    text: t.newDigest(
      articles.length,
      counts,
      articles.slice(0, DIGEST_TITLES).map((a) => a.title),
    ),
  };
}

/**
 * An article's title, account, tags, summary and body, normalised as
 * search normalises (繁體 → 简体, case); read and converted only when a
 * chat filters by keywords, once per article.
 */
function searchableText(snapshot: LibrarySnapshot): (a: ArticleMeta) => string {
  const texts = new Map<string, string>();
  return (a) => {
    let text = texts.get(a.id);
    if (text === undefined) {
      text = normalize(
        [a.title, a.account ?? "", ...(a.tags ?? []), a.summary, snapshot.library.body(a.id)].join("\n"),
      );
      texts.set(a.id, text);
    }
    return text;
  };
}

/** No keywords: everything; else any keyword, normalised the same way, appearing in the text. */
function matches(text: () => string, keywords: readonly string[]): boolean {
  if (keywords.length === 0) return true;
  return keywords.some((k) => {
    const needle = normalize(k).trim();
    return needle !== "" && text().includes(needle);
  });
}
