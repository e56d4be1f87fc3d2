/**
 * The composition root: `startBot` wires the store, the library, the web
 * and health endpoints, the push and sync, the core and the adapters (each
 * wing built in its own file: push-wing.ts, web-wing.ts, supervisor.ts),
 * and closes them in reverse order (lifetime.ts). `article-bot start`
 * (start.ts) runs it until a signal.
 */
import type { Adapter, AdapterContext, AdapterModule } from "../bot/adapter.ts";
import { Core } from "../bot/core.ts";
import { ChatRateLimiter } from "../bot/rate-limit.ts";
import { systemClock, type Clock } from "../clock.ts";
import { configWarnings, type Config, type SyncConfig } from "../config.ts";
import type { Ticker } from "../cron.ts";
import { LiveLibrary } from "../catalog/live.ts";
import type { Logger } from "../log.ts";
import { ImageCache } from "../net/image-cache.ts";
import type { RecentLogs } from "../util/recent-logs.ts";
import { proxyAgent } from "../net/proxy.ts";
import { Alerts } from "../observability/alerts.ts";
import { Observability } from "../observability/observability.ts";
import type { PushService } from "../push/service.ts";
import { openStore } from "../store/open.ts";
import type { Store } from "../store/store.ts";
import { SyncService } from "../sync/service.ts";
import { WebServer } from "../web/app.ts";
import { CONSOLE, PLATFORMS } from "../../adapters/index.ts";
import type { OnProgress } from "../util/progress.ts";
import { Lifetime } from "./lifetime.ts";
import { knownPlatforms, type Configured } from "./platforms.ts";
import { adminActions, buildPush, type PushWing } from "./push-wing.ts";
import { AdapterSlots } from "./supervisor.ts";
import { serveWeb } from "./web-wing.ts";

/** A running bot: everything `start` wired together, and how to stop it. */
export interface Running {
  core: Core;
  library: LiveLibrary;
  store: Store;
  adapters: Adapter[];
  push: PushService;
  /** Present when SYNC_REPO is set. */
  sync?: SyncService;
  /** Logs, metrics and the `/healthz` report. */
  observability: Observability;
  stop(): Promise<void>;
}

/** How {@link startBot} talks to the process around it. */
export interface StartOptions {
  /** Aborted when the process is asked to stop; start-up then ends early, closing what it opened. */
  signal?: AbortSignal;
  /** Ask the process to stop (console input ended; every adapter failed fatally: exit code 1 and a message). */
  requestShutdown?: (reason: string, exitCode?: number, message?: string) => void;
  /** Tests: another clock (default: the system clock). */
  clock?: Clock;
  /** Tests: the sync's schedule (default: a node-cron job on SYNC_CRON). */
  syncTicker?: Ticker;
  /** The configured platforms (see {@link configurePlatforms}); none: the terminal chat. */
  platforms?: Configured[];
  /** Tests: image downloads (default: from the image hosts, without Referer). */
  images?: ImageCache;
  /** `--new-database`: a missing or empty SQLite database where the bot kept one before is started afresh. */
  newDatabase?: boolean;
  /** The logger's warn-and-above lines, for the web console. */
  recentLogs?: RecentLogs;
  /** Told how the first library load's index build goes (the terminal chat draws it; the log has its own lines). */
  libraryProgress?: OnProgress;
}

/**
 * Wire and start the whole bot for `config`, in this order: store →
 * library → HTTP (`/healthz`, `/metrics`) → push scheduler → adapters.
 * The adapters start side by side in the background, each retried on its
 * own (see {@link AdapterSlots}), so one platform that is down holds back
 * neither the others, nor the push, nor the health endpoint. Resolves once
 * everything is under way; on failure or abort, closes what it opened and
 * rejects. Used by `run` and by end-to-end tests.
 */
export async function startBot(config: Config, log: Logger, options: StartOptions = {}): Promise<Running> {
  const { signal } = options;
  const requestShutdown = options.requestShutdown ?? (() => {});
  const clock = options.clock ?? systemClock;
  const lifetime = new Lifetime(log);
  const configured = options.platforms ?? [];
  const entries: Configured[] = configured.length > 0 ? configured : [{ module: CONSOLE, config: {} }];
  // What the core, the alerts and the console know of each platform: its module's traits.
  const platforms = knownPlatforms(entries.map((e) => e.module));
  for (const warning of configWarnings(
    config,
    PLATFORMS.map((m) => m.platform),
  ))
    log.warn(warning);
  try {
    const store = await openStore(config, log, { newDatabase: options.newDatabase, signal });
    lifetime.add("store", () => store.close());
    signal?.throwIfAborted();
    const library = await LiveLibrary.open(config.articlesDir, log, options.libraryProgress);
    lifetime.add("library", () => library.close());
    await library.watch();
    signal?.throwIfAborted();

    let push: PushWing | undefined;
    // Announcements due while a platform was not connected (at start, or down) go out once it is.
    const slots = new AdapterSlots(entries, {
      log,
      requestShutdown,
      onStarted: () => void push?.announcer.flush().catch(() => {}),
    });
    const sync =
      config.sync &&
      createSync(config, config.sync, clock, log.child({ component: "sync" }), library, options.syncTicker);
    const observability = new Observability({
      log,
      clock,
      library: () => library.current,
      adapters: () => slots.statuses(),
      sync: sync && (() => sync.status()),
      processMetrics: true,
    });
    // The web pages answer 「正在启动」 until the bot below is wired.
    const web = config.httpPort !== undefined ? new WebServer() : undefined;
    const http =
      config.httpPort !== undefined
        ? await observability.listen(config.httpPort, config.httpHost, web?.listener)
        : undefined;
    if (http) lifetime.add("http", () => observability.close());
    signal?.throwIfAborted();

    // A platform's image downloads may have to go through its proxy (Telegram's); the cache is shared, so then every platform's do.
    const proxyUrl = configured.map((e) => e.module.imageProxy?.(e.config)).find(Boolean);
    const proxy = proxyUrl ? proxyAgent(proxyUrl) : undefined;
    const images =
      options.images ?? new ImageCache({ downloadOptions: { allowHosts: config.imageHostsAllow, agent: proxy } });
    const running = () => slots.supervised().filter((s) => s.state === "running");
    const paces = Object.fromEntries(
      entries.flatMap((e) => (e.module.pace ? [[e.module.platform, e.module.pace]] : [])),
    );
    push = buildPush({
      config,
      store,
      library: () => library.current,
      clock,
      log,
      images,
      paces,
      senders: () => running().map((s) => observability.sender(s.adapter.sender)),
    });
    const core = new Core({
      library: () => library.current,
      store,
      clock,
      log,
      triggers: config.triggers,
      adminIds: config.adminIds,
      groups: config.groups,
      platforms,
      timeZone: config.pushTimeZone,
      defaultPushTime: push.push.defaultTime,
      admin: adminActions(push, sync, config.pushTimeZone),
      // The terminal chat's only user is the operator: no flood limit there.
      rateLimit: config.rateLimit && configured.length > 0 ? new ChatRateLimiter(clock, config.rateLimit) : undefined,
      observe: observability.observeMessage,
    });
    if (web) {
      const wiring = {
        answers: core.answers,
        library: () => library.current,
        store,
        clock,
        timeZone: config.pushTimeZone,
        platforms,
        groups: core.groups,
        sync,
      };
      serveWeb(
        web,
        config,
        {
          ...wiring,
          health: () => observability.health.report(),
          pushNow: () => push.push.pushNow(),
          recentLogs: options.recentLogs,
        },
        log,
        proxy,
      );
    }
    push.push.start();
    await push.announcer.start(library.current);
    lifetime.add("announcements", () => push.announcer.stop());
    library.onChange((next) => void push.announcer.changed(next).catch(() => {}));
    if (sync) {
      await sync.start();
      lifetime.add("sync", () => sync.stop());
    }
    // Registered last, so closed first: the push's sends in flight finish before what they write to goes.
    lifetime.add("push", () => push.drain());

    slots.start((module) =>
      adapterContext(module, { core, log, config, store, images, requestShutdown, webUrl: http?.url }),
    );
    const alerts = new Alerts({
      clock,
      log: log.child({ component: "alerts" }),
      adminIds: config.adminIds,
      adapters: () => slots.supervised().map((s) => ({ status: s.status(), sender: s.adapter.sender })),
      platforms,
    });
    alerts.start();

    return {
      core,
      library,
      store,
      get adapters() {
        return slots.supervised().map((s) => s.adapter);
      },
      push: push.push,
      sync,
      observability,
      stop: async () => {
        await alerts.stop();
        // Replies queued in the adapters and pushes in flight get DRAIN_MS together; what is left then is dropped and counted.
        await slots.stop(push.drain());
        await lifetime.close();
      },
    };
  } catch (err) {
    await lifetime.close();
    throw err;
  }
}

/**
 * What an adapter gets of the bot (see `AdapterContext`): the key-value
 * cache alone, not the store behind it; an adapter writes about chats
 * through the core. The end of the terminal chat's input (`< /dev/null`,
 * compose without a token, systemd) ends the bot only when the chat is all
 * it serves: with web pages beside it, only the chat ends (and a
 * supervisor does not restart the bot over and over).
 */
function adapterContext(
  module: AdapterModule,
  bot: {
    core: Core;
    log: Logger;
    config: Config;
    store: Store;
    images: ImageCache;
    requestShutdown: (reason: string) => void;
    webUrl?: string;
  },
): AdapterContext {
  const { core, log, config, store, images, webUrl } = bot;
  const kv = {
    getValue: (key: string) => store.getValue(key),
    setValue: (key: string, value: string) => store.setValue(key, value),
  };
  const requestShutdown =
    module === CONSOLE && webUrl
      ? (reason: string) =>
          log.warn(
            { reason, url: webUrl },
            `terminal chat ended (${reason}); the bot goes on serving the web pages at ${webUrl}`,
          )
      : (reason: string) => bot.requestShutdown(reason);
  return { core, log, dataDir: config.dataDir, kv, requestShutdown, images };
}

/** The sync inside `start`: on SYNC_CRON, reloading the library as soon as a run wrote articles. */
function createSync(
  config: Config,
  sync: SyncConfig,
  clock: Clock,
  log: Logger,
  library: LiveLibrary,
  ticker?: Ticker,
): SyncService {
  return new SyncService({
    options: {
      repo: sync.repo,
      branch: sync.branch,
      root: sync.root,
      accounts: sync.accounts,
      dataDir: config.dataDir,
      articlesDir: config.articlesDir,
    },
    cron: sync.cron,
    timeZone: config.pushTimeZone,
    clock,
    log,
    ticker,
    // The watcher would notice too, half a second later; reloading now makes "searchable after the tick" exact.
    onChanged: () => library.reload(),
  });
}
