import { existsSync } from "node:fs";
import path from "node:path";
import { validate as isCron } from "node-cron";
import { z } from "zod";

const list = z
  .string()
  .optional()
  .transform((s) => (s ?? "").split(/[,\s]+/).map((x) => x.trim()).filter(Boolean));

const blankAsUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const optionalString = z.preprocess(blankAsUndefined, z.string().trim().optional());
const timeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, "is not an IANA time zone (e.g. Asia/Shanghai)");

/** Environment variables the bot reads; see `.env.example` for each one's meaning. */
const envSchema = z.object({
  DATA_DIR: z.preprocess(blankAsUndefined, z.string().default("data")),
  TRIGGER: z.preprocess(blankAsUndefined, z.string().default("?,？")),
  ADMIN_IDS: list,
  PUSH_CRON: z.preprocess(
    blankAsUndefined,
    z
      .string()
      .default("30 7 * * *")
      // Five fields: personal push times have minute precision, and so does the push.
      .refine((c) => c.trim().split(/\s+/).length === 5 && isCron(c), "is not a 5-field cron expression (e.g. 30 7 * * *)"),
  ),
  PUSH_TZ: z.preprocess(blankAsUndefined, timeZone.default("Asia/Shanghai")),
  LOG_LEVEL: z.preprocess(blankAsUndefined, z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info")),
  // 0: any free port (the address is logged).
  HTTP_PORT: z.preprocess(blankAsUndefined, z.coerce.number().int().min(0).max(65535).optional()),
  HTTP_HOST: z.preprocess(blankAsUndefined, z.string().trim().default("127.0.0.1")),
  RATE_LIMIT_BURST: z.preprocess(blankAsUndefined, z.coerce.number().int().min(1).default(6)),
  RATE_LIMIT_PER_MINUTE: z.preprocess(blankAsUndefined, z.coerce.number().int().min(0).default(20)),
  DATABASE_URL: optionalString,
  TELEGRAM_BOT_TOKEN: optionalString,
  TELEGRAM_WEBHOOK_URL: optionalString,
  TELEGRAM_API_ROOT: optionalString,
  TELEGRAM_WEBHOOK_PORT: z.preprocess(blankAsUndefined, z.coerce.number().int().min(0).max(65535).default(8080)),
  WECHATY_PUPPET: optionalString,
  WECHATY_PUPPET_SERVICE_TOKEN: optionalString,
  WECHATY_NAME: z.preprocess(blankAsUndefined, z.string().default("article-bot")),
  WECHAT_SEND_INTERVAL_MS: z.preprocess(blankAsUndefined, z.coerce.number().int().min(0).default(1000)),
  WECHAT_SEND_JITTER_MS: z.preprocess(blankAsUndefined, z.coerce.number().int().min(0).default(1000)),
  WECHAT_ROOM_MAX_PER_MINUTE: z.preprocess(blankAsUndefined, z.coerce.number().int().min(1).default(12)),
});

/** Typed, validated configuration; parsed once at start. */
export interface Config {
  /** Root of the data directory (articles under `articles/`, database file). */
  dataDir: string;
  /** Directory of front-matter articles. */
  articlesDir: string;
  /** Prefixes that address the bot in groups (e.g. `?`, `？`). */
  triggers: string[];
  /** Bot administrators: `platform:userId` or bare user ids. */
  adminIds: string[];
  pushCron: string;
  pushTimeZone: string;
  logLevel: string;
  httpPort?: number;
  /** Interface the HTTP server (health, metrics) listens on. */
  httpHost: string;
  /** Per-chat flood protection; undefined when switched off (RATE_LIMIT_PER_MINUTE=0). */
  rateLimit?: { burst: number; perMinute: number };
  databaseUrl?: string;
  telegram?: { token: string; webhookUrl?: string; apiRoot?: string; webhookPort?: number };
  wechat?: { puppet: string; puppetToken?: string; name: string; pacing: WechatPacing };
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

/** Thrown when the environment is invalid; the message lists every problem. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/**
 * Parse and validate configuration from environment variables.
 * @throws ConfigError naming each bad variable (never echoing its value).
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n  ${lines.join("\n  ")}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  return {
    dataDir,
    articlesDir: articlesDirOf(dataDir),
    triggers: e.TRIGGER.split(",").map((t) => t.trim()).filter(Boolean),
    adminIds: e.ADMIN_IDS,
    pushCron: e.PUSH_CRON,
    pushTimeZone: e.PUSH_TZ,
    logLevel: e.LOG_LEVEL,
    httpPort: e.HTTP_PORT,
    httpHost: e.HTTP_HOST,
    rateLimit: e.RATE_LIMIT_PER_MINUTE > 0 ? { burst: e.RATE_LIMIT_BURST, perMinute: e.RATE_LIMIT_PER_MINUTE } : undefined,
    databaseUrl: e.DATABASE_URL,
    telegram: e.TELEGRAM_BOT_TOKEN
      ? { token: e.TELEGRAM_BOT_TOKEN, webhookUrl: e.TELEGRAM_WEBHOOK_URL, apiRoot: e.TELEGRAM_API_ROOT, webhookPort: e.TELEGRAM_WEBHOOK_PORT }
      : undefined,
    wechat: e.WECHATY_PUPPET
      ? {
          puppet: e.WECHATY_PUPPET,
          puppetToken: e.WECHATY_PUPPET_SERVICE_TOKEN,
          name: e.WECHATY_NAME,
          pacing: {
            intervalMs: e.WECHAT_SEND_INTERVAL_MS,
            jitterMs: e.WECHAT_SEND_JITTER_MS,
            perChatPerMinute: e.WECHAT_ROOM_MAX_PER_MINUTE,
          },
        }
      : undefined,
  };
}

/**
 * The article directory of a data directory: `<dir>/articles` when it
 * exists, else `<dir>` itself, so `--data data` and `--data data/articles`
 * (or any folder of markdown files) both work.
 */
export function articlesDirOf(dataDir: string): string {
  const nested = path.join(dataDir, "articles");
  return existsSync(nested) ? nested : dataDir;
}
