import { existsSync } from "node:fs";
import { isIP } from "node:net";
import path from "node:path";
import { z } from "zod";
import { isFiveFieldCron } from "./cron.ts";
import { blankAsUndefined, optionalString, parseEnv, type Env } from "./env.ts";

const list = z
  .string()
  .optional()
  .transform((s) =>
    (s ?? "")
      .split(/[,\s]+/)
      .map((x) => x.trim())
      .filter(Boolean),
  );

const timeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, "is not an IANA time zone (e.g. Asia/Shanghai)");

const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;
/** A logger's level, as LOG_LEVEL names it. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Where articles and the database live: --data, else DATA_DIR (every command reads it the same way). */
const dataDirSchema = z.preprocess(blankAsUndefined, z.string().default("data"));
const logLevelSchema = z.preprocess(blankAsUndefined, z.enum(LOG_LEVELS).optional());

/** Environment variables the bot reads; see `.env.example` for each one's meaning. */
const envSchema = z.object({
  DATA_DIR: dataDirSchema,
  TRIGGER: z.preprocess(blankAsUndefined, z.string().default("?,？")),
  ADMIN_IDS: list,
  GROUP_POLICY: z.preprocess(blankAsUndefined, z.enum(["open", "opt-in", "allow-list"]).optional()),
  ALLOWED_GROUPS: list,
  IMAGE_HOSTS_ALLOW: list.refine(
    (entries) => entries.every(isHostOrRange),
    "must list host names, IP addresses or CIDR ranges (e.g. 10.0.0.0/8)",
  ),
  PUSH_CRON: z.preprocess(
    blankAsUndefined,
    z.string().default("30 7 * * *").refine(isFiveFieldCron, "is not a 5-field cron expression (e.g. 30 7 * * *)"),
  ),
  PUSH_TZ: z.preprocess(blankAsUndefined, timeZone.default("Asia/Shanghai")),
  LOG_LEVEL: z.preprocess(blankAsUndefined, z.enum(LOG_LEVELS).default("info")),
  // 0: any free port (the address is logged).
  HTTP_PORT: z.preprocess(blankAsUndefined, z.coerce.number().int().min(0).max(65535).optional()),
  HTTP_HOST: z.preprocess(blankAsUndefined, z.string().trim().default("127.0.0.1")),
  RATE_LIMIT_BURST: z.preprocess(blankAsUndefined, z.coerce.number().int().min(0).default(6)),
  RATE_LIMIT_PER_MINUTE: z.preprocess(blankAsUndefined, z.coerce.number().int().min(0).default(20)),
  DATABASE_URL: optionalString,
  WEB_PUBLIC: z.preprocess(blankAsUndefined, z.enum(["true", "false", "1", "0", "yes", "no"]).default("true")),
  // Short passwords are guessed even at 5 attempts a minute.
  ADMIN_PASSWORD: z.preprocess(blankAsUndefined, z.string().min(12, "must be at least 12 characters").optional()),
  WEB_IMAGE_CACHE_MB: z.preprocess(blankAsUndefined, z.coerce.number().int().min(1).default(512)),
  TRUST_PROXY: z.preprocess(blankAsUndefined, z.enum(["true", "false", "1", "0", "yes", "no"]).default("false")),
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
    .transform((s) =>
      (s ?? "")
        .split(/[,，]/)
        .map((x) => x.trim())
        .filter(Boolean),
    ),
  SYNC_CRON: z.preprocess(
    blankAsUndefined,
    z.string().default("0 * * * *").refine(isFiveFieldCron, "is not a 5-field cron expression (e.g. 0 * * * *)"),
  ),
});

/**
 * Typed, validated configuration of the core; parsed once at start. Each
 * adapter reads and checks its own variables (`adapters/<platform>/module.ts`).
 */
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
  /** A reverse proxy in front sets `X-Forwarded-For` (TRUST_PROXY): the console throttles logins by the client it names. */
  trustProxy: boolean;
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

/**
 * Settings that work but are probably not what the operator meant, one
 * line each, for the log at start. A bare id in ADMIN_IDS matches a user
 * with that id on every platform, and ids of different platforms can
 * coincide. `platforms`: the names of the platforms it may run on, for
 * the suggestion.
 */
export function configWarnings(config: Config, platforms: readonly string[]): string[] {
  return config.adminIds
    .filter((id) => !id.includes(":"))
    .map(
      (id) =>
        `ADMIN_IDS entry "${id}" names no platform, so it makes a user with that id an admin on every platform; write ${platforms.map((p) => `${p}:${id}`).join(" or ")}`,
    );
}

/** `images.lan`, `10.1.2.3`, `[fd00::1]`, `10.0.0.0/8`, `fd00::/8`. */
function isHostOrRange(entry: string): boolean {
  const [address = "", prefix, extra] = entry.replace(/^\[(.*)\]$/, "$1").split("/");
  const family = isIP(address);
  if (prefix === undefined) return family !== 0 || /^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/i.test(address);
  const bits = Number(prefix);
  return family !== 0 && extra === undefined && /^\d{1,3}$/.test(prefix) && bits <= (family === 4 ? 32 : 128);
}

/**
 * The data directory of a command: its `--data` flag, else DATA_DIR, else
 * ./data — the one rule every command (start, search, sync, import,
 * backup, restore, migrate-db) follows, absolute.
 */
export function dataDirOf(env: Env, flag?: string): string {
  return path.resolve(flag ?? parseEnv(z.object({ DATA_DIR: dataDirSchema }), env).DATA_DIR);
}

/**
 * The log level of a command that prints its answer (search, sync,
 * import, migrate-db): LOG_LEVEL when set, else `warn`, so info lines do
 * not bury the answer.
 * @throws ConfigError when LOG_LEVEL names no level
 */
export function commandLogLevel(env: Env): LogLevel {
  return parseEnv(z.object({ LOG_LEVEL: logLevelSchema }), env).LOG_LEVEL ?? "warn";
}

/**
 * Parse and validate configuration from environment variables.
 * @throws ConfigError naming each bad variable (never echoing its value).
 */
export function loadConfig(env: Env = process.env): Config {
  const e = parseEnv(envSchema, env);
  const sync = loadSyncEnv(env);
  const dataDir = path.resolve(e.DATA_DIR);
  return {
    dataDir,
    articlesDir: articlesDirOf(dataDir),
    triggers: e.TRIGGER.split(",")
      .map((t) => t.trim())
      .filter(Boolean),
    adminIds: e.ADMIN_IDS,
    groups: { policy: e.GROUP_POLICY, allowed: e.ALLOWED_GROUPS },
    pushCron: e.PUSH_CRON,
    pushTimeZone: e.PUSH_TZ,
    logLevel: e.LOG_LEVEL,
    httpPort: e.HTTP_PORT,
    httpHost: e.HTTP_HOST,
    imageHostsAllow: e.IMAGE_HOSTS_ALLOW,
    rateLimit:
      e.RATE_LIMIT_PER_MINUTE > 0 && e.RATE_LIMIT_BURST > 0
        ? { burst: e.RATE_LIMIT_BURST, perMinute: e.RATE_LIMIT_PER_MINUTE }
        : undefined,
    databaseUrl: e.DATABASE_URL,
    sync: sync.repo ? { ...sync, repo: sync.repo } : undefined,
    web: {
      public: ["true", "1", "yes"].includes(e.WEB_PUBLIC),
      adminPassword: e.ADMIN_PASSWORD,
      imageCacheBytes: e.WEB_IMAGE_CACHE_MB * 1024 * 1024,
      trustProxy: ["true", "1", "yes"].includes(e.TRUST_PROXY),
    },
  };
}

/**
 * The sync's variables alone (`repo` undefined when SYNC_REPO is unset).
 * @throws ConfigError naming each bad variable
 */
export function loadSyncEnv(env: Env = process.env): Omit<SyncConfig, "repo"> & { repo?: string } {
  const e = parseEnv(syncEnvSchema, env);
  return { repo: e.SYNC_REPO, branch: e.SYNC_BRANCH, root: e.SYNC_ROOT, accounts: e.SYNC_ACCOUNTS, cron: e.SYNC_CRON };
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
