import { run, type RunnerHandle } from "@grammyjs/runner";
import type { Bot } from "grammy";
import type { Logger } from "../../src/log.ts";
import { describeError } from "./errors.ts";
import { ALLOWED_UPDATES, type Receiver } from "./receiver.ts";

/**
 * Long polling with grammY's runner: updates of different chats are
 * handled concurrently (one chat's slow photo does not hold up the
 * others). Fetch errors are retried by the runner with backoff; an
 * unrecoverable one (401 bad token, 409 another instance polling) asks
 * the process to stop.
 */
export class Polling implements Receiver {
  private handle?: RunnerHandle;

  constructor(
    private readonly bot: Bot,
    private readonly log: Logger,
    private readonly onFatal: (reason: string) => void,
    private readonly pollSeconds = 30,
  ) {}

  async start(): Promise<void> {
    // getUpdates answers 409 while a webhook is set (e.g. left over from webhook mode).
    await this.bot.api.deleteWebhook();
    this.handle = run(this.bot, {
      runner: { fetch: { timeout: this.pollSeconds, allowed_updates: ALLOWED_UPDATES }, silent: true },
    });
    this.handle.task()?.catch((err: unknown) => {
      this.log.error({ reason: describeError(err) }, "telegram polling stopped");
      this.onFatal("telegram polling failed");
    });
    this.log.info({ pollSeconds: this.pollSeconds }, "telegram long polling");
  }

  async stop(): Promise<void> {
    await this.handle?.stop();
  }

  /**
   * Confirm the updates handled so far. The runner never acknowledges its
   * last batch, so without this a restart would answer it a second time.
   */
  async settle(lastUpdateId: number): Promise<void> {
    if (lastUpdateId === 0) return;
    try {
      await this.bot.api.getUpdates({ offset: lastUpdateId + 1, limit: 1, timeout: 0 });
    } catch (err) {
      this.log.warn({ reason: describeError(err) }, "telegram could not confirm the last updates");
    }
  }
}
