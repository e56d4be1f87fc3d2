import type { Config } from "../config.ts";
import type { Logger } from "../log.ts";
import type { ImageCache } from "../net/image-cache.ts";
import type { Store } from "../store/store.ts";
import type { Core } from "./core.ts";
import type { Sender } from "../chat/sender.ts";

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

/** An adapter's own view of its connection, shown in `/healthz`. */
export interface AdapterHealth {
  /** False while the platform cannot be used although the adapter runs (WeChat logged out, Telegram unreachable). */
  connected: boolean;
  /** Platform details, e.g. `loggedIn`, `lastLoginAt`, `qrUrl`, `lastApiCallAt`. */
  details?: Record<string, unknown>;
}

/**
 * A start failure that retrying cannot fix (Telegram answered 401 to the
 * token). The message is the one line an operator reads: what is wrong
 * and what to do.
 */
export class AdapterFatalError extends Error {
  override readonly name = "AdapterFatalError";
}

/** What every adapter factory receives from the composition root (`src/cli/start.ts`). */
export interface AdapterContext {
  core: Core;
  config: Config;
  store: Store;
  log: Logger;
  /** Ask the process to stop cleanly (e.g. the console's input ended). */
  requestShutdown(reason: string): void;
  /** Images downloaded once and shared by every sender (the daily push fills it first). */
  images?: ImageCache;
}
