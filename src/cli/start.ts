import type { Adapter } from "../bot/adapter.ts";
import { Bot } from "../bot/handler.ts";
import { ChatRateLimiter } from "../bot/rate-limit.ts";
import { systemClock } from "../clock.ts";
import { loadConfig, type Config } from "../config.ts";
import { LiveLibrary } from "../library/live.ts";
import { createLogger, type Logger } from "../log.ts";
import { ImageCache } from "../net/image-cache.ts";
import { Observability } from "../observability/observability.ts";
import { PushService } from "../push/service.ts";
import { openStore } from "../store/open.ts";
import type { Store } from "../store/store.ts";
import { ADAPTERS, CONSOLE } from "./adapters.ts";
import { parseCommand } from "./args.ts";

/** A running bot: everything `start` wired together, and how to stop it. */
export interface Running {
  bot: Bot;
  library: LiveLibrary;
  store: Store;
  adapters: Adapter[];
  push: PushService;
  stop(): Promise<void>;
}

/**
 * `article-bot start`: load the library, open the store, start every
 * configured adapter (the console when none is) and stop cleanly on
 * SIGINT/SIGTERM.
 */
export async function run(args: string[]): Promise<number> {
  const { values } = parseCommand(args, {});
  const env = values.data ? { ...process.env, DATA_DIR: values.data } : process.env;
  const config = loadConfig(env);
  // In the terminal chat, info lines would drown the conversation.
  const consoleOnly = !ADAPTERS.some((a) => a.enabled(config));
  const log = createLogger({ level: consoleOnly && !env.LOG_LEVEL ? "warn" : config.logLevel });
  let requested: (reason: string) => void = () => {};
  const stopRequested = new Promise<string>((resolve) => {
    requested = resolve;
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });
  const running = await startBot(config, log, (reason) => requested(reason));
  log.info({ reason: await stopRequested }, "shutting down");
  await running.stop();
  return 0;
}

/** Wire and start the whole bot for `config`; used by `run` and by end-to-end tests. */
export async function startBot(config: Config, log: Logger, requestShutdown: (reason: string) => void = () => {}): Promise<Running> {
  const library = await LiveLibrary.open(config.articlesDir, log);
  await library.watch();
  const store = await openStore(config, log);
  const images = new ImageCache();
  const adapters: Adapter[] = [];
  const connected = new Set<Adapter>();
  const adapterStates = () => adapters.map((a) => ({ platform: a.platform, connected: connected.has(a) }));
  const observability = new Observability({ log, clock: systemClock, library: () => library.current, adapters: adapterStates, processMetrics: true });
  const push = new PushService({
    store,
    senders: () => adapters.map((a) => observability.sender(a.sender)),
    library: () => library.current,
    clock: systemClock,
    log: log.child({ component: "push" }),
    cron: config.pushCron,
    timeZone: config.pushTimeZone,
    images,
  });
  const bot = new Bot({
    library: () => library.current,
    store,
    clock: systemClock,
    log,
    triggers: config.triggers,
    adminIds: config.adminIds,
    timeZone: config.pushTimeZone,
    defaultPushTime: cronToTime(config.pushCron),
    admin: push,
    rateLimit: config.rateLimit ? new ChatRateLimiter(systemClock, config.rateLimit) : undefined,
    observe: observability.observeMessage,
  });
  const ctx = { bot, config, store, log, requestShutdown, images };
  const entries = ADAPTERS.filter((a) => a.enabled(config));
  let stopping = false;
  for (const entry of entries.length > 0 ? entries : [CONSOLE]) {
    const mod = await entry.load();
    const adapter = await mod.createAdapter(ctx);
    adapters.push(adapter);
    // One platform being down at boot (Telegram unreachable, WeChat not logged in) must not keep the others off.
    await startWithRetry(adapter, log, { running: () => !stopping, onStarted: () => connected.add(adapter) });
  }
  push.start();
  if (config.httpPort) await observability.listen(config.httpPort, config.httpHost);
  return {
    bot,
    library,
    store,
    adapters,
    push,
    stop: async () => {
      stopping = true;
      // The push goes first: its in-flight sends finish while the adapters are still up.
      await push.stop();
      await Promise.allSettled(adapters.map((a) => a.stop()));
      await observability.close();
      await library.close();
      await store.close();
    },
  };
}

/** Delay between attempts to start an adapter whose platform is unreachable. */
const ADAPTER_RETRY_MS = [5_000, 15_000, 60_000];

/** How {@link startWithRetry} talks to the rest of the bot. */
export interface RetryHooks {
  /** False once the bot is shutting down: no further attempt is made. */
  running: () => boolean;
  /** Called once the adapter has started. */
  onStarted?: () => void;
}

/**
 * Start an adapter; on failure log it and try again later (5 s, 15 s, then
 * every minute) while the rest of the bot runs.
 */
export function startWithRetry(adapter: Adapter, log: Logger, hooks: RetryHooks, attempt = 0): Promise<void> {
  return adapter.start().then(
    () => {
      log.info({ platform: adapter.platform, attempt }, "adapter started");
      hooks.onStarted?.();
    },
    (err: unknown) => {
      const delay = ADAPTER_RETRY_MS[Math.min(attempt, ADAPTER_RETRY_MS.length - 1)]!;
      log.error({ err, platform: adapter.platform, attempt, retryInMs: delay }, "adapter failed to start; will retry");
      const retry = () => void (hooks.running() && startWithRetry(adapter, log, hooks, attempt + 1));
      setTimeout(retry, delay).unref();
    },
  );
}

/** `30 7 * * *` → `07:30`, for telling subscribers when the push comes. */
export function cronToTime(cron: string): string {
  const [min, hour] = cron.trim().split(/\s+/);
  if (!/^\d+$/.test(min ?? "") || !/^\d+$/.test(hour ?? "")) return cron;
  return `${hour!.padStart(2, "0")}:${min!.padStart(2, "0")}`;
}
