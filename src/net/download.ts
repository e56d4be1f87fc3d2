/**
 * Image downloads. The URLs come from article files (`cover`,
 * `zen.image`), so the far end is untrusted: only http(s), never an
 * internal address (checked on the address actually connected to, at
 * every redirect hop), only bodies that are really JPEG, PNG, GIF or WebP,
 * with a size cap and a timeout.
 */
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import type { Agent, IncomingMessage } from "node:http";
import { get as httpGet } from "node:http";
import { get as httpsGet } from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { AddressPolicy } from "./address-policy.ts";
import { messageOf } from "../util/errors.ts";

/** Limits of one image download. */
export interface DownloadOptions {
  /** Abort after this long (per attempt, all redirect hops included). Default 10 s. */
  timeoutMs?: number;
  /** Refuse bodies larger than this. Default 10 MB (Telegram's photo upload limit). */
  maxBytes?: number;
  /** Extra attempts after a network error or 5xx. Default 2. */
  retries?: number;
  /** Wait before retry n (1-based). Default 500 ms × n. */
  backoffMs?: (attempt: number) => number;
  /** Internal hosts images may still come from (`IMAGE_HOSTS_ALLOW`): names, addresses, CIDR ranges. */
  allowHosts?: readonly string[];
  /**
   * Connect through this agent (a proxy) instead of directly. The proxy
   * resolves names itself, so the address check then runs on our own
   * resolution of the name just before the request.
   */
  agent?: Agent;
  /** How names are resolved. Default `dns.lookup` (tests pass a fake resolver). */
  resolve?: (hostname: string) => Promise<LookupAddress[]>;
}

/** A downloaded file. */
export interface Downloaded {
  bytes: Buffer;
  /** The image's type, from its first bytes: image/jpeg, image/png, image/gif or image/webp. */
  contentType: string;
  /** A file name with a fitting extension, e.g. `image.jpeg`. */
  fileName: string;
}

/** Why a download failed; `retryable` is false for 4xx, refused hosts, non-images and oversize bodies. */
export class DownloadError extends Error {
  override readonly name = "DownloadError";
  constructor(
    message: string,
    readonly url: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/** Redirects followed before giving up; each hop is checked like the first request. */
export const MAX_REDIRECTS = 5;

/**
 * Download an image server-side. No Referer header is sent: WeChat's
 * image host answers hotlinked requests with a placeholder picture.
 * Retries network errors and 5xx with backoff; never retries 4xx or a refusal.
 * @throws DownloadError with the URL and the reason
 */
export async function downloadImage(url: string, options: DownloadOptions = {}): Promise<Downloaded> {
  const retries = options.retries ?? 2;
  const backoff = options.backoffMs ?? ((n) => 500 * n);
  for (let attempt = 0; ; attempt++) {
    try {
      return await downloadOnce(url, options);
    } catch (err) {
      const e = err instanceof DownloadError ? err : new DownloadError(messageOf(err), url, true);
      if (!e.retryable || attempt >= retries) throw e;
      await new Promise((r) => setTimeout(r, backoff(attempt + 1)));
    }
  }
}

async function downloadOnce(url: string, options: DownloadOptions): Promise<Downloaded> {
  const maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const signal = AbortSignal.timeout(timeoutMs);
  const policy = new AddressPolicy(options.allowHosts);
  const resolve = options.resolve ?? ((host: string) => dnsLookupAll(host));
  let target = parseTarget(url, url);
  for (let hop = 0; ; hop++) {
    const res = await request(target, policy, resolve, options.agent, signal).catch((err: Error) => {
      if (err instanceof DownloadError) throw err;
      const reason = signal.aborted ? `timed out after ${timeoutMs} ms` : err.message;
      throw new DownloadError(`download failed: ${reason}`, url, true);
    });
    const status = res.statusCode ?? 0;
    if (status >= 300 && status < 400 && res.headers.location) {
      res.resume();
      if (hop >= MAX_REDIRECTS)
        throw new DownloadError(`download refused: more than ${MAX_REDIRECTS} redirects`, url, false);
      target = parseTarget(new URL(res.headers.location, target).href, url);
      continue;
    }
    if (status < 200 || status >= 300) {
      res.resume();
      throw new DownloadError(`download failed: HTTP ${status}`, url, status >= 500 || status === 429);
    }
    const declaredType = res.headers["content-type"]?.split(";")[0]?.trim().toLowerCase();
    if (declaredType && !declaredType.startsWith("image/")) {
      res.resume();
      throw new DownloadError(`download refused: not an image (${declaredType})`, url, false);
    }
    const declared = Number(res.headers["content-length"] ?? 0);
    if (declared > maxBytes) {
      res.resume();
      throw new DownloadError(`image too large: ${declared} bytes > ${maxBytes}`, url, false);
    }
    const bytes = await readCapped(res, maxBytes, url, signal, timeoutMs);
    const contentType = sniffImageType(bytes);
    if (!contentType)
      throw new DownloadError("download refused: the body is not a JPEG, PNG, GIF or WebP image", url, false);
    return { bytes, contentType, fileName: `image.${contentType.slice("image/".length)}` };
  }
}

/** An http(s) URL, or a refusal naming the original URL. */
function parseTarget(href: string, original: string): URL {
  let target: URL;
  try {
    target = new URL(href);
  } catch {
    throw new DownloadError(`download refused: not a URL: ${href}`, original, false);
  }
  if (target.protocol !== "http:" && target.protocol !== "https:") {
    throw new DownloadError(`download refused: ${target.protocol} is not http(s)`, original, false);
  }
  return target;
}

/**
 * One GET. Connecting directly, the address check sits in the socket's
 * `lookup`, so the address checked is the address connected to (no window
 * for DNS rebinding between a check and the connection). An address
 * literal is not looked up, so it is checked here first.
 */
async function request(
  target: URL,
  policy: AddressPolicy,
  resolve: (hostname: string) => Promise<LookupAddress[]>,
  agent: Agent | undefined,
  signal: AbortSignal,
): Promise<IncomingMessage> {
  const host = target.hostname.replace(/^\[(.*)\]$/, "$1");
  const byName = policy.allowsName(host);
  if (!byName && isIP(host)) refuseIf(policy.refusal(host), target);
  // Through a proxy our lookup is not used: check our own resolution of the name instead.
  if (!byName && agent && !isIP(host)) for (const a of await resolve(host)) refuseIf(policy.refusal(a.address), target);
  const lookup: LookupFunction = (hostname, opts, callback) => {
    resolve(hostname).then(
      (addresses) => {
        const refused = byName ? undefined : addresses.map((a) => policy.refusal(a.address)).find(Boolean);
        if (refused)
          return callback(new DownloadError(`download refused: ${target.host}: ${refused}`, target.href, false), "", 4);
        if (addresses.length === 0)
          return callback(Object.assign(new Error(`no address for ${hostname}`), { code: "ENOTFOUND" }), "", 4);
        if (opts.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
        callback(null, addresses[0]!.address, addresses[0]!.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, "", 4),
    );
  };
  const get = target.protocol === "https:" ? httpsGet : httpGet;
  return new Promise<IncomingMessage>((resolveRes, reject) => {
    const headers = { accept: "image/*", "user-agent": "article-bot" };
    get(target, agent ? { agent, signal, headers } : { lookup, signal, headers }, resolveRes).on("error", reject);
  });
}

function refuseIf(refusal: string | undefined, target: URL): void {
  if (refusal) throw new DownloadError(`download refused: ${target.host}: ${refusal}`, target.href, false);
}

function dnsLookupAll(hostname: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))),
  );
}

async function readCapped(
  res: IncomingMessage,
  maxBytes: number,
  url: string,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) {
        res.destroy();
        throw new DownloadError(`image too large: more than ${maxBytes} bytes`, url, false);
      }
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof DownloadError) throw err;
    throw new DownloadError(
      `download failed: ${signal.aborted ? `timed out after ${timeoutMs} ms` : messageOf(err)}`,
      url,
      true,
    );
  }
  if (size === 0) throw new DownloadError("download failed: empty body", url, true);
  return Buffer.concat(chunks);
}

/** The image type named by the first bytes (magic numbers), or undefined for anything else. */
export function sniffImageType(bytes: Buffer): string | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "image/jpeg";
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return "image/png";
  const head = bytes.subarray(0, 6).toString("latin1");
  if (head === "GIF87a" || head === "GIF89a") return "image/gif";
  if (bytes.subarray(0, 4).toString("latin1") === "RIFF" && bytes.subarray(8, 12).toString("latin1") === "WEBP")
    return "image/webp";
  return undefined;
}
