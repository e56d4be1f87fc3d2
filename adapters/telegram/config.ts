import { z } from "zod";
import { blankAsUndefined, optionalString, parseEnv, type Env } from "../../src/env.ts";

/** The platform name of this adapter, in chat ids of the store and in ADMIN_IDS. */
export const PLATFORM = "telegram";

/** Telegram's settings, from its own environment variables (README's configuration table). */
export interface TelegramConfig {
  token: string;
  /** Webhook mode when set; long polling otherwise. */
  webhookUrl?: string;
  /** Another Bot API server (self-hosted, or tests). */
  apiRoot?: string;
  /** Local port of the webhook server. */
  webhookPort: number;
  /** Proxy of every Bot API call and Telegram image download (TELEGRAM_PROXY, else HTTPS_PROXY / ALL_PROXY). */
  proxy?: string;
}

/** Local port of the webhook server when TELEGRAM_WEBHOOK_PORT is not set. */
export const DEFAULT_WEBHOOK_PORT = 8080;

/** Proxy URL schemes the proxy agents (src/net/proxy.ts) handle. */
const PROXY_PROTOCOLS = ["http:", "https:", "socks4:", "socks4a:", "socks5:", "socks5h:"];

const schema = z.object({
  TELEGRAM_BOT_TOKEN: optionalString,
  TELEGRAM_WEBHOOK_URL: optionalString,
  TELEGRAM_API_ROOT: optionalString,
  TELEGRAM_PROXY: z.preprocess(
    blankAsUndefined,
    z
      .string()
      .trim()
      .refine(
        (u) => URL.canParse(u) && PROXY_PROTOCOLS.includes(new URL(u).protocol),
        "is not an http://, https:// or socks5:// proxy URL",
      )
      .optional(),
  ),
  TELEGRAM_WEBHOOK_PORT: z.preprocess(
    blankAsUndefined,
    z.coerce.number().int().min(0).max(65535).default(DEFAULT_WEBHOOK_PORT),
  ),
});

/**
 * Telegram's settings, or undefined when TELEGRAM_BOT_TOKEN is not set.
 * Its variables are checked either way, so a typo is reported at start.
 * @throws ConfigError naming each bad variable
 */
export function telegramConfig(env: Env): TelegramConfig | undefined {
  const e = parseEnv(schema, { ...env, TELEGRAM_PROXY: proxyOf(env) });
  if (!e.TELEGRAM_BOT_TOKEN) return undefined;
  return {
    token: e.TELEGRAM_BOT_TOKEN,
    webhookUrl: e.TELEGRAM_WEBHOOK_URL,
    apiRoot: e.TELEGRAM_API_ROOT,
    webhookPort: e.TELEGRAM_WEBHOOK_PORT,
    proxy: e.TELEGRAM_PROXY,
  };
}

/**
 * The proxy for Telegram: `TELEGRAM_PROXY`, else the conventional
 * `HTTPS_PROXY` / `ALL_PROXY` (either case), as curl and most tools read them.
 */
function proxyOf(env: Env): string | undefined {
  const names = ["TELEGRAM_PROXY", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"];
  return names.map((n) => env[n]?.trim()).find(Boolean);
}
