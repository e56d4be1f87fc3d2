import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import type { Logger } from "../log.ts";
import { ui } from "../web/strings.ts";
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
  server.on("clientError", answerUnparsable);
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.headersTimeout = REQUEST_TIMEOUT_MS;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "127.0.0.1", () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const url = `http://${address.includes(":") ? `[${address}]` : address}:${port}`;
  log.info(
    { url },
    options.web
      ? "http server listening (/healthz, /metrics, web pages)"
      : "http server listening (/healthz, /metrics)",
  );
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
    return send(
      res,
      report.status === "ok" ? 200 : 503,
      "application/json; charset=utf-8",
      `${JSON.stringify(report)}\n`,
    );
  }
  if (path === "/metrics") {
    const { contentType, body } = await options.metrics.render();
    return send(res, 200, contentType, body);
  }
  send(res, 404, "text/plain; charset=utf-8", "not found: try /healthz or /metrics\n");
}

/** Headers a reverse proxy adds: a request carrying one came from somewhere else, whatever its socket says. */
const FORWARDING_HEADERS = [
  "forwarded",
  "x-forwarded-for",
  "x-forwarded-proto",
  "x-forwarded-host",
  "x-real-ip",
  "via",
];

/**
 * Whether `/healthz` may show its details (QR code, login history, errors)
 * to `req`: only to this host itself (the container's health probe, an
 * operator's curl over SSH), never through a reverse proxy, which connects
 * from loopback too but says so in its headers. Everyone else gets
 * {@link Health.publicReport}.
 */
export function showsHealthDetails(
  req: Pick<IncomingMessage, "headers"> & { socket: { remoteAddress?: string } },
): boolean {
  const address = req.socket.remoteAddress ?? "";
  const loopback = address === "::1" || /^(::ffff:)?127\./.test(address);
  return loopback && FORWARDING_HEADERS.every((h) => req.headers[h] === undefined);
}

/** What Node answers a request it cannot parse, when nobody else does (its own `clientError` default). */
const PARSE_FAILURES: Record<string, string> = {
  HPE_HEADER_OVERFLOW: "431 Request Header Fields Too Large",
  HPE_CHUNK_EXTENSIONS_OVERFLOW: "413 Payload Too Large",
  ERR_HTTP_REQUEST_TIMEOUT: "408 Request Timeout",
};

/**
 * A request the HTTP parser refuses. Node's own answer is a bare 400 with no
 * body, which is what `curl 'http://…/?q=墨荷'` got: curl sends the UTF-8 of
 * 墨荷 unencoded, and the parser allows only ASCII in a URL. When that is the
 * only fault of a GET or HEAD, the answer is a redirect to the encoded URL
 * (browsers and `curl -L` follow it to the search) with a page that says
 * what went wrong; anything else gets Node's usual answer.
 */
function answerUnparsable(err: Error & { code?: string; rawPacket?: Buffer }, socket: Duplex): void {
  if (err.code === "ECONNRESET" || !socket.writable) {
    socket.destroy();
    return;
  }
  const encoded = err.code === "HPE_INVALID_URL" ? encodedTarget(err.rawPacket) : undefined;
  if (!encoded) {
    socket.end(`HTTP/1.1 ${PARSE_FAILURES[err.code ?? ""] ?? "400 Bad Request"}\r\nConnection: close\r\n\r\n`);
    return;
  }
  const body = Buffer.from(`${ui.unencodedUrl(encoded)}\n`);
  const head = [
    "HTTP/1.1 308 Permanent Redirect",
    `Location: ${encoded}`,
    "Content-Type: text/plain; charset=utf-8",
    `Content-Length: ${body.length}`,
    "Cache-Control: no-store",
    "X-Content-Type-Options: nosniff",
    "Connection: close",
  ];
  socket.end(Buffer.concat([Buffer.from(`${head.join("\r\n")}\r\n\r\n`), body]));
}

/** The longest request target worth repairing: the parser's own limits apply to everything else. */
const MAX_TARGET_BYTES = 8 * 1024;

/**
 * The target of a GET or HEAD request line with its non-ASCII bytes
 * percent-encoded, when those bytes are all that is wrong with it (a
 * path from the root, no control characters or blanks); else undefined.
 */
function encodedTarget(raw: Buffer | undefined): string | undefined {
  if (!raw) return undefined;
  const end = raw.indexOf("\r\n");
  const line = raw.subarray(0, end < 0 ? Math.min(raw.length, MAX_TARGET_BYTES + 32) : end);
  const match = /^(?:GET|HEAD) (\/[^\s]*) HTTP\/1\.[01]$/.exec(line.toString("latin1"));
  if (!match || match[1]!.length > MAX_TARGET_BYTES) return undefined;
  const bytes = Buffer.from(match[1]!, "latin1");
  // Printable ASCII is what the parser accepts: the repaired target parses, and a redirect never loops.
  if (!bytes.some((b) => b >= 0x80) || bytes.some((b) => b < 0x21 || b === 0x7f)) return undefined;
  return [...bytes].map((b) => (b >= 0x80 ? `%${b.toString(16).toUpperCase()}` : String.fromCharCode(b))).join("");
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { "content-type": contentType, "cache-control": "no-store" });
  res.end(res.req.method === "HEAD" ? undefined : body);
}
