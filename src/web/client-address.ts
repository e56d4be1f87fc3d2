/**
 * Who sent a request, for the console's login throttle. The socket's peer
 * by default; behind a reverse proxy (TRUST_PROXY) that peer is the proxy,
 * so the client is the last `X-Forwarded-For` entry — the one the proxy
 * wrote. Without TRUST_PROXY the header is ignored: anyone can send one,
 * and a guessing script would name a new address with every attempt.
 */
import { isIP } from "node:net";
import type { Context } from "hono";

/** What `@hono/node-server` passes as `c.env`: the node request. */
interface NodeBindings {
  incoming?: { socket?: { remoteAddress?: string } };
}

/** The client's address; `unknown` when the request did not come over a socket (never in the running bot). */
export function clientAddress(c: Context, trustProxy: boolean): string {
  const peer = (c.env as NodeBindings | undefined)?.incoming?.socket?.remoteAddress ?? "unknown";
  if (!trustProxy) return peer;
  const forwarded = c.req.header("x-forwarded-for")?.split(",").at(-1)?.trim();
  return forwarded && isIP(forwarded) ? forwarded : peer;
}
