import type { FileBoxInterface } from "file-box";
import type { Wechaty, payloads } from "wechaty";
import type { Logger } from "../../src/log.ts";
import { withDeadline } from "../../src/util/deadline.ts";
import { messageOf } from "../../src/util/errors.ts";

/** One WeChat message the adapter sends: the unit of pacing and retrying. */
export type Outgoing =
  /** `mentionIds` makes WeChat notify those room members (their `@name` is in `text`). */
  | { kind: "text"; text: string; mentionIds?: string[] }
  /** A link card; `fallback` is sent as text where the puppet cannot send cards. */
  | { kind: "card"; link: payloads.UrlLink; fallback: string }
  | { kind: "image"; file: FileBoxInterface };

/** The puppet calls the adapter sends through. */
export type SendingPuppet = Pick<Wechaty["puppet"], "messageSendText" | "messageSendUrl" | "messageSendFile">;

/** How long one puppet call may take before it counts as a transient failure. */
export const SEND_TIMEOUT_MS = 30_000;

/**
 * Hands {@link Outgoing} messages to the puppet, one call each. Web puppets
 * throw "Unsupported API" for link cards: the first such failure switches
 * cards to their text fallback for the rest of the process.
 */
export class Transport {
  private cardsUnsupported = false;

  constructor(
    private readonly puppet: () => SendingPuppet,
    private readonly log: Logger,
    private readonly timeoutMs = SEND_TIMEOUT_MS,
  ) {}

  /**
   * Send one message to a room or contact id.
   * @throws whatever the puppet throws, or a TimeoutError
   */
  async deliver(chatId: string, message: Outgoing): Promise<void> {
    switch (message.kind) {
      case "text":
        return this.call(this.puppet().messageSendText(chatId, message.text, message.mentionIds), "messageSendText");
      case "image":
        return this.call(this.puppet().messageSendFile(chatId, message.file), "messageSendFile");
      case "card":
        if (!this.cardsUnsupported && (await this.sendCard(chatId, message.link))) return;
        return this.call(this.puppet().messageSendText(chatId, message.fallback), "messageSendText");
    }
  }

  /** Resolves to false when the puppet cannot send cards at all. */
  private async sendCard(chatId: string, link: payloads.UrlLink): Promise<boolean> {
    try {
      await this.call(this.puppet().messageSendUrl(chatId, link), "messageSendUrl");
      return true;
    } catch (err) {
      if (!isUnsupported(err)) throw err;
      this.cardsUnsupported = true;
      this.log.warn(
        { err: messageOf(err) },
        "this puppet cannot send link cards; sending articles as text from now on",
      );
      return false;
    }
  }

  private async call(promise: Promise<unknown>, what: string): Promise<void> {
    await withDeadline(promise, this.timeoutMs, what);
  }
}

/** wechaty-puppet's `throwUnsupportedError` says "Wechaty Puppet Unsupported API Error". */
function isUnsupported(err: unknown): boolean {
  return err instanceof Error && /unsupported api/i.test(err.message);
}
