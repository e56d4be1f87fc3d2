import { createServer as createHttpServer } from "node:http";
import { connect, createServer, type AddressInfo, type Server, type Socket } from "node:net";

/**
 * Local proxies on 127.0.0.1 that record where they carried traffic, so a
 * test can prove a request went through them: an HTTP proxy that tunnels
 * with CONNECT, and a SOCKS5 proxy (no authentication, CONNECT only).
 * Test stand-ins only; the bot itself uses https-proxy-agent and
 * socks-proxy-agent.
 */
export interface TestProxy {
  /** The proxy URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** `host:port` of every tunnel opened, in order. */
  targets: string[];
  close(): Promise<void>;
}

/** An HTTP proxy answering CONNECT (what https-proxy-agent speaks). */
export async function connectProxy(): Promise<TestProxy> {
  const targets: string[] = [];
  const sockets = new Set<Socket>();
  const server = createHttpServer((_req, res) => res.writeHead(405).end());
  server.on("connect", (req, client: Socket, head: Buffer) => {
    const target = req.url ?? "";
    targets.push(target);
    const [host, port] = splitHostPort(target);
    const upstream = connect(port, host, () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    track(sockets, client, upstream);
  });
  return listen(server, "http", targets, sockets);
}

/** A SOCKS5 proxy without authentication that tunnels CONNECT requests. */
export async function socks5Proxy(): Promise<TestProxy> {
  const targets: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    client.once("data", (greeting) => {
      if (greeting[0] !== 5) return client.destroy();
      client.write(Buffer.from([5, 0])); // version 5, no authentication
      client.once("data", (request) => {
        const { host, port } = socksTarget(request);
        targets.push(`${host}:${port}`);
        const upstream = connect(port, host, () => {
          client.write(Buffer.from([5, 0, 0, 1, 0, 0, 0, 0, 0, 0])); // succeeded, bound 0.0.0.0:0
          upstream.pipe(client).pipe(upstream);
        });
        track(sockets, client, upstream);
      });
    });
  });
  return listen(server, "socks5", targets, sockets);
}

/** The destination of a SOCKS5 CONNECT request: IPv4, domain name or IPv6. */
function socksTarget(req: Buffer): { host: string; port: number } {
  const type = req[3];
  if (type === 1) return { host: [...req.subarray(4, 8)].join("."), port: req.readUInt16BE(8) };
  if (type === 3) {
    const len = req[4]!;
    return { host: req.subarray(5, 5 + len).toString(), port: req.readUInt16BE(5 + len) };
  }
  const words = [];
  for (let i = 0; i < 16; i += 2) words.push(req.readUInt16BE(4 + i).toString(16));
  return { host: words.join(":"), port: req.readUInt16BE(20) };
}

function splitHostPort(target: string): [string, number] {
  const at = target.lastIndexOf(":");
  return [target.slice(0, at).replace(/^\[|\]$/g, ""), Number(target.slice(at + 1))];
}

function track(sockets: Set<Socket>, ...pair: Socket[]): void {
  for (const s of pair) {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
    s.on("error", () => pair.forEach((p) => p.destroy()));
  }
}

async function listen(server: Server, scheme: string, targets: string[], sockets: Set<Socket>): Promise<TestProxy> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`,
    targets,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
