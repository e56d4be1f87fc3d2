import { existsSync } from "node:fs";
import { isIP } from "node:net";
import path from "node:path";
import { validate as isCron } from "node-cron";
import { z } from "zod";

const list = z
  .string()
  .optional()
  .transform((s) => (s ?? "").split(/[,\s]+/).map((x) => x.trim()).filter(Boolean));

/** Proxy URL schemes the proxy agents (src/net/proxy.ts) handle. */
const PROXY_PROTOCOLS = ["http:", "https:", "socks4:", "socks4a:", "socks5:", "socks5h:"];

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
  GROUP_POLICY: z.preprocess(blankAsUndefined, z.enum(["open", "opt-in", "allow-list"]).optional()),
  ALLOWED_GROUPS: list,
  IMAGE_HOSTS_ALLOW: list.refine((entries) => entries.every(isHostOrRange), "must list host names, IP addresses or CIDR ranges (e.g. 10.0.0.0/8)"),
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
  RATE_LIMIT_BURST: z.preprocess(blankAsUndefined, z.coerce.number().int().min(0).default(6)),
  RATE_LIMIT_PER_MINUTE: z.preprocess(blankAsUndefined, z.coerce.number().int().min(0).default(20)),
  DATABASE_URL: optionalString,
  TELEGRAM_BOT_TOKEN: optionalString,
  TELEGRAM_WEBHOOK_URL: optionalString,
  TELEGRAM_API_ROOT: optionalString,
  TELEGRAM_PROXY: z.preprocess(
    blankAsUndefined,
    z
      .string()
      .trim()
      .refine((u) => URL.canParse(u) && PROXY_PROTOCOLS.includes(new URL(u).protocol), "is not an http://, https:// or socks5:// proxy URL")
      .optional(),
  ),
  TELEGRAM_WEBHOOK_PORT: z.preprocess(blankAsUndefined, z.coerce.number().int().min(0).max(65535).default(8080)),
  WECHATY_PUPPET: optionalString,
  WECHATY_PUPPET_SERVICE_TOKEN: optionalString,
  WECHATY_NAME: z.preprocess(blankAsUndefined, z.string().default("article-bot")),
  WECHAT_SEND_INTERVAL_MS: z.preprocess(blankAsUndefined, z.coerce.number().int().min(0).default(1000)),
  WECHAT_SEND_JITTER_MS: z.preprocess(blankAsUndefined, z.coerce.number().int().min(0).default(1000)),
  WECHAT_ROOM_MAX_PER_MINUTE: z.preprocess(blankAsUndefined, z.coerce.number().int().min(1).default(12)),
  WEB_PUBLIC: z.preprocess(blankAsUndefined, z.enum(["true", "false", "1", "0", "yes", "no"]).default("true")),
  // Short passwords are guessed even at 5 attempts a minute.
  ADMIN_PASSWORD: z.preprocess(blankAsUndefined, z.string().min(12, "must be at least 12 characters").optional()),
  WEB_IMAGE_CACHE_MB: z.preprocess(blankAsUndefined, z.coerce.number().int().min(1).default(512)),
});

/** The sync's variables, also read on their own by `article-bot sync`. */
const syncEnvSchema = z.object({
  SYNC_REPO: optionalString,
  SYNC_BRANCH: z.preprocess(blankAsUndefined, z.string().trim().default("master")),
  SYNC_ROOT: z.preprocess(blankAsUndefined, z.string().trim().default("gzh")),
  // Commas only: an account name may contain a space.
  SYNC_ACCOUNTS: z
    .string()
    .optional()
    .transform((s) => (s ?? "").split(/[,，]/).map((x) => x.trim()).filter(Boolean)),
  SYNC_CRON: z.preprocess(
    blankAsUndefined,
    z
      .string()
      .default("0 * * * *")
      .refine((c) => c.trim().split(/\s+/).length === 5 && isCron(c), "is not a 5-field cron expression (e.g. 0 * * * *)"),
  ),
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
  /** Which groups the bot serves (GROUP_POLICY, ALLOWED_GROUPS). */
  groups: GroupPolicyConfig;
  pushCron: string;
  pushTimeZone: string;
  logLevel: string;
  httpPort?: number;
  /** Interface the HTTP server (health, metrics) listens on. */
  httpHost: string;
  /** Internal hosts images may be downloaded from anyway (IMAGE_HOSTS_ALLOW): names, addresses, CIDR ranges. */
  imageHostsAllow: string[];
  /** Per-chat flood protection; undefined when switched off (RATE_LIMIT_BURST=0 or RATE_LIMIT_PER_MINUTE=0). */
  rateLimit?: { burst: number; perMinute: number };
  databaseUrl?: string;
  telegram?: {
    token: string;
    webhookUrl?: string;
    apiRoot?: string;
    webhookPort?: number;
    /** Proxy of every Bot API call and Telegram image download (TELEGRAM_PROXY, else HTTPS_PROXY / ALL_PROXY). */
    proxy?: string;
  };
  wechat?: { puppet: string; puppetToken?: string; name: string; pacing: WechatPacing };
  /** Keeping the library current from a backup repository; undefined when SYNC_REPO is not set. */
  sync?: SyncConfig;
  /** The web pages served beside /healthz (only when HTTP_PORT is set). */
  web: WebConfig;
}

/** The reading room and the operators' console (docs/web.md). */
export interface WebConfig {
  /** Serve the reading room (`/`, `/a/…`, `/gallery`) to anyone who reaches the port (WEB_PUBLIC). */
  public: boolean;
  /** The console's password (ADMIN_PASSWORD); no console without it. */
  adminPassword?: string;
  /** Disk budget of the image cache, in bytes (WEB_IMAGE_CACHE_MB). */
  imageCacheBytes: number;
}

/**
 * Which groups the bot serves (GROUP_POLICY):
 * - `open`: every group it is in, until its admins send 「停用」;
 * - `opt-in`: only groups whose admins sent 「启用」, or listed in ALLOWED_GROUPS;
 * - `allow-list`: only groups listed in ALLOWED_GROUPS (their admins may still 「停用」).
 */
export type GroupPolicy = "open" | "opt-in" | "allow-list";

/** The group policy as configured. */
export interface GroupPolicyConfig {
  /** GROUP_POLICY, applying to every platform; undefined: each platform's default (WeChat opt-in, others open). */
  policy?: GroupPolicy;
  /** ALLOWED_GROUPS: `platform:chatId`, or a bare chat id on any platform. */
  allowed: readonly string[];
}

/** Where `sync` reads backups from, and (inside `start`) how often. */
export interface SyncConfig {
  repo: string;
  branch: string;
  /** The docsify site folder holding `<account>.md` and `backup/<account>/`. */
  root: string;
  /** Accounts to sync; empty: all of the repository's. */
  accounts: string[];
  /** When `start` syncs (cron, in the push time zone). */
  cron: string;
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

/**
 * Settings that work but are probably not what the operator meant, one
 * line each, for the log at start. A bare id in ADMIN_IDS matches a user
 * with that id on every platform, and ids of different platforms can
 * coincide.
 */
export function configWarnings(config: Config): string[] {
  return config.adminIds
    .filter((id) => !id.includes(":"))
    .map((id) => `ADMIN_IDS entry "${id}" names no platform, so it makes a user with that id an admin on every platform; write telegram:${id} or wechat:${id}`);
}

/** `images.lan`, `10.1.2.3`, `[fd00::1]`, `10.0.0.0/8`, `fd00::/8`. */
function isHostOrRange(entry: string): boolean {
  const [address = "", prefix, extra] = entry.replace(/^\[(.*)\]$/, "$1").split("/");
  const family = isIP(address);
  if (prefix === undefined) return family !== 0 || /^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/i.test(address);
  const bits = Number(prefix);
  return family !== 0 && extra === undefined && /^\d{1,3}$/.test(prefix) && bits <= (family === 4 ? 32 : 128);
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
  const e = parseEnv(envSchema, { ...env, TELEGRAM_PROXY: telegramProxyOf(env) });
  const sync = loadSyncEnv(env);
  const dataDir = path.resolve(e.DATA_DIR);
  return {
    dataDir,
    articlesDir: articlesDirOf(dataDir),
    triggers: e.TRIGGER.split(",").map((t) => t.trim()).filter(Boolean),
    adminIds: e.ADMIN_IDS,
    groups: { policy: e.GROUP_POLICY, allowed: e.ALLOWED_GROUPS },
    pushCron: e.PUSH_CRON,
    pushTimeZone: e.PUSH_TZ,
    logLevel: e.LOG_LEVEL,
    httpPort: e.HTTP_PORT,
    httpHost: e.HTTP_HOST,
    imageHostsAllow: e.IMAGE_HOSTS_ALLOW,
    rateLimit: e.RATE_LIMIT_PER_MINUTE > 0 && e.RATE_LIMIT_BURST > 0 ? { burst: e.RATE_LIMIT_BURST, perMinute: e.RATE_LIMIT_PER_MINUTE } : undefined,
    databaseUrl: e.DATABASE_URL,
    telegram: e.TELEGRAM_BOT_TOKEN
      ? {
          token: e.TELEGRAM_BOT_TOKEN,
          webhookUrl: e.TELEGRAM_WEBHOOK_URL,
          apiRoot: e.TELEGRAM_API_ROOT,
          webhookPort: e.TELEGRAM_WEBHOOK_PORT,
          proxy: e.TELEGRAM_PROXY,
        }
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
    sync: sync.repo ? { ...sync, repo: sync.repo } : undefined,
    web: {
      public: ["true", "1", "yes"].includes(e.WEB_PUBLIC),
      adminPassword: e.ADMIN_PASSWORD,
      imageCacheBytes: e.WEB_IMAGE_CACHE_MB * 1024 * 1024,
    },
  };
}

/**
 * The sync's variables alone (`repo` undefined when SYNC_REPO is unset).
 * @throws ConfigError naming each bad variable
 */
export function loadSyncEnv(env: Record<string, string | undefined> = process.env): Omit<SyncConfig, "repo"> & { repo?: string } {
  const e = parseEnv(syncEnvSchema, env);
  return { repo: e.SYNC_REPO, branch: e.SYNC_BRANCH, root: e.SYNC_ROOT, accounts: e.SYNC_ACCOUNTS, cron: e.SYNC_CRON };
}

function parseEnv<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n  ${lines.join("\n  ")}`);
  }
  return parsed.data;
}

/**
 * The proxy for Telegram: `TELEGRAM_PROXY`, else the conventional
 * `HTTPS_PROXY` / `ALL_PROXY` (either case), as curl and most tools read them.
 */
function telegramProxyOf(env: Record<string, string | undefined>): string | undefined {
  const names = ["TELEGRAM_PROXY", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"];
  return names.map((n) => env[n]?.trim()).find(Boolean);
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
