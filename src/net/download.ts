/** Limits of one image download. */
export interface DownloadOptions {
  /** Abort after this long (per attempt). Default 10 s. */
  timeoutMs?: number;
  /** Refuse bodies larger than this. Default 10 MB (Telegram's photo upload limit). */
  maxBytes?: number;
  /** Extra attempts after a network error or 5xx. Default 2. */
  retries?: number;
  /** Wait before retry n (1-based). Default 500 ms × n. */
  backoffMs?: (attempt: number) => number;
  fetch?: typeof fetch;
}

/** A downloaded file. */
export interface Downloaded {
  bytes: Buffer;
  /** Content type reported by the server (or guessed from `wx_fmt`). */
  contentType: string;
  /** A file name with a fitting extension, e.g. `image.jpeg`. */
  fileName: string;
}

/** Why a download failed; `retryable` is false for 4xx and oversize bodies. */
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

/**
 * Download an image server-side. No Referer header is sent: WeChat's
 * image host answers hotlinked requests with a placeholder picture.
 * Retries network errors and 5xx with backoff; never retries 4xx.
 * @throws DownloadError with the URL and the reason
 */
export async function downloadImage(url: string, options: DownloadOptions = {}): Promise<Downloaded> {
  const retries = options.retries ?? 2;
  const backoff = options.backoffMs ?? ((n) => 500 * n);
  for (let attempt = 0; ; attempt++) {
    try {
      return await downloadOnce(url, options);
    } catch (err) {
      const e = err instanceof DownloadError ? err : new DownloadError(String((err as Error).message ?? err), url, true);
      if (!e.retryable || attempt >= retries) throw e;
      await new Promise((r) => setTimeout(r, backoff(attempt + 1)));
    }
  }
}

async function downloadOnce(url: string, options: DownloadOptions): Promise<Downloaded> {
  const maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
  const signal = AbortSignal.timeout(options.timeoutMs ?? 10_000);
  const res = await (options.fetch ?? fetch)(url, { signal, redirect: "follow", referrerPolicy: "no-referrer" }).catch(
    (err: Error) => {
      const reason = err.name === "TimeoutError" ? `timed out after ${options.timeoutMs ?? 10_000} ms` : err.message;
      throw new DownloadError(`download failed: ${reason}`, url, true);
    },
  );
  if (!res.ok) throw new DownloadError(`download failed: HTTP ${res.status}`, url, res.status >= 500 || res.status === 429);
  const declared = Number(res.headers.get("content-length") ?? 0);
  if (declared > maxBytes) throw new DownloadError(`image too large: ${declared} bytes > ${maxBytes}`, url, false);
  const bytes = await readCapped(res, maxBytes, url);
  const contentType = res.headers.get("content-type")?.split(";")[0]?.trim() || guessType(url);
  return { bytes, contentType, fileName: `image.${extensionOf(contentType)}` };
}

async function readCapped(res: Response, maxBytes: number, url: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body ?? []) {
    size += chunk.length;
    if (size > maxBytes) throw new DownloadError(`image too large: more than ${maxBytes} bytes`, url, false);
    chunks.push(Buffer.from(chunk));
  }
  if (size === 0) throw new DownloadError("download failed: empty body", url, true);
  return Buffer.concat(chunks);
}

/** WeChat image URLs name their format in `wx_fmt` (jpeg, png, gif, webp). */
function guessType(url: string): string {
  const fmt = /[?&]wx_fmt=(\w+)/.exec(url)?.[1];
  return `image/${fmt === "jpg" ? "jpeg" : (fmt ?? "jpeg")}`;
}

function extensionOf(contentType: string): string {
  const sub = contentType.split("/")[1] ?? "jpeg";
  return sub === "jpg" ? "jpeg" : sub.replace(/[^a-z0-9]/g, "") || "jpeg";
}
