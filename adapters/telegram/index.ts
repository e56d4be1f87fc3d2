import type { AdapterContext } from "../../src/bot/adapter.ts";
import { systemClock } from "../../src/clock.ts";
import { describeProxy, proxyAgent } from "../../src/net/proxy.ts";
import { TelegramAdapter, type TelegramAdapterOptions } from "./adapter.ts";
import type { TelegramConfig } from "./config.ts";

export { TelegramAdapter, type TelegramAdapterOptions } from "./adapter.ts";
export { createTelegramSender, TelegramSender, type TelegramSenderOptions } from "./sender.ts";

/**
 * Adapter factory used by `article-bot start` when TELEGRAM_BOT_TOKEN is
 * set (`tg`: the settings `module.ts` read). `overrides` lets tests tune
 * what the environment does not (throttling, retries, timeouts, clock).
 */
export function createAdapter(
  ctx: AdapterContext,
  tg: TelegramConfig,
  overrides: Partial<TelegramAdapterOptions> = {},
): TelegramAdapter {
  const log = ctx.log.child({ platform: "telegram" });
  // Never the URL itself: it may carry the proxy's password.
  if (tg.proxy) log.info({ proxy: describeProxy(tg.proxy) }, "telegram through a proxy");
  return new TelegramAdapter({
    token: tg.token,
    apiRoot: tg.apiRoot,
    agent: tg.proxy ? proxyAgent(tg.proxy) : undefined,
    webhook: tg.webhookUrl ? { url: tg.webhookUrl, port: tg.webhookPort } : undefined,
    core: ctx.core,
    kv: ctx.kv,
    log,
    clock: systemClock,
    images: ctx.images,
    requestShutdown: ctx.requestShutdown,
    ...overrides,
  });
}
