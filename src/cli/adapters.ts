import type { Adapter, AdapterContext } from "../bot/adapter.ts";
import type { Config } from "../config.ts";

/** How the composition root finds an adapter: adapters are loaded only when configured. */
interface AdapterEntry {
  platform: string;
  enabled(config: Config): boolean;
  load(): Promise<{ createAdapter(ctx: AdapterContext): Adapter | Promise<Adapter> }>;
}

/**
 * Every platform the bot can run on. The console is the fallback when no
 * other platform is configured. This file and `start.ts` are the only
 * places under `src/` that know adapters exist.
 */
export const ADAPTERS: AdapterEntry[] = [
  { platform: "telegram", enabled: (c) => Boolean(c.telegram), load: () => import("../../adapters/telegram/index.ts") },
  { platform: "wechat", enabled: (c) => Boolean(c.wechat), load: () => import("../../adapters/wechat/index.ts") },
];

/** The adapter used when nothing else is configured: a chat in this terminal. */
export const CONSOLE: AdapterEntry = {
  platform: "console",
  enabled: () => true,
  load: () => import("../../adapters/console/index.ts"),
};
