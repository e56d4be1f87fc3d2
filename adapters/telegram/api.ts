import { autoRetry, type AutoRetryOptions } from "@grammyjs/auto-retry";
import type { Agent } from "node:http";
import { Api, HttpError, InputFile, type ApiClientOptions, type Transformer } from "grammy";
import type { Logger } from "../../src/log.ts";
import { apiAgent } from "./connections.ts";
import { describeError, neverReached } from "./errors.ts";
import { SendThrottle, type SendLimits } from "./throttle.ts";

/** Per-call time limits of Bot API requests. */
export interface CallTimeouts {
  /** Any ordinary call. */
  callMs: number;
  /** A call that uploads a file (sendPhoto with bytes). */
  uploadMs: number;
  /** getUpdates may take its long-poll `timeout` plus this. */
  pollGraceMs: number;
}

export const DEFAULT_TIMEOUTS: CallTimeouts = { callMs: 15_000, uploadMs: 60_000, pollGraceMs: 10_000 };

/**
 * Retries of the answering path: 429 waits for `retry_after` (up to 30 s)
 * and 5xx backs off from 3 s, at most 3 times. Network errors are not
 * retried here: after a timeout or most resets the request may have arrived,
 * and a duplicate answer is worse than a lost one (auto-retry would also
 * retry them without bound). See {@link retryUnsent} for the safe ones.
 */
export const DEFAULT_RETRY: Partial<AutoRetryOptions> = {
  maxRetryAttempts: 3,
  maxDelaySeconds: 30,
  rethrowHttpErrors: true,
};

/** Telegram's own Bot API server. */
const DEFAULT_API_ROOT = "https://api.telegram.org";

/**
 * Client options shared by every Api instance; `timeoutSeconds` is only a
 * backstop behind {@link timeouts}. `agent` carries every call through a
 * proxy (TELEGRAM_PROXY); without one, calls go over {@link apiAgent}'s
 * keep-alive connections.
 */
export function clientOptions(apiRoot = DEFAULT_API_ROOT, agent?: Agent): ApiClientOptions {
  const root = apiRoot.replace(/\/+$/, "");
  return { apiRoot: root, timeoutSeconds: 120, baseFetchConfig: { agent: agent ?? apiAgent(root) } };
}

/**
 * A transformer that gives every call its own deadline: long polls get
 * their poll time plus a grace, uploads longer, everything else short.
 */
export function timeouts(limits: CallTimeouts = DEFAULT_TIMEOUTS): Transformer {
  return async (prev, method, payload, signal) => {
    const poll =
      method === "getUpdates" ? Number((payload as { timeout?: number } | undefined)?.timeout ?? 0) * 1000 : undefined;
    const ms = poll !== undefined ? poll + limits.pollGraceMs : hasUpload(payload) ? limits.uploadMs : limits.callMs;
    // Not AbortSignal.any: the runner's signal comes from a polyfill that native signals cannot follow.
    const controller = new AbortController();
    const cancel = () => controller.abort();
    if (signal?.aborted) cancel();
    signal?.addEventListener("abort", cancel);
    let timedOut = false;
    const timer = setTimeout(() => ((timedOut = true), cancel()), ms);
    try {
      return await prev(method, payload, controller.signal as typeof signal);
    } catch (err) {
      if (timedOut) throw new HttpError(`Request to '${method}' timed out after ${ms} ms`, err);
      throw err;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", cancel);
    }
  };
}

function hasUpload(payload: unknown): boolean {
  return typeof payload === "object" && payload !== null && Object.values(payload).some((v) => v instanceof InputFile);
}

/** A transformer that logs every failed call with its method, chat and Telegram's answer (never the token). */
export function logFailures(log: Logger): Transformer {
  return async (prev, method, payload, signal) => {
    const chatId = (payload as { chat_id?: unknown } | undefined)?.chat_id;
    try {
      const res = await prev(method, payload, signal);
      if (!res.ok)
        log.warn(
          {
            method,
            chatId,
            code: res.error_code,
            description: res.description,
            retryAfter: res.parameters?.retry_after,
          },
          "telegram call failed",
        );
      return res;
    } catch (err) {
      if (!signal?.aborted) log.warn({ method, chatId, reason: describeError(err) }, "telegram call failed");
      throw err;
    }
  };
}

/** Waits before the retries of a call that could not reach Telegram at all. */
export const UNSENT_RETRY_MS: readonly number[] = [1_000, 3_000];

/**
 * A transformer that sends a call again when its request never reached
 * Telegram (no address, no route, connection refused, a reused connection
 * the server had closed): nothing can have arrived, so unlike after a
 * timeout a retry cannot duplicate the answer. A brief network outage
 * then delays an answer instead of losing it.
 */
export function retryUnsent(delays: readonly number[] = UNSENT_RETRY_MS): Transformer {
  return async (prev, method, payload, signal) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await prev(method, payload, signal);
      } catch (err) {
        if (attempt >= delays.length || signal?.aborted || !neverReached(err)) throw err;
        await new Promise((resolve) => setTimeout(resolve, delays[attempt]));
      }
    }
  };
}

/** How the answering path's Api is made reliable. */
export interface ReliabilityOptions {
  timeouts?: CallTimeouts;
  retry?: Partial<AutoRetryOptions>;
  /** Send limits; `false` turns throttling off (tests). Default: Telegram's (`TELEGRAM_LIMITS`). */
  throttle?: SendLimits | false;
  /** Waits before retrying a request that never reached Telegram. Default {@link UNSENT_RETRY_MS}. */
  unsentRetryMs?: readonly number[];
}

/**
 * Install, innermost first: per-call timeouts, failure logging, the
 * throttle (1 msg/s per chat, 20/min per group, 30/s overall, the chat
 * answered longest ago first),
 * auto-retry, and outermost the retry of requests that never left, so
 * every retry waits its turn in the throttler.
 */
export function installReliability(api: Api, log: Logger, options: ReliabilityOptions = {}): Api {
  api.config.use(timeouts(options.timeouts), logFailures(log));
  if (options.throttle !== false) api.config.use(new SendThrottle(options.throttle).transformer());
  api.config.use(autoRetry(options.retry ?? DEFAULT_RETRY), retryUnsent(options.unsentRetryMs));
  return api;
}

/**
 * The Api of the push's sender: timeouts and logging only. The push paces
 * its own broadcast and handles 429 for the whole platform, so a 429 must
 * reach it at once instead of being waited out per chat.
 */
export function pushApi(token: string, client: ApiClientOptions, log: Logger, limits?: CallTimeouts): Api {
  const api = new Api(token, client);
  api.config.use(timeouts(limits), logFailures(log));
  return api;
}
