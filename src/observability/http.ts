import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "../log.ts";
import type { Health } from "./health.ts";
import type { Metrics } from "./metrics.ts";

/** What the HTTP server serves. */
export interface HttpServerOptions {
  /** 0 picks a free port (tests). */
  port: number;
  /** Interface to listen on. Default `127.0.0.1`: metrics are not for the world (set HTTP_HOST to open it). */
  host?: string;
  health: Health;
  metrics: Metrics;
  log: Logger;
  /**
   * Everything but /healthz and /metrics (the web pages, src/web), when
   * served; without it those paths are a 404.
   */
  web?: (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;
}

/** A listening server. */
export interface HttpServer {
  /** Base URL, e.g. `http://127.0.0.1:9464`. */
  url: string;
  close(): Promise<void>;
}

/** Slow or stuck clients must not hold sockets: the answers are small and local. */
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * Serve `/healthz` (JSON; 200 when healthy, 503 when not) and `/metrics`
 * (Prometheus text format). Anything else is a 404; only GET and HEAD are
 * accepted. Resolves once listening.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const { log } = options;
  const server = createServer((req, res) => {
    route(req, res, options).catch((err: unknown) => {
      log.error({ err, path: req.url }, "http request failed");
      if (!res.headersSent) send(res, 500, "text/plain; charset=utf-8", "internal error\n");
      else res.destroy();
    });
  });
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.headersTimeout = REQUEST_TIMEOUT_MS;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "127.0.0.1", () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const url = `http://${address.includes(":") ? `[${address}]` : address}:${port}`;
  log.info({ url }, options.web ? "http server listening (/healthz, /metrics, web pages)" : "http server listening (/healthz, /metrics)");
  return {
    url,
    close: () => new Promise((resolve) => server.close(() => resolve()).closeAllConnections()),
  };
}

async function route(req: IncomingMessage, res: ServerResponse, options: HttpServerOptions): Promise<void> {
  const path = new URL(req.url ?? "/", "http://localhost").pathname;
  if (options.web && path !== "/healthz" && path !== "/metrics") return options.web(req, res);
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.setHeader("allow", "GET, HEAD");
    return send(res, 405, "text/plain; charset=utf-8", "method not allowed\n");
  }
  if (path === "/healthz") {
    const report = showsHealthDetails(req) ? options.health.report() : options.health.publicReport();
    return send(res, report.status === "ok" ? 200 : 503, "application/json; charset=utf-8", `${JSON.stringify(report)}\n`);
  }
  if (path === "/metrics") {
    const { contentType, body } = await options.metrics.render();
    return send(res, 200, contentType, body);
  }
  send(res, 404, "text/plain; charset=utf-8", "not found: try /healthz or /metrics\n");
}

/** Headers a reverse proxy adds: a request carrying one came from somewhere else, whatever its socket says. */
const FORWARDING_HEADERS = ["forwarded", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-real-ip", "via"];

/**
 * Whether `/healthz` may show its details (QR code, login history, errors)
 * to `req`: only to this host itself (the container's health probe, an
 * operator's curl over SSH), never through a reverse proxy, which connects
 * from loopback too but says so in its headers. Everyone else gets
 * {@link Health.publicReport}.
 */
export function showsHealthDetails(req: Pick<IncomingMessage, "headers"> & { socket: { remoteAddress?: string } }): boolean {
  const address = req.socket.remoteAddress ?? "";
  const loopback = address === "::1" || /^(::ffff:)?127\./.test(address);
  return loopback && FORWARDING_HEADERS.every((h) => req.headers[h] === undefined);
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { "content-type": contentType, "cache-control": "no-store" });
  res.end(res.req.method === "HEAD" ? undefined : body);
}
