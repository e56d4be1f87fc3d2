import type { Logger } from "../log.ts";
import type { ImageCache } from "../net/image-cache.ts";
import type { KeyValues } from "../store/store.ts";
import type { Core } from "./core.ts";
import type { Pace, Sender } from "../chat/sender.ts";
import type { Env } from "../env.ts";
import type { PlatformTraits } from "./platform.ts";

/**
 * A chat platform plugged into the core. Adapters live in `adapters/` and
 * only translate: platform updates → {@link Core.handle} → platform messages.
 */
export interface Adapter {
  readonly platform: string;
  /** How the push reaches this platform's chats. */
  readonly sender: Sender;
  /**
   * Connect and start receiving messages; resolves once running. Rejects
   * with {@link AdapterFatalError} when retrying cannot help (a wrong
   * token), with any other error when the platform could not be reached
   * (the caller retries). `signal` aborts a start under way (shutdown).
   */
  start(signal?: AbortSignal): Promise<void>;
  /** Stop receiving, finish in-flight replies (bounded), disconnect. */
  stop(): Promise<void>;
  /** What the adapter knows about its platform now, for `/healthz`; default: connected once started. */
  health?(): AdapterHealth;
}

/**
 * An adapter's own view of its connection, shown in `/healthz`; `D` types
 * its details, which its module's `consoleBlock` and `alerts` traits read.
 */
export interface AdapterHealth<D extends Record<string, unknown> = Record<string, unknown>> {
  /** False while the platform cannot be used although the adapter runs (WeChat logged out, Telegram unreachable). */
  connected: boolean;
  /** Platform details, e.g. `loggedIn`, `lastLoginAt`, `qrUrl`, `lastApiCallAt`. */
  details?: D;
}

/**
 * A start failure that retrying cannot fix (Telegram answered 401 to the
 * token). The message is the one line an operator reads: what is wrong
 * and what to do.
 */
export class AdapterFatalError extends Error {
  override readonly name = "AdapterFatalError";
}

/**
 * A chat platform as `article-bot start` knows it before loading its code:
 * each adapter folder's `module.ts` exports one, `adapters/index.ts` lists
 * them. Everything `src/` needs to know of a platform is one of its traits
 * ({@link PlatformTraits}: name, buttons, link setting, group policy,
 * secrets, alerts, console block), so nothing under `src/` names one.
 */
export interface AdapterModule<C = unknown> extends PlatformTraits {
  /**
   * The adapter's own settings, read and checked from the environment with
   * its own zod schema; undefined when the platform is not configured.
   * @throws ConfigError naming each bad variable
   */
  configure(env: Env): C | undefined;
  /** How fast the push may send to this platform; none: 10 messages/s, 4 in flight. */
  readonly pace?: Pace;
  /** The proxy this platform's image downloads must go through, if any (the image cache is shared). */
  imageProxy?(config: C): string | undefined;
  /** The adapter's code, loaded only when the platform is configured (WeChat's is large). */
  load(): Promise<{ createAdapter(ctx: AdapterContext, config: C): Adapter | Promise<Adapter> }>;
}

/** Declare an adapter module, its settings type checked between `configure`, `imageProxy` and `createAdapter`. */
export function defineAdapterModule<C>(module: AdapterModule<C>): AdapterModule {
  return module as AdapterModule;
}

/**
 * The one door from an adapter into the bot, handed to every adapter
 * factory by the composition root (`src/cli/start-bot.ts`) besides its own
 * settings: no whole configuration (an adapter reads its own variables in
 * its module's `configure`) and no store. What an adapter learns about
 * chats goes through the core — a request through {@link Core.handle}, a
 * chat that blocked or removed the bot through {@link Core.chatGone}, a
 * group under a new id through {@link Core.chatMoved} — so each rule about
 * subscriptions is written once, in the core; `kv` is for what the adapter
 * caches for itself.
 */
export interface AdapterContext {
  core: Core;
  log: Logger;
  /** The data directory (DATA_DIR), for the adapter's own files (WeChat's login session). */
  dataDir: string;
  /** A small key-value cache shared by every instance (Telegram's file_ids of uploaded images). */
  kv: KeyValues;
  /** Ask the process to stop cleanly (e.g. the console's input ended). */
  requestShutdown(reason: string): void;
  /** Images downloaded once and shared by every sender (the daily push fills it first). */
  images?: ImageCache;
}
