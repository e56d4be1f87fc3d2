import type { AdminActions } from "../bot/commands.ts";
import { t } from "../bot/strings.ts";
import type { Pace, Sender } from "../chat/sender.ts";
import { minuteInZone, type Clock } from "../clock.ts";
import type { Config } from "../config.ts";
import type { Logger } from "../log.ts";
import type { ImageCache } from "../net/image-cache.ts";
import { Announcer } from "../push/announce.ts";
import { PushService } from "../push/service.ts";
import type { Store } from "../store/store.ts";
import type { SyncService } from "../sync/service.ts";
import type { LibrarySnapshot } from "../catalog/live.ts";
import { settledWithin } from "../util/deadline.ts";

/** How long a stop waits for queued replies and in-flight pushes before dropping them. */
const DRAIN_MS = 5_000;

/** The daily push and new-article announcements, sending through whichever adapters are connected. */
export interface PushWing {
  push: PushService;
  announcer: Announcer;
  /** Stop the push, waiting at most {@link DRAIN_MS} for its sends in flight (once; later calls share the first). */
  drain(): Promise<void>;
}

/** What the push needs from the rest of `start`. */
export interface PushWingDeps {
  config: Config;
  store: Store;
  library: () => LibrarySnapshot;
  clock: Clock;
  log: Logger;
  images: ImageCache;
  /** The senders of the adapters connected now (each observed by the metrics). */
  senders: () => Sender[];
  /** How fast the push may send to each platform, as each adapter's module says. */
  paces: Record<string, Pace>;
}

/** Build the push and the announcer; neither runs until started. */
export function buildPush(deps: PushWingDeps): PushWing {
  const pushing = new InFlight();
  const senders = () => deps.senders().map((s) => pushing.track(s));
  const { config, store, clock, log, paces } = deps;
  const push = new PushService({
    store,
    senders,
    library: deps.library,
    clock,
    log: log.child({ component: "push" }),
    cron: config.pushCron,
    timeZone: config.pushTimeZone,
    images: deps.images,
    paces,
  });
  const announcer = new Announcer({
    store,
    senders,
    clock,
    log: log.child({ component: "news" }),
    timeZone: config.pushTimeZone,
    paces,
  });
  let drained: Promise<void> | undefined;
  const drain = async () => {
    const done = await settledWithin(push.stop(), DRAIN_MS);
    // Their chats stay claimed; the next start retries them once the claim is stale.
    if (!done) log.warn({ dropped: pushing.count }, "push sends still in flight at shutdown were abandoned");
  };
  return { push, announcer, drain: () => (drained ??= drain()) };
}

/** `/push_now` and `/stats`: the push's figures, then new-article announcements and the sync (when it runs). */
export function adminActions(wing: PushWing, sync: SyncService | undefined, timeZone: string): AdminActions {
  const local = (iso: string) => minuteInZone(new Date(iso), timeZone);
  const syncLine = (s: SyncService) => {
    const { last, lastSuccess, running } = s.status();
    return t.syncStats({
      last: last && {
        at: local(last.at),
        ok: last.result !== "failed",
        upToDate: last.result === "up-to-date",
        newArticles: last.newArticles,
        listedOnly: last.listedOnly,
        error: last.error,
      },
      lastSuccessAt: lastSuccess && local(lastSuccess.at),
      running,
    });
  };
  return {
    pushNow: () => wing.push.pushNow(),
    stats: async () =>
      [await wing.push.stats(), await wing.announcer.stats(), ...(sync ? [syncLine(sync)] : [])].join("\n"),
  };
}

/** Push sends under way, counted so a stop can say how many it abandoned. */
class InFlight {
  count = 0;

  track(sender: Sender): Sender {
    return {
      platform: sender.platform,
      send: async (chatId, reply) => {
        this.count++;
        try {
          await sender.send(chatId, reply);
        } finally {
          this.count--;
        }
      },
    };
  }
}
