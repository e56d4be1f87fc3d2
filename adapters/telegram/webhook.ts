import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { webhookCallback, type Bot } from "grammy";
import type { Logger } from "../../src/log.ts";
import { describeError } from "./errors.ts";
import { ALLOWED_UPDATES, type Receiver } from "./receiver.ts";

/** Where the webhook is published and where this process listens for it. */
export interface WebhookSettings {
  /** The public HTTPS URL Telegram posts to (TELEGRAM_WEBHOOK_URL); its path is the path served here. */
  url: string;
  /** Local port (TELEGRAM_WEBHOOK_PORT); 0 picks a free one (tests). */
  port: number;
  /** Local address to listen on. Default all interfaces. */
  host?: string;
}

/**
 * Webhook mode: a node HTTP server behind the public URL (a TLS-terminating
 * reverse proxy in front). Requests must carry the secret token registered
 * with setWebhook, derived from the bot token so there is nothing more to
 * configure. Telegram gets its 200 within 10 s even when a reply takes
 * longer (the handler carries on), so it does not redeliver the update.
 */
export class Webhook implements Receiver {
  private server?: Server;
  private closed?: Promise<void>;

  constructor(
    private readonly bot: Bot,
    private readonly settings: WebhookSettings,
    private readonly token: string,
    private readonly log: Logger,
  ) {}

  /** The port the server listens on, once started. */
  get port(): number | undefined {
    return (this.server?.address() as AddressInfo | null)?.port;
  }

  async start(): Promise<void> {
    const secret = webhookSecret(this.token);
    const handle = webhookCallback(this.bot, "http", {
      secretToken: secret,
      onTimeout: "return",
      timeoutMilliseconds: 10_000,
    });
    const path = new URL(this.settings.url).pathname;
    const server = createServer((req, res) => {
      if (req.method !== "POST" || req.url?.split("?")[0] !== path) return void res.writeHead(404).end();
      readCapped(req, res)
        .then((body) => body && handle(replay(req, body), res))
        .catch((err: unknown) => {
          this.log.warn({ reason: describeError(err) }, "telegram webhook request failed");
          if (!res.headersSent) res.writeHead(500).end();
        });
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.settings.port, this.settings.host, () => resolve());
    });
    await this.bot.api.setWebhook(this.settings.url, { secret_token: secret, allowed_updates: ALLOWED_UPDATES });
    this.log.info({ url: this.settings.url, port: this.port }, "telegram webhook listening");
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    // Refuse new connections; requests already inside carry on while the adapter waits for their replies.
    this.closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
  }

  /** Webhook updates are confirmed by our answers; drop whatever connection is left. */
  async settle(): Promise<void> {
    this.server?.closeAllConnections();
    await this.closed;
  }
}

/** Largest update body accepted: real updates are a few KB; anything bigger is not Telegram. */
export const MAX_WEBHOOK_BODY = 1024 * 1024;

/**
 * The request body, read here with a cap: over {@link MAX_WEBHOOK_BODY}
 * (declared, or counted while reading a body without a length) the
 * request gets 413 and undefined comes back.
 */
async function readCapped(req: IncomingMessage, res: ServerResponse): Promise<Buffer | undefined> {
  const tooLarge = () => {
    res.writeHead(413, { connection: "close" }).end();
    req.destroy();
    return undefined;
  };
  if (Number(req.headers["content-length"] ?? 0) > MAX_WEBHOOK_BODY) return tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_WEBHOOK_BODY) return tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** A request whose body was already read, for grammY's handler (it reads `headers` and the body's events). */
function replay(req: IncomingMessage, body: Buffer): IncomingMessage {
  return Object.assign(Readable.from([body]), {
    headers: req.headers,
    method: req.method,
    url: req.url,
  }) as unknown as IncomingMessage;
}

/** The webhook's secret_token: stable per bot, reveals nothing of the token, only [0-9a-f]. */
export function webhookSecret(token: string): string {
  return createHash("sha256").update(`article-bot webhook ${token}`).digest("hex");
}
