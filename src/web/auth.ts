/**
 * The console's door: one password (ADMIN_PASSWORD), compared in constant
 * time, at most 5 failed attempts a minute (then everyone waits: behind a
 * reverse proxy every client has the proxy's address, so a per-address
 * limit would be no limit), sessions in memory (a restart logs everyone
 * out), and a CSRF token per session that every POST must carry.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Clock } from "../clock.ts";

/** Failed logins allowed per rolling minute before attempts are refused unseen. */
export const MAX_FAILED_LOGINS = 5;
const WINDOW_MS = 60_000;
/** How long a console session lasts without a new login. */
export const SESSION_TTL_MS = 12 * 3_600_000;
const MAX_SESSIONS = 100;

/** One logged-in browser. */
export interface Session {
  csrf: string;
  expiresAt: number;
  /** One message for the next page (「推送已开始…」). */
  flash?: string;
}

/** A random token for cookies and forms. */
export function token(): string {
  return randomBytes(24).toString("base64url");
}

/** `a === b` without telling by its timing how much of `a` matched (both are hashed to one length first). */
export function sameSecret(a: string, b: string): boolean {
  const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();
  return timingSafeEqual(digest(a), digest(b));
}

/** Password check, throttle and sessions of the console. */
export class ConsoleAuth {
  private readonly failures: number[] = [];
  /** The oldest failure of the lock-out last reported. */
  private lockedSince?: number;
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly password: string,
    private readonly clock: Clock,
  ) {}

  /**
   * Check a login attempt: `throttled` (not even looked at) after
   * {@link MAX_FAILED_LOGINS} failures within a minute, `wrong`, or a new
   * session's id.
   */
  login(attempt: string): { result: "throttled"; first: boolean } | { result: "wrong" } | { result: "ok"; sessionId: string } {
    const now = this.clock.now().getTime();
    while (this.failures.length > 0 && this.failures[0]! <= now - WINDOW_MS) this.failures.shift();
    if (this.failures.length >= MAX_FAILED_LOGINS) {
      // Told once per lock-out: a guessing script must not flood the log.
      const first = this.lockedSince !== this.failures[0];
      this.lockedSince = this.failures[0];
      return { result: "throttled", first };
    }
    if (!sameSecret(attempt, this.password)) {
      this.failures.push(now);
      return { result: "wrong" };
    }
    const sessionId = token();
    this.sessions.set(sessionId, { csrf: token(), expiresAt: now + SESSION_TTL_MS });
    // Oldest first: a flood of logins cannot grow memory without bound.
    while (this.sessions.size > MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value!);
    return { result: "ok", sessionId };
  }

  /** The live session of a cookie value, if any. */
  session(id: string | undefined): Session | undefined {
    if (!id) return undefined;
    const s = this.sessions.get(id);
    if (!s) return undefined;
    if (s.expiresAt <= this.clock.now().getTime()) {
      this.sessions.delete(id);
      return undefined;
    }
    return s;
  }

  logout(id: string | undefined): void {
    if (id) this.sessions.delete(id);
  }
}
