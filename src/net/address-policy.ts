/**
 * Which network addresses the bot may fetch images from. Image URLs come
 * from article files (`cover`, `zen.image`), which are untrusted: without
 * this, a URL (or a redirect, or a DNS name) pointing at loopback, the LAN
 * or a cloud metadata service would have the bot fetch internal data and
 * post it into a chat.
 */
import { BlockList, isIP } from "node:net";

/** Ranges that are not the public internet: loopback, private, link-local, unique-local, and the like. */
const INTERNAL = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8], // "this network"
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local, cloud metadata (169.254.169.254)
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
] as const)
  INTERNAL.addSubnet(net, prefix, "ipv4");
for (const [net, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7], // unique-local
  ["fe80::", 10], // link-local
  ["fec0::", 10], // site-local (deprecated, still routable inside)
  ["ff00::", 8], // multicast
] as const)
  INTERNAL.addSubnet(net, prefix, "ipv6");

/** An IPv4 address carried inside an IPv6 one (`::ffff:127.0.0.1`, NAT64 `64:ff9b::7f00:1`), else undefined. */
function embeddedIPv4(address: string): string | undefined {
  const m = /^(?:::ffff:(?:0+:)?|64:ff9b::)(.+)$/i.exec(address);
  if (!m) return undefined;
  const tail = m[1]!;
  if (isIP(tail) === 4) return tail;
  const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(tail);
  if (!hex) return undefined;
  const hi = parseInt(hex[1]!, 16);
  const lo = parseInt(hex[2]!, 16);
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join(".");
}

/**
 * The policy: public addresses are fine; internal ones only when
 * `IMAGE_HOSTS_ALLOW` lists the host name, the address, or a range
 * (`10.0.0.0/8`, `fd00::/8`) that holds it.
 */
export class AddressPolicy {
  private readonly names = new Set<string>();
  private readonly allowed = new BlockList();

  /** @param allow entries of `IMAGE_HOSTS_ALLOW`: host names, addresses, CIDR ranges */
  constructor(allow: readonly string[] = []) {
    for (const raw of allow) {
      const entry = raw
        .trim()
        .toLowerCase()
        .replace(/^\[(.*)\]$/, "$1");
      const [address, prefix] = entry.split("/");
      const family = isIP(address ?? "");
      if (family === 0) this.names.add(entry);
      else if (prefix === undefined) this.allowed.addAddress(address!, family === 4 ? "ipv4" : "ipv6");
      else this.allowed.addSubnet(address!, Number(prefix), family === 4 ? "ipv4" : "ipv6");
    }
  }

  /** Whether `host` (a URL's host name) is allowed by name, whatever it resolves to. */
  allowsName(host: string): boolean {
    return this.names.has(host.toLowerCase().replace(/^\[(.*)\]$/, "$1"));
  }

  /** Why `address` may not be fetched from, or undefined when it may. */
  refusal(address: string): string | undefined {
    const family = isIP(address);
    if (family === 0) return `${address} is not an IP address`;
    const v4 = family === 6 ? embeddedIPv4(address) : address;
    const [addr, type] = v4 ? [v4, "ipv4" as const] : [address, "ipv6" as const];
    if (
      !INTERNAL.check(addr, type) ||
      this.allowed.check(addr, type) ||
      this.allowed.check(address, family === 4 ? "ipv4" : "ipv6")
    )
      return undefined;
    return `${address} is an internal address (set IMAGE_HOSTS_ALLOW to allow it)`;
  }
}
