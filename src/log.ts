import pino, { type Logger } from "pino";
import { firstLineOf } from "./util/errors.ts";
import type { RecentLogs } from "./util/recent-logs.ts";
import { failureClass, RepeatedFailures } from "./util/repeated-failures.ts";

export type { Logger };

const CENSOR = "[secret]";

/**
 * Shapes of secrets, for secrets the logger was not told about (a token in
 * a URL a library put into its error). Every pattern is bounded or anchored
 * on a rare character, so scrubbing a long hostile string stays linear.
 */
const SECRET_PATTERNS: Array<[RegExp, string]> = [
  // A Telegram bot token (`123456789:AA…`), anywhere; the lookbehind keeps a long run of digits linear.
  [/(?<!\d)\d{3,15}:[A-Za-z0-9_-]{30,}/g, CENSOR],
  // Bot API paths carry the token, whatever its shape: `/bot<token>/getMe`.
  [/\/bot\d{1,15}:[^/\s"'?#]{1,300}/g, `/bot${CENSOR}`],
  // The password in a URL's userinfo: `postgres://user:password@host`.
  [/\b([a-z][a-z0-9+.-]{0,30}:\/\/[^\s/?#@:"']{0,256}:)[^\s/?#@"']{1,256}@/gi, `$1${CENSOR}@`],
  // Passwords and tokens in a query string: `?sslmode=require&password=…`.
  [/([?&](?:password|passwd|pwd|token|secret)=)[^&\s#"']*/gi, `$1${CENSOR}`],
];

/** Keys whose string values are secrets by name (`{ token: "…" }`). */
const SECRET_KEYS = /^(?:token|password|passwd|secret|apikey|api_key|authorization)$/i;

/**
 * The configured secrets of this process, so they are scrubbed whatever
 * their shape: the core's (ADMIN_PASSWORD, DATABASE_URL's password) and
 * the values of `variables` (the platforms' `secretVariables` traits).
 */
export function secretsFromEnv(env: NodeJS.ProcessEnv, variables: readonly string[] = []): string[] {
  const secrets = [...variables.map((name) => env[name]), env.ADMIN_PASSWORD];
  try {
    const url = env.DATABASE_URL ? new URL(env.DATABASE_URL) : undefined;
    secrets.push(url?.password && decodeURIComponent(url.password), url?.searchParams.get("password") ?? undefined);
  } catch {
    // Not a URL: the store reports that; nothing to scrub from it here.
  }
  // Very short values would blank out ordinary words.
  return secrets.filter((s): s is string => typeof s === "string" && s.trim().length >= 6);
}

/** `text` with every secret in `secrets`, and anything shaped like one, replaced by `[secret]`. */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const s of secrets) {
    out = out.replaceAll(s, CENSOR);
    const encoded = encodeURIComponent(s);
    if (encoded !== s) out = out.replaceAll(encoded, CENSOR);
  }
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

const MAX_DEPTH = 8;

/**
 * A copy of a log line's value with secrets scrubbed from every string at
 * any depth; errors (and their causes) become pino's `{type, message,
 * stack, …}` shape first, so their message, stack and nested errors are
 * scrubbed too.
 */
function scrub(value: unknown, secrets: readonly string[], depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === "string") return redactSecrets(value, secrets);
  if (value === null || typeof value !== "object") return value;
  if (depth > MAX_DEPTH) return "[too deep]";
  if (seen.has(value)) return "[circular]";
  seen.add(value);
  try {
    if (value instanceof Error) return scrub({ ...pino.stdSerializers.err(value) }, secrets, depth + 1, seen);
    if (Array.isArray(value)) return value.map((v) => scrub(v, secrets, depth + 1, seen));
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === "function") return scrub(toJSON.call(value), secrets, depth + 1, seen);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = SECRET_KEYS.test(k) && typeof v === "string" ? CENSOR : scrub(v, secrets, depth + 1, seen);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

/**
 * The process logger: pretty, human-readable lines on a terminal, JSON
 * lines otherwise (for log collectors). Secrets are scrubbed from every
 * line at every level — message, bindings, and every field including
 * errors' messages, stacks and causes: the configured ones (`secrets`,
 * by default those in the environment) and anything shaped like a bot
 * token or a URL password. Warnings and errors that carry an `err` are
 * written once per failure class per minute, with a count
 * ({@link RepeatedFailures}).
 */
export function createLogger(
  options: {
    level?: string;
    pretty?: boolean;
    destination?: pino.DestinationStream;
    secrets?: readonly string[];
    /** Also keep warn-and-above lines here (the web console's log panel), scrubbed like every other line. */
    recent?: RecentLogs;
    /** Groups repeated failures; default: a minute per class on real timers. */
    repeats?: RepeatedFailures;
  } = {},
): Logger {
  const secrets = options.secrets ?? secretsFromEnv(process.env);
  const pretty = options.pretty ?? Boolean(process.stderr.isTTY);
  const repeats = options.repeats ?? new RepeatedFailures();
  const base: pino.LoggerOptions = {
    level: options.level ?? "info",
    hooks: { logMethod: onePerClass(repeats) },
    formatters: {
      log: (obj) => scrub(obj, secrets) as Record<string, unknown>,
    },
    // `log.error(err)` takes the message from the raw error; the formatter above has done the rest by then.
    serializers: {
      msg: (msg: unknown) => (typeof msg === "string" ? redactSecrets(msg, secrets) : msg),
      // Already scrubbed into pino's error shape by the formatter; pino's own would re-type it as "Object".
      err: (err: unknown) => err,
    },
  };
  const main =
    options.destination ??
    (pretty
      ? pino.transport({ target: "pino-pretty", options: { destination: 2, translateTime: "SYS:HH:MM:ss" } })
      : pino.destination(2));
  const logger = options.recent
    ? pino(
        base,
        pino.multistream([
          { level: base.level as pino.Level, stream: main },
          { level: "warn", stream: options.recent },
        ]),
      )
    : pino(base, main);
  return scrubChildBindings(logger, secrets);
}

const WARN = 40;

/**
 * pino's logMethod hook: a warn-or-above line whose `err` (or whose only
 * argument, an error) belongs to a failure class already written this
 * minute is counted instead; the minute's count is written at its end as
 * the same message with `repeated` and the latest line's fields, the error
 * without its stack.
 */
function onePerClass(repeats: RepeatedFailures): NonNullable<pino.LoggerOptions["hooks"]>["logMethod"] {
  return function (this: Logger, args, method, level) {
    const [first, ...rest] = args as unknown[];
    const fields = first instanceof Error ? { err: first } : (first as Record<string, unknown> | undefined);
    const err = typeof fields === "object" && fields !== null ? fields.err : undefined;
    if (level < WARN || err === undefined) return method.apply(this, args);
    const msg = typeof rest[0] === "string" ? rest[0] : first instanceof Error ? first.message : "";
    const summarize = (count: number) => method.call(this, { ...fields, err: briefly(err), repeated: count }, msg);
    if (repeats.seen(`${level} ${msg} ${failureClass(err)}`, summarize)) method.apply(this, args);
  };
}

/** An error without its stack: what a line that only counts repeats needs. */
function briefly(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const code = (err as { code?: unknown }).code;
  return { type: err.name, message: firstLineOf(err), ...(code !== undefined ? { code } : {}) };
}

/**
 * pino serialises a child's bindings once, without the `bindings`
 * formatter; children inherit the root's methods, so scrubbing them here
 * covers every descendant.
 */
function scrubChildBindings(logger: Logger, secrets: readonly string[]): Logger {
  const child = logger.child;
  logger.child = function (this: Logger, bindings, options) {
    return child.call(this, scrub(bindings, secrets) as pino.Bindings, options);
  } as Logger["child"];
  return logger;
}

/** `level`, or `floor` when `level` would let more through (`silent` lets nothing through). */
export function noChattierThan(level: string, floor: pino.Level): string {
  return level === "silent" || (pino.levels.values[level] ?? 0) >= pino.levels.values[floor]! ? level : floor;
}

/** A logger that drops everything, for tests that do not inspect logs. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
