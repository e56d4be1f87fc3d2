import { z } from "zod";
import { blankAsUndefined, optionalString, parseEnv, type Env } from "../../src/env.ts";

/** The platform name of this adapter, in chat ids of the store and in ADMIN_IDS. */
export const PLATFORM = "wechat";

/** WeChat's settings, from its own environment variables (README's configuration table). */
export interface WechatConfig {
  /** The wechaty puppet (WECHATY_PUPPET). */
  puppet: string;
  /** Token of a puppet service. */
  puppetToken?: string;
  /** Name of the login session (memory card) under the data directory. */
  name: string;
  pacing: WechatPacing;
}

/** How fast the WeChat adapter may send: WeChat bans accounts that send in bursts. */
export interface WechatPacing {
  /** Minimum gap between two outgoing messages, over all chats. */
  intervalMs: number;
  /** Up to this much random extra gap, so sends do not look machine-timed. */
  jitterMs: number;
  /** Messages per chat (room or private) per rolling minute. */
  perChatPerMinute: number;
}

const schema = z.object({
  WECHATY_PUPPET: optionalString,
  WECHATY_PUPPET_SERVICE_TOKEN: optionalString,
  WECHATY_NAME: z.preprocess(blankAsUndefined, z.string().default("article-bot")),
  WECHAT_SEND_INTERVAL_MS: z.preprocess(blankAsUndefined, z.coerce.number().int().min(0).default(1000)),
  WECHAT_SEND_JITTER_MS: z.preprocess(blankAsUndefined, z.coerce.number().int().min(0).default(1000)),
  WECHAT_ROOM_MAX_PER_MINUTE: z.preprocess(blankAsUndefined, z.coerce.number().int().min(1).default(12)),
});

/**
 * WeChat's settings, or undefined when WECHATY_PUPPET is not set. Its
 * variables are checked either way, so a typo is reported at start.
 * @throws ConfigError naming each bad variable
 */
export function wechatConfig(env: Env): WechatConfig | undefined {
  const e = parseEnv(schema, env);
  if (!e.WECHATY_PUPPET) return undefined;
  return {
    puppet: e.WECHATY_PUPPET,
    puppetToken: e.WECHATY_PUPPET_SERVICE_TOKEN,
    name: e.WECHATY_NAME,
    pacing: {
      intervalMs: e.WECHAT_SEND_INTERVAL_MS,
      jitterMs: e.WECHAT_SEND_JITTER_MS,
      perChatPerMinute: e.WECHAT_ROOM_MAX_PER_MINUTE,
    },
  };
}
