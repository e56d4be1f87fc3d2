/**
 * The console's door: one password (ADMIN_PASSWORD), compared in constant
 * time, wrong passwords counted per client address with growing waits
 * ({@link LoginThrottle}), sessions in memory (a restart logs everyone
 * out), and a CSRF token per session that every POST must carry.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Clock } from "../clock.ts";
import { LoginThrottle } from "./login-throttle.ts";

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

/** What a login attempt came to. */
export type LoginOutcome =
  /** Not even looked at: the address must wait `waitMs` more. */
  | { result: "throttled"; waitMs: number }
  /** Wrong; `waitMs` > 0 when this failure made the address wait. */
  | { result: "wrong"; waitMs: number }
  | { result: "ok"; sessionId: string };

/** Password check, throttle and sessions of the console. */
export class ConsoleAuth {
  private readonly throttle = new LoginThrottle();
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly password: string,
    private readonly clock: Clock,
  ) {}

  /** Check a login attempt from the client at `address` (see `clientAddress`). */
  login(attempt: string, address: string): LoginOutcome {
    const now = this.clock.now().getTime();
    const waitMs = this.throttle.waitMs(address, now);
    if (waitMs > 0) return { result: "throttled", waitMs };
    if (!sameSecret(attempt, this.password)) return { result: "wrong", waitMs: this.throttle.failed(address, now) };
    this.throttle.succeeded(address);
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
