/**
 * What the web code reads from a request beyond its route: who is asking
 * (for per-client limits), under which address the site is reached (for
 * the absolute links feeds need), and the query's common parameters.
 */
import type { HttpBindings } from "@hono/node-server";
import { isIP } from "node:net";
import type { Context } from "hono";

/** What `@hono/node-server` passes as `c.env`: the node request. */
type NodeBindings = Partial<HttpBindings> | undefined;

/**
 * Who sent a request, for per-client limits (the console's login
 * throttle, the API's rate limit). The socket's peer by default; behind a
 * reverse proxy (TRUST_PROXY) that peer is the proxy, so the client is the
 * last `X-Forwarded-For` entry — the one the proxy wrote. Without
 * TRUST_PROXY the header is ignored: anyone can send one, and a script
 * would name a new address with every request. `unknown` when the request
 * did not come over a socket (never in the running bot).
 */
export function clientAddress(c: Context, trustProxy: boolean): string {
  const peer = (c.env as NodeBindings)?.incoming?.socket?.remoteAddress ?? "unknown";
  if (!trustProxy) return peer;
  const forwarded = c.req.header("x-forwarded-for")?.split(",").at(-1)?.trim();
  return forwarded && isIP(forwarded) ? forwarded : peer;
}

/** `http(s)://host[:port]` as the client reached the site (`X-Forwarded-Proto: https` from the proxy). */
export function siteOrigin(c: Context): string {
  const url = new URL(c.req.url);
  return `${c.req.header("x-forwarded-proto") === "https" ? "https:" : url.protocol}//${url.host}`;
}

/** A query longer than this is cut (the chat cuts too; this keeps URLs sane). */
export const MAX_QUERY_CHARS = 100;

/** A query's words, trimmed and cut to `max` characters. */
export function queryText(value: string | undefined, max: number): string {
  return [...(value ?? "").trim()].slice(0, max).join("");
}

/** A path segment decoded, or undefined when it is not well formed (`%E0%A4%A`). */
export function decodedPath(encoded: string): string | undefined {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
}

/** `?limit=`: `fallback` when absent, at most `max`; undefined when it is not a whole number from 1. */
export function limitParam(value: string | undefined, fallback: number, max: number): number | undefined {
  if (value === undefined || value === "") return fallback;
  if (!/^\d{1,6}$/.test(value) || Number(value) < 1) return undefined;
  return Math.min(max, Number(value));
}
