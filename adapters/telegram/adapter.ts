import type { Adapter } from "../../src/bot/adapter.ts";
import type { Logger } from "../../src/log.ts";
import { createTelegramBot, type TelegramBot, type TelegramBotOptions } from "./bot.ts";
import { registerCommands } from "./commands.ts";
import { describeError } from "./errors.ts";
import { PLATFORM } from "./incoming.ts";
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
  /** How long a shutdown waits for replies under way. Default 15 s. */
  stopGraceMs?: number;
  /** Ask the process to stop (polling met a fatal error, e.g. another instance with the same token). */
  requestShutdown?: (reason: string) => void;
}

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

  async start(): Promise<void> {
    const { bot } = this.telegram;
    await bot.init();
    this.log.info({ username: bot.botInfo.username, mode: this.options.webhook ? "webhook" : "polling" }, "telegram bot ready");
    await registerCommands(bot.api, this.log);
    this.receiver = this.options.webhook
      ? new Webhook(bot, this.options.webhook, this.options.token, this.log)
      : new Polling(bot, this.log, (reason) => this.options.requestShutdown?.(reason), this.options.pollSeconds);
    await this.receiver.start();
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
    const finished = await this.telegram.inflight.idle(this.options.stopGraceMs ?? 15_000);
    if (!finished) this.log.warn("telegram stopped with replies still under way");
    await receiver.settle(this.telegram.inflight.lastUpdateId);
    this.log.info("telegram stopped");
  }
}
