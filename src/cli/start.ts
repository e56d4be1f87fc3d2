import type { Adapter, AdapterContext, AdapterModule } from "../bot/adapter.ts";
import type { AdminActions } from "../bot/commands.ts";
import { Core } from "../bot/core.ts";
import { t } from "../bot/strings.ts";
import { ChatRateLimiter } from "../bot/rate-limit.ts";
import type { Pace, Sender } from "../chat/sender.ts";
import { minuteInZone, systemClock, type Clock } from "../clock.ts";
import { configWarnings, loadConfig, type Config, type SyncConfig } from "../config.ts";
import type { Env } from "../env.ts";
import type { Ticker } from "../cron.ts";
import { LiveLibrary } from "../catalog/live.ts";
import { createLogger, noChattierThan, redactSecrets, type Logger } from "../log.ts";
import { ImageCache } from "../net/image-cache.ts";
import { downloadImage } from "../net/download.ts";
import { RecentLogs } from "../util/recent-logs.ts";
import { proxyAgent } from "../net/proxy.ts";
import { Alerts } from "../observability/alerts.ts";
import type { AdapterStatus } from "../observability/health.ts";
import { Observability } from "../observability/observability.ts";
import { Announcer } from "../push/announce.ts";
import { PushService } from "../push/service.ts";
import { openStore } from "../store/open.ts";
import type { Store } from "../store/store.ts";
import { SyncService } from "../sync/service.ts";
import { WebServer } from "../web/app.ts";
import { WebImages } from "../web/images.ts";
import { CONSOLE, PLATFORMS } from "../../adapters/index.ts";
import { banner } from "../../adapters/console/banner.ts";
import type { OnProgress } from "../util/progress.ts";
import { parseOrUsage } from "./args.ts";
import { knownPlatforms, processSecrets } from "./platforms.ts";
import { indexingLine, terminalProgress } from "./progress.ts";
import { Shutdown } from "./shutdown.ts";
import { Supervised } from "./supervisor.ts";
import path from "node:path";
import { firstLineOf } from "../util/errors.ts";
import { settledWithin } from "../util/deadline.ts";

const USAGE = `usage: article-bot start [--data <dir>] [--new-database]

Runs the bot on every configured platform (TELEGRAM_BOT_TOKEN, WECHATY_PUPPET),
or a chat in this terminal when none is configured. Configuration comes from
the environment and from ./.env (docs: README.md).
  --data <dir>    data directory: articles and the SQLite database (default: $DATA_DIR or ./data)
  --new-database  start even though the SQLite database is missing or empty where the
                  bot kept one before: a new, empty one, with no subscribers (restoring
                  the last backup, \`article-bot restore\`, keeps them)
  -h, --help      this help`;

/** The largest image the web pages serve (a 禅定时刻 image is a few hundred KB). */
const WEB_IMAGE_MAX_BYTES = 5 * 1024 * 1024;

/** How long a stop waits for queued replies and in-flight pushes before dropping them. */
export const DRAIN_MS = 5_000;

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
 * `article-bot start`: start the bot (see {@link startBot}), run until
 * SIGINT/SIGTERM or a fatal error, then stop within 10 s. A start-up
 * failure (a corrupt database, an unreadable article directory) is one
 * line on stderr and exit code 1, after closing whatever was opened.
 */
export async function run(args: string[]): Promise<number> {
  const parsed = parseOrUsage(args, { "new-database": { type: "boolean" } }, USAGE);
  if ("exitCode" in parsed) return parsed.exitCode;
  const { values } = parsed.args;
  const env = values.data ? { ...process.env, DATA_DIR: values.data } : process.env;
  const config = loadConfig(env);
  const platforms = configurePlatforms(env);
  // In the terminal chat, info lines would drown the conversation on the same screen, whatever LOG_LEVEL says
  // (.env.example sets info); a quieter level still applies.
  const consoleOnly = platforms.length === 0;
  const recentLogs = new RecentLogs();
  const log = createLogger({ level: consoleOnly ? noChattierThan(config.logLevel, "warn") : config.logLevel, recent: recentLogs, secrets: processSecrets() });
  const shutdown = new Shutdown();
  // Not a blank terminal while the library loads: a first index build of a large library takes minutes.
  if (consoleOnly) process.stdout.write(`${banner.loading}\n`);
  const libraryProgress = consoleOnly ? terminalProgress(process.stderr, indexingLine) : undefined;
  try {
    let running: Running;
    try {
      running = await startBot(config, log, {
        signal: shutdown.signal,
        requestShutdown: (...a) => shutdown.request(...a),
        recentLogs,
        platforms,
        libraryProgress,
        newDatabase: values["new-database"],
      });
    } catch (err) {
      if (shutdown.signal.aborted) return (await shutdown.requested).exitCode;
      shutdown.request("start-up failed", 1);
      process.stderr.write(`article-bot: could not start: ${oneLine(err)}\n`);
      return 1;
    }
    const request = await shutdown.requested;
    log.info({ reason: request.reason }, "shutting down");
    await running.stop();
    if (request.message) process.stderr.write(`article-bot: ${redactSecrets(request.message, processSecrets())}\n`);
    return request.exitCode;
  } finally {
    shutdown.dispose();
  }
}

/**
 * Wire and start the whole bot for `config`, in this order: store →
 * library → HTTP (`/healthz`, `/metrics`) → push scheduler → adapters.
 * The adapters start side by side in the background, each retried on its
 * own (see {@link Supervised}), so one platform that is down holds back
 * neither the others, nor the push, nor the health endpoint. Resolves once
 * everything is under way; on failure or abort, closes what it opened and
 * rejects. Used by `run` and by end-to-end tests.
 */
export async function startBot(config: Config, log: Logger, options: StartOptions = {}): Promise<Running> {
  const { signal } = options;
  const requestShutdown = options.requestShutdown ?? (() => {});
  const clock = options.clock ?? systemClock;
  const opened: Array<() => Promise<void>> = [];
  let stopPush: (() => Promise<void>) | undefined;
  const closeAll = async () => {
    await stopPush?.();
    for (const close of opened.reverse()) await close().catch((err: unknown) => log.warn({ err: oneLine(err) }, "closing after start-up failed"));
  };
  const configured = options.platforms ?? [];
  const entries: Configured[] = configured.length > 0 ? configured : [{ module: CONSOLE, config: {} }];
  // What the core, the alerts and the console know of each platform: its module's traits.
  const platforms = knownPlatforms(entries.map((e) => e.module));
  const names = PLATFORMS.map((m) => m.platform);
  for (const warning of configWarnings(config, names)) log.warn(warning);
  try {
    const store = await openStore(config, log, { newDatabase: options.newDatabase, signal });
    opened.push(() => store.close());
    signal?.throwIfAborted();
    const library = await LiveLibrary.open(config.articlesDir, log, options.libraryProgress);
    opened.push(() => library.close());
    await library.watch();
    signal?.throwIfAborted();

    // One slot per configured adapter; its code is loaded and it is started on its own, after HTTP and the push.
    const slots: Slot[] = entries.map((e) => ({ platform: e.module.platform }));
    const supervised = () => slots.flatMap((slot) => (slot.supervised ? [slot.supervised] : []));
    const sync = config.sync && createSync(config, config.sync, clock, log.child({ component: "sync" }), library, options.syncTicker);
    const observability = new Observability({
      log,
      clock,
      library: () => library.current,
      adapters: () => slots.map(statusOf),
      sync: sync && (() => sync.status()),
      processMetrics: true,
    });
    // The web pages answer 「正在启动」 until the bot below is wired.
    const web = config.httpPort !== undefined ? new WebServer() : undefined;
    const http = config.httpPort !== undefined ? await observability.listen(config.httpPort, config.httpHost, web?.listener) : undefined;
    if (http) opened.push(() => observability.close());
    signal?.throwIfAborted();

    // A platform's image downloads may have to go through its proxy (Telegram's); the cache is shared, so then every platform's do.
    const proxyUrl = configured.map((e) => e.module.imageProxy?.(e.config)).find(Boolean);
    const proxy = proxyUrl ? proxyAgent(proxyUrl) : undefined;
    // How fast the push may send to each platform, as each adapter's module says.
    const paces: Record<string, Pace> = Object.fromEntries(entries.flatMap((e) => (e.module.pace ? [[e.module.platform, e.module.pace]] : [])));
    const images = options.images ?? new ImageCache({ downloadOptions: { allowHosts: config.imageHostsAllow, agent: proxy } });
    const pushing = new InFlight();
    const connectedSenders = () =>
      supervised()
        .filter((s) => s.state === "running")
        .map((s) => pushing.track(observability.sender(s.adapter.sender)));
    const push = new PushService({
      store,
      senders: connectedSenders,
      library: () => library.current,
      clock,
      log: log.child({ component: "push" }),
      cron: config.pushCron,
      timeZone: config.pushTimeZone,
      images,
      paces,
    });
    const announcer = new Announcer({
      store,
      senders: connectedSenders,
      clock,
      log: log.child({ component: "news" }),
      timeZone: config.pushTimeZone,
      paces,
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
      defaultPushTime: push.defaultTime,
      admin: adminActions(push, announcer, sync, config.pushTimeZone),
      // The terminal chat's only user is the operator: no flood limit there.
      rateLimit: config.rateLimit && configured.length > 0 ? new ChatRateLimiter(clock, config.rateLimit) : undefined,
      observe: observability.observeMessage,
    });
    web?.serve({
      answers: core.answers,
      library: () => library.current,
      store,
      clock,
      timeZone: config.pushTimeZone,
      health: () => observability.health.report(),
      platforms,
      pushNow: () => push.pushNow(),
      groups: core.groups,
      sync,
      images: new WebImages({
        dir: path.join(config.dataDir, ".web-images"),
        download: (url) => downloadImage(url, { allowHosts: config.imageHostsAllow, agent: proxy, maxBytes: WEB_IMAGE_MAX_BYTES }),
        maxBytes: config.web.imageCacheBytes,
        clock,
        log: log.child({ component: "web" }),
      }),
      recentLogs: options.recentLogs,
      log: log.child({ component: "web" }),
      public: config.web.public,
      adminPassword: config.web.adminPassword,
      trustProxy: config.web.trustProxy,
    });
    push.start();
    stopPush = once(() => drain(push, pushing, log));
    await announcer.start(library.current);
    opened.push(() => announcer.stop());
    library.onChange((next) => void announcer.changed(next).catch(() => {}));
    if (sync) {
      await sync.start();
      opened.push(() => sync.stop());
    }

    // The key-value cache alone, not the store behind it: an adapter writes about chats through the core.
    const kv = { getValue: (key: string) => store.getValue(key), setValue: (key: string, value: string) => store.setValue(key, value) };
    const ctx: AdapterContext = { core, log, dataDir: config.dataDir, kv, requestShutdown: (reason: string) => requestShutdown(reason), images };
    // The end of the terminal chat's input (`< /dev/null`, compose without a token, systemd) ends the bot only when the
    // chat is all it serves: the web pages, the push and the sync beside it go on (and a supervisor does not restart
    // the bot over and over).
    const consoleCtx: AdapterContext = http
      ? { ...ctx, requestShutdown: (reason: string) => log.warn({ reason, url: http.url }, `terminal chat ended (${reason}); the bot goes on serving the web pages at ${http.url}`) }
      : ctx;
    let stopping = false;
    const allFailed = () => slots.every((slot) => slot.error !== undefined || slot.supervised?.state === "failed");
    const onFatal = (failed: Supervised) => {
      if (allFailed()) return requestShutdown(`${failed.platform} cannot start`, 1, failed.lastError);
      log.error({ platform: failed.platform, others: slots.filter((s) => s.platform !== failed.platform).map((s) => s.platform) }, `${failed.lastError} (the other adapters keep running)`);
    };
    // Announcements due while a platform was not connected (at start, or down) go out once it is.
    const onStarted = () => void announcer.flush().catch(() => {});
    // Side by side: loading one platform's code (wechaty is large) does not hold another's start.
    entries.forEach((entry, i) => {
      const slot = slots[i]!;
      slot.ready = entry.module
        .load()
        .then(async (mod) => {
          const adapter = await mod.createAdapter(entry.module === CONSOLE ? consoleCtx : ctx, entry.config);
          if (stopping) return;
          slot.supervised = new Supervised(adapter, { log, onFatal, onStarted });
          void slot.supervised.start();
        })
        .catch((err: unknown) => {
          slot.error = oneLine(err);
          if (allFailed()) return requestShutdown(`${entry.module.platform} cannot start`, 1, `${entry.module.platform}: ${slot.error}`);
          log.error({ platform: entry.module.platform, err: slot.error }, "adapter could not be created");
        });
    });
    const alerts = new Alerts({
      clock,
      log: log.child({ component: "alerts" }),
      adminIds: config.adminIds,
      adapters: () => supervised().map((s) => ({ status: s.status(), sender: s.adapter.sender })),
      platforms,
    });
    alerts.start();

    return {
      core,
      library,
      store,
      get adapters() {
        return supervised().map((s) => s.adapter);
      },
      push,
      sync,
      observability,
      stop: async () => {
        stopping = true;
        await alerts.stop();
        await Promise.all(slots.map((slot) => slot.ready));
        // Replies queued in the adapters and pushes in flight get DRAIN_MS together; what is left then is dropped and counted.
        await Promise.all([stopPush?.(), ...supervised().map((s) => s.stop().catch((err: unknown) => log.warn({ platform: s.platform, err: oneLine(err) }, "adapter did not stop cleanly")))]);
        await closeAll();
      },
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

/** The sync inside `start`: on SYNC_CRON, reloading the library as soon as a run wrote articles. */
function createSync(config: Config, sync: SyncConfig, clock: Clock, log: Logger, library: LiveLibrary, ticker?: Ticker): SyncService {
  return new SyncService({
    options: { repo: sync.repo, branch: sync.branch, root: sync.root, accounts: sync.accounts, dataDir: config.dataDir, articlesDir: config.articlesDir },
    cron: sync.cron,
    timeZone: config.pushTimeZone,
    clock,
    log,
    ticker,
    // The watcher would notice too, half a second later; reloading now makes "searchable after the tick" exact.
    onChanged: () => library.reload(),
  });
}

/** `/push_now` and `/stats`: the push's figures, then new-article announcements and the sync (when it runs). */
function adminActions(push: PushService, announcer: Announcer, sync: SyncService | undefined, timeZone: string): AdminActions {
  const local = (iso: string) => minuteInZone(new Date(iso), timeZone);
  const syncLine = (s: SyncService) => {
    const { last, lastSuccess, running } = s.status();
    return t.syncStats({
      last: last && { at: local(last.at), ok: last.result !== "failed", upToDate: last.result === "up-to-date", newArticles: last.newArticles, listedOnly: last.listedOnly, error: last.error },
      lastSuccessAt: lastSuccess && local(lastSuccess.at),
      running,
    });
  };
  return {
    pushNow: () => push.pushNow(),
    stats: async () => [await push.stats(), await announcer.stats(), ...(sync ? [syncLine(sync)] : [])].join("\n"),
  };
}

/** A platform that is configured: its module and the settings it read from the environment. */
export interface Configured {
  module: AdapterModule;
  config: unknown;
}

/**
 * The platforms configured in `env`, each with its own settings (every
 * adapter module checks its variables, configured or not).
 * @throws ConfigError naming each bad variable
 */
export function configurePlatforms(env: Env): Configured[] {
  return PLATFORMS.flatMap((module) => {
    const config = module.configure(env);
    return config === undefined ? [] : [{ module, config }];
  });
}

/** A configured adapter: its code loading, then running under a {@link Supervised}. */
interface Slot {
  platform: string;
  /** Settles once the adapter exists (or could not be made). */
  ready?: Promise<void>;
  supervised?: Supervised;
  /** Why the adapter could not be made (its module failed to load, or its factory threw). */
  error?: string;
}

/** A slot's line in `/healthz`: the adapter's own once it exists. */
function statusOf(slot: Slot): AdapterStatus {
  if (slot.supervised) return slot.supervised.status();
  return { platform: slot.platform, state: slot.error ? "failed" : "starting", connected: false, ...(slot.error ? { lastError: slot.error } : {}) };
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

/** Stop the push, waiting at most {@link DRAIN_MS} for its sends in flight. */
async function drain(push: PushService, pushing: InFlight, log: Logger): Promise<void> {
  const done = await settledWithin(push.stop(), DRAIN_MS);
  // Their chats stay claimed; the next start retries them once the claim is stale.
  if (!done) log.warn({ dropped: pushing.count }, "push sends still in flight at shutdown were abandoned");
}

/** `fn`, run at most once: later calls get the first call's promise. */
function once(fn: () => Promise<void>): () => Promise<void> {
  let result: Promise<void> | undefined;
  return () => (result ??= fn());
}

/** An error as one line: its message, never its stack, and never a secret it quotes (stderr bypasses the logger). */
function oneLine(err: unknown): string {
  return redactSecrets(firstLineOf(err), processSecrets());
}
