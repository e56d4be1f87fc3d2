/**
 * Wrong console passwords, counted per client address. One global counter
 * let five wrong guesses a minute from anyone keep the operator out for
 * good; per address, a guessing client waits longer after each failure
 * while everyone else still gets in.
 */
import { isIP } from "node:net";

/** Wrong passwords an address may send before it has to wait. */
export const FREE_FAILURES = 5;
/** The first wait; each further failure doubles it, up to {@link MAX_WAIT_MS}. */
export const FIRST_WAIT_MS = 60_000;
export const MAX_WAIT_MS = 3_600_000;
/** An address that has not failed for this long starts afresh. */
export const FORGET_MS = 24 * 3_600_000;
/** Addresses remembered at most (the least recently failing are forgotten first): a flood of addresses cannot grow memory without bound. */
export const MAX_CLIENTS = 10_000;

interface Failures {
  count: number;
  last: number;
  /** No attempt is looked at before this time. */
  until: number;
}

/**
 * The key an address is counted under: itself for IPv4 (also when mapped
 * into IPv6), its /64 for IPv6 — one host commonly holds a whole /64, and
 * would otherwise get five free guesses per address in it.
 */
export function throttleKey(address: string): string {
  const bare = address.replace(/%.*$/, "");
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped) return mapped[1]!;
  if (isIP(bare) !== 6) return bare;
  const [head = "", tail] = bare.toLowerCase().split("::");
  const groups = (s: string) => (s ? s.split(":").flatMap((g) => (g.includes(".") ? ["v4", "v4"] : [g])) : []);
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const full = [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right];
  return `${full
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}

/** Failed logins per client address, with growing waits. */
export class LoginThrottle {
  private readonly clients = new Map<string, Failures>();

  /** How long `address` must still wait before an attempt is looked at (0: it may try now). */
  waitMs(address: string, now: number): number {
    const key = throttleKey(address);
    const entry = this.clients.get(key);
    if (entry && entry.last <= now - FORGET_MS) this.clients.delete(key);
    return entry && entry.last > now - FORGET_MS ? Math.max(0, entry.until - now) : 0;
  }

  /** Count a wrong password from `address`; returns the wait it now has (0 while it is within its free failures). */
  failed(address: string, now: number): number {
    const key = throttleKey(address);
    const previous = this.clients.get(key);
    const count = (previous && previous.last > now - FORGET_MS ? previous.count : 0) + 1;
    const wait = count < FREE_FAILURES ? 0 : Math.min(MAX_WAIT_MS, FIRST_WAIT_MS * 2 ** (count - FREE_FAILURES));
    // Re-inserted: the map's order is the order of the last failure, oldest first.
    this.clients.delete(key);
    this.clients.set(key, { count, last: now, until: now + wait });
    while (this.clients.size > MAX_CLIENTS) this.clients.delete(this.clients.keys().next().value!);
    return wait;
  }

  /** The right password: `address` starts afresh. */
  succeeded(address: string): void {
    this.clients.delete(throttleKey(address));
  }

  /** Addresses remembered (tests: memory stays bounded). */
  get size(): number {
    return this.clients.size;
  }
}
