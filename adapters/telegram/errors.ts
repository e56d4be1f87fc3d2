import { GrammyError, HttpError } from "grammy";
import { SendError } from "../../src/chat/sender.ts";
import { redactSecrets } from "../../src/log.ts";
import { wasResetUnsent } from "./connections.ts";

/**
 * Errors of a request that never reached Telegram: no address, no route,
 * connection refused. Unlike a timeout or a reset, nothing can have arrived
 * (but for a reused connection reset before any answer: `connections.ts`).
 */
const NOT_CONNECTED = new Set(["ENOTFOUND", "EAI_AGAIN", "ECONNREFUSED", "ENETUNREACH", "EHOSTUNREACH", "ENETDOWN"]);

/**
 * 400 descriptions that mean the forum topic we sent to is closed or
 * deleted (the chat itself is still there). Telegram answers "message
 * thread not found" for a deleted topic, "TOPIC_CLOSED" for a closed one.
 */
const TOPIC_GONE_400 = /message thread not found|TOPIC_CLOSED|TOPIC_DELETED|TOPIC_ID_INVALID/i;

/** 400 descriptions that mean the chat is gone for us, not that the request was malformed. */
const GONE_400 =
  /chat not found|group chat was upgraded|have no rights to send|need administrator rights|not enough rights to send/i;

/**
 * Classify an error from a Telegram API call in terms the caller can act
 * on: 403 → `gone`, a closed or deleted topic → `topic_gone`, 429 →
 * `rate_limited` (with retry_after), no connection, a reused connection
 * reset before any answer, or a 5xx answer → `unsent` (Telegram answered
 * that it failed, or never heard of it), timeouts and other network errors
 * → `transient` (the message may have arrived), 400 → `rejected` (unless
 * it means the chat is gone).
 */
export function toSendError(err: unknown): SendError {
  if (err instanceof SendError) return err;
  if (err instanceof GrammyError) {
    const detail = `${err.method}: ${err.error_code} ${err.description}`;
    const retryAfter = err.parameters.retry_after;
    if (err.error_code === 403) return new SendError("gone", detail);
    if (err.error_code === 429) return new SendError("rate_limited", detail, (retryAfter ?? 1) * 1000);
    if (err.error_code === 400 && TOPIC_GONE_400.test(err.description)) return new SendError("topic_gone", detail);
    if (err.error_code === 400) return new SendError(GONE_400.test(err.description) ? "gone" : "rejected", detail);
    // A 5xx is Telegram's own answer that the call failed: nothing was delivered.
    return new SendError(err.error_code >= 500 ? "unsent" : "transient", detail);
  }
  if (neverReached(err)) return new SendError("unsent", describeError(err));
  return new SendError("transient", describeError(err));
}

/**
 * True when a call's request never reached Telegram (no address, no route,
 * connection refused, a reused connection the server had closed).
 */
export function neverReached(err: unknown): boolean {
  return err instanceof HttpError && (NOT_CONNECTED.has(errorCode(err.error) ?? "") || wasResetUnsent(err.error));
}

function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === "string" ? code : undefined;
}

/** True when Telegram refused a call because the message did not change (a double-pressed button). */
export function isNotModified(err: unknown): boolean {
  return err instanceof GrammyError && err.error_code === 400 && /message is not modified/i.test(err.description);
}

/**
 * A one-line description of an error that is safe to log: never the
 * underlying fetch error, whose message carries the request URL and so
 * the bot token.
 */
export function describeError(err: unknown): string {
  if (err instanceof HttpError) {
    const code = errorCode(err.error) ?? errorCode((err.error as { cause?: unknown } | undefined)?.cause);
    return redactSecrets(code ? `${err.message} (${code})` : err.message);
  }
  if (err instanceof GrammyError) return redactSecrets(err.message);
  if (err instanceof Error) return redactSecrets(`${err.name}: ${err.message}`);
  return redactSecrets(String(err));
}
