import { GrammyError, type Api } from "grammy";
import { AdapterFatalError, type Adapter, type AdapterHealth } from "../../src/bot/adapter.ts";
import type { Logger } from "../../src/log.ts";
import { createTelegramBot, type TelegramBot, type TelegramBotOptions } from "./client.ts";
import { registerCommands } from "./commands.ts";
import { describeError } from "./errors.ts";
import { PLATFORM } from "./config.ts";
import { Polling } from "./polling.ts";
import type { Receiver } from "./receiver.ts";
import type { TelegramSender } from "./sender.ts";
import { Webhook, type WebhookSettings } from "./webhook.ts";

/** Everything the Telegram adapter needs. */
export interface TelegramAdapterOptions extends TelegramBotOptions {
  /** Webhook mode when set; long polling otherwise. */
  webhook?: WebhookSettings;
  /** Long-poll timeout of getUpdates, in seconds. Default 30. */
  pollSeconds?: number;
  /** How long a shutdown waits for replies under way. Default 5 s. */
  stopGraceMs?: number;
  /** Ask the process to stop (polling met a fatal error, e.g. another instance with the same token). */
  requestShutdown?: (reason: string) => void;
}

/** Longest one getMe at start may take. */
export const GET_ME_TIMEOUT_MS = 10_000;

/**
 * Telegram, plugged into the core with grammY. `start` checks the token
 * (getMe), publishes the command menu and starts receiving; `stop` stops
 * receiving, waits for the replies under way and confirms the updates.
 */
export class TelegramAdapter implements Adapter {
  readonly platform = PLATFORM;
  readonly sender: TelegramSender;
  private readonly telegram: TelegramBot;
  private readonly log: Logger;
  private receiver?: Receiver;

  constructor(private readonly options: TelegramAdapterOptions) {
    this.log = options.log;
    this.telegram = createTelegramBot(options);
    this.sender = this.telegram.sender;
  }

  /** The local webhook port once started in webhook mode (for tests and logs). */
  get webhookPort(): number | undefined {
    return this.receiver instanceof Webhook ? this.receiver.port : undefined;
  }

  /**
   * Check the token with getMe (at most {@link GET_ME_TIMEOUT_MS}; grammY's
   * own `init` would retry network errors forever), publish the command
   * menu and start receiving.
   * @throws AdapterFatalError when Telegram rejects the token (401/404)
   */
  async start(signal?: AbortSignal): Promise<void> {
    const { bot } = this.telegram;
    bot.botInfo = await this.getMe(signal);
    signal?.throwIfAborted();
    this.log.info(
      { username: bot.botInfo.username, mode: this.options.webhook ? "webhook" : "polling" },
      "telegram bot ready",
    );
    await registerCommands(bot.api, this.options.core.commands.menu(), this.log);
    signal?.throwIfAborted();
    this.receiver = this.options.webhook
      ? new Webhook(bot, this.options.webhook, this.options.token, this.log)
      : new Polling(bot, this.log, (reason) => this.options.requestShutdown?.(reason), this.options.pollSeconds);
    await this.receiver.start();
  }

  private async getMe(signal?: AbortSignal) {
    const deadline = AbortSignal.timeout(GET_ME_TIMEOUT_MS);
    try {
      const both = signal ? AbortSignal.any([signal, deadline]) : deadline;
      // grammY types its signal as the abort-controller polyfill's; a native one works the same.
      return await this.telegram.bot.api.getMe(both as Parameters<Api["getMe"]>[0]);
    } catch (err) {
      if (err instanceof GrammyError && (err.error_code === 401 || err.error_code === 404)) {
        const status = err.error_code === 401 ? "401 Unauthorized" : "404 Not Found";
        throw new AdapterFatalError(
          `Telegram rejected TELEGRAM_BOT_TOKEN (${status}): check the token with @BotFather`,
        );
      }
      if (deadline.aborted && !signal?.aborted)
        throw new Error(`Telegram did not answer getMe within ${GET_ME_TIMEOUT_MS / 1000} s`);
      throw new Error(`Telegram unreachable: ${describeError(err)}`);
    }
  }

  /** Connected while Telegram answers; the time of the last successful Bot API call. */
  health(): AdapterHealth {
    const r = this.telegram.reachability;
    return {
      connected: r.unreachableSince === undefined,
      details: {
        lastApiCallAt: r.lastOkAt?.toISOString() ?? null,
        ...(r.unreachableSince ? { unreachableSince: r.unreachableSince.toISOString(), lastError: r.lastError } : {}),
      },
    };
  }

  async stop(): Promise<void> {
    const receiver = this.receiver;
    if (!receiver) return;
    this.receiver = undefined;
    try {
      await receiver.stop();
    } catch (err) {
      this.log.warn({ reason: describeError(err) }, "telegram receiver did not stop cleanly");
    }
    const finished = await this.telegram.inflight.idle(this.options.stopGraceMs ?? 5_000);
    if (!finished) this.log.warn("telegram stopped with replies still under way");
    await receiver.settle(this.telegram.inflight.lastUpdateId);
    this.log.info("telegram stopped");
  }
}
