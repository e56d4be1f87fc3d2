import type { Agent } from "node:http";
import { HttpsProxyAgent } from "https-proxy-agent";
import { SocksProxyAgent } from "socks-proxy-agent";

/**
 * An agent that carries requests through the proxy at `url`: an HTTP(S)
 * proxy by CONNECT (https-proxy-agent, for http and https targets alike),
 * or a SOCKS proxy (socks-proxy-agent; `socks5h://` resolves names at the
 * proxy, which is what a poisoned local DNS needs).
 */
export function proxyAgent(url: string): Agent {
  const parsed = new URL(url);
  if (parsed.protocol.startsWith("socks")) return new SocksProxyAgent(parsed);
  return new HttpsProxyAgent(parsed);
}

/** The proxy's address without credentials, for logs. */
export function describeProxy(url: string): string {
  const { protocol, host } = new URL(url);
  return `${protocol}//${host}`;
}
