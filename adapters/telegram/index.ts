import type { AdapterContext } from "../../src/bot/adapter.ts";
import { systemClock } from "../../src/clock.ts";
import { describeProxy, proxyAgent } from "../../src/net/proxy.ts";
import { TelegramAdapter, type TelegramAdapterOptions } from "./adapter.ts";

export { TelegramAdapter, type TelegramAdapterOptions } from "./adapter.ts";
export { createTelegramSender, TelegramSender, type TelegramSenderOptions } from "./sender.ts";

/** Local port of the webhook server when TELEGRAM_WEBHOOK_PORT is not set. */
export const DEFAULT_WEBHOOK_PORT = 8080;

/**
 * Adapter factory used by `article-bot start` when TELEGRAM_BOT_TOKEN is
 * set. `overrides` lets tests tune what the environment does not
 * (throttling, retries, timeouts, clock).
 */
export function createAdapter(ctx: AdapterContext, overrides: Partial<TelegramAdapterOptions> = {}): TelegramAdapter {
  const tg = ctx.config.telegram;
  if (!tg) throw new Error("Telegram adapter needs TELEGRAM_BOT_TOKEN");
  const log = ctx.log.child({ platform: "telegram" });
  // Never the URL itself: it may carry the proxy's password.
  if (tg.proxy) log.info({ proxy: describeProxy(tg.proxy) }, "telegram through a proxy");
  return new TelegramAdapter({
    token: tg.token,
    apiRoot: tg.apiRoot,
    agent: tg.proxy ? proxyAgent(tg.proxy) : undefined,
    webhook: tg.webhookUrl ? { url: tg.webhookUrl, port: tg.webhookPort ?? DEFAULT_WEBHOOK_PORT } : undefined,
    core: ctx.core,
    store: ctx.store,
    log,
    clock: systemClock,
    images: ctx.images,
    requestShutdown: ctx.requestShutdown,
    ...overrides,
  });
}
