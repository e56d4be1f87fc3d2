/**
 * What the web code reads from a request beyond its route: who is asking
 * (for per-client limits), under which address the site is reached (for
 * the absolute links feeds need), and the query's common parameters.
 */
import type { HttpBindings } from "@hono/node-server";
import type { Context } from "hono";

const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;

/**
 * The client's address as far as it can be trusted: the connection's,
 * except when it comes from this host. That is the reverse proxy
 * docs/web.md puts in front, and the client is the last address it added
 * to `X-Forwarded-For`. The header from anywhere else is ignored, so nobody
 * escapes a limit by naming a new address on every request.
 */
export function clientAddress(c: Context): string {
  // Requests made in-process (hono's `app.request`, the specs) have no socket: they come from this host.
  const peer = (c.env as Partial<HttpBindings> | undefined)?.incoming?.socket?.remoteAddress ?? "127.0.0.1";
  if (!LOOPBACK.test(peer)) return peer;
  const forwarded = c.req.header("x-forwarded-for")?.split(",").at(-1)?.trim();
  return forwarded || peer;
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
