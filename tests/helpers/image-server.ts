import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** How the image server answers one path. */
export type ImageRoute =
  | { kind: "image"; bytes: Buffer; contentType?: string }
  /** An HTTP error status, e.g. 404 or 503. */
  | { kind: "status"; status: number }
  /** Never answer (a hung host), to exercise timeouts. */
  | { kind: "hang" }
  /** Any body with any content type, e.g. JSON from an internal service. */
  | { kind: "body"; bytes: Buffer; contentType: string }
  /** A redirect (302) to `location`. */
  | { kind: "redirect"; location: string };

/** One request the server received. */
export interface ImageRequest {
  path: string;
  headers: IncomingHttpHeaders;
}

/**
 * A local HTTP image host on 127.0.0.1 (random port) standing in for
 * WeChat's mmbiz.qpic.cn. Like the real host, it serves a placeholder
 * to requests that carry a Referer. Records every request.
 */
export class ImageServer {
  readonly requests: ImageRequest[] = [];
  private readonly routes = new Map<string, ImageRoute>();
  private readonly server: Server;

  private constructor(private readonly host: string) {
    this.server = createServer((req, res) => {
      const path = req.url ?? "/";
      this.requests.push({ path, headers: req.headers });
      const route = this.routes.get(path.split("?")[0]!) ?? { kind: "status", status: 404 };
      if (route.kind === "hang") return;
      if (route.kind === "status") return void res.writeHead(route.status).end();
      if (route.kind === "redirect") return void res.writeHead(302, { location: route.location }).end();
      if (route.kind === "body") return void res.writeHead(200, { "content-type": route.contentType }).end(route.bytes);
      const bytes = req.headers.referer ? PLACEHOLDER : route.bytes;
      res
        .writeHead(200, { "content-type": route.contentType ?? "image/jpeg", "content-length": bytes.length })
        .end(bytes);
    });
  }

  /** Start a server on a random port of `host` (another loopback address, e.g. 127.0.0.2, plays an internal host). */
  static async start(host = "127.0.0.1"): Promise<ImageServer> {
    const s = new ImageServer(host);
    await new Promise<void>((resolve) => s.server.listen(0, host, resolve));
    return s;
  }

  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:41234`. */
  get url(): string {
    return `http://${this.host}:${(this.server.address() as AddressInfo).port}`;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Serve `route` at `path` (query strings are ignored when matching); returns the full URL. */
  route(path: string, route: ImageRoute): string {
    this.routes.set(path, route);
    return `${this.url}${path}`;
  }

  /** Requests for one path. */
  hits(path: string): ImageRequest[] {
    return this.requests.filter((r) => r.path.split("?")[0] === path);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/**
 * The image server runs on 127.0.0.1, which the bot refuses to fetch from
 * by default (an internal address, see docs/security.md): tests that
 * download from it allow it explicitly, as IMAGE_HOSTS_ALLOW would.
 */
export const LOCAL_IMAGE_HOSTS = ["127.0.0.1"];

/** Bytes the server answers hotlinked requests with, like WeChat's "未经允许不可引用" picture. */
export const PLACEHOLDER = Buffer.from("placeholder: 此图片来自微信公众平台，未经允许不可引用");

/** A small fake JPEG body of `size` bytes (content is irrelevant to Telegram's fake). */
export function jpegBytes(size = 2048): Buffer {
  const bytes = Buffer.alloc(size, 0x55);
  bytes.set([0xff, 0xd8, 0xff, 0xe0], 0);
  return bytes;
}
