import type { Answers } from "../bot/answers.ts";
import type { Platforms } from "../bot/platform.ts";
import type { Clock } from "../clock.ts";
import type { LibrarySnapshot } from "../catalog/live.ts";
import type { Logger } from "../log.ts";
import type { RecentLogs } from "../util/recent-logs.ts";
import type { Store } from "../store/store.ts";
import type { WebImages } from "./images.ts";

/** One adapter as `/healthz` shows it (src/observability/health.ts), with its platform details (read by its `consoleBlock` trait). */
export interface WebAdapterStatus {
  platform: string;
  state?: string;
  connected: boolean;
  lastError?: string;
  [detail: string]: unknown;
}

/** The part of the `/healthz` report the console shows. */
export interface WebHealth {
  adapters: WebAdapterStatus[];
  library: { articles: number; loadedAt: string };
}

/** One finished sync, as the sync service reports it (src/sync/service.ts). */
export interface WebSyncOutcome {
  at: string;
  result: string;
  newArticles: number;
  error?: string;
}

/** What the web pages read and act on; the composition root (src/cli/start-bot.ts) passes it in. */
export interface WebDeps {
  /** The chat's search (`Core.answers`), so the reading room, the feeds and the API rank and quote exactly like the chat. */
  answers: Pick<Answers, "search" | "matches">;
  library: () => LibrarySnapshot;
  store: Store;
  clock: Clock;
  /** The push time zone: what "today" means. */
  timeZone: string;
  /** The `/healthz` report: the console shows the same truth. */
  health: () => WebHealth;
  /** The platforms' traits: each one's own console block (a login, a code to scan); absent: only the state lines. */
  platforms?: Platforms;
  /** 「立即推送」: the same as /push_now; resolves to the chat's answer. */
  pushNow: () => Promise<string>;
  /** The groups with a state or settings, one line each as /stats lists them (`Core.groups`). */
  groups?: { statsLines(): Promise<string[]> };
  /** Present when SYNC_REPO is set. */
  sync?: {
    run(): Promise<unknown>;
    status(): { last?: WebSyncOutcome; lastSuccess?: WebSyncOutcome; lastReport?: string; running: boolean };
  };
  images: WebImages;
  /** Warn-and-above log lines; absent: the console says the log panel is off. */
  recentLogs?: RecentLogs;
  log: Logger;
  /** WEB_PUBLIC: anyone may read; otherwise the reading room needs a console login. */
  public: boolean;
  /** ADMIN_PASSWORD: no console without it. */
  adminPassword?: string;
  /** TRUST_PROXY: a reverse proxy in front writes the client's address into `X-Forwarded-For` (the console's login throttle counts by it). */
  trustProxy: boolean;
}
