import type { AdapterModule } from "../src/bot/adapter.ts";
import { consoleModule } from "./console/module.ts";
import { telegramModule } from "./telegram/module.ts";
import { wechatModule } from "./wechat/module.ts";

/**
 * Every chat platform the bot can run on, as `article-bot start` sees them
 * before loading their code. Adding a platform: a folder beside these with
 * a `module.ts` (its name, its settings read from the environment with its
 * own zod schema, its push pace, its factory) and one line here; nothing
 * under `src/`.
 */
export const PLATFORMS: readonly AdapterModule[] = [telegramModule, wechatModule];

/** The adapter used when no platform is configured: a chat in this terminal. */
export const CONSOLE: AdapterModule = consoleModule;
