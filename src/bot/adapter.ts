import type { Config } from "../config.ts";
import type { Logger } from "../log.ts";
import type { ImageCache } from "../net/image-cache.ts";
import type { Store } from "../store/store.ts";
import type { Bot } from "./handler.ts";
import type { Sender } from "./sender.ts";

/**
 * A chat platform plugged into the core. Adapters live in `adapters/` and
 * only translate: platform updates → {@link Bot.handle} → platform messages.
 */
export interface Adapter {
  readonly platform: string;
  /** How the push reaches this platform's chats. */
  readonly sender: Sender;
  /** Connect and start receiving messages; resolves once running. */
  start(): Promise<void>;
  /** Stop receiving, finish in-flight replies, disconnect. */
  stop(): Promise<void>;
}

/** What every adapter factory receives from the composition root (`src/cli/start.ts`). */
export interface AdapterContext {
  bot: Bot;
  config: Config;
  store: Store;
  log: Logger;
  /** Ask the process to stop cleanly (e.g. the console's input ended). */
  requestShutdown(reason: string): void;
  /** Images downloaded once and shared by every sender (the daily push fills it first). */
  images?: ImageCache;
}
