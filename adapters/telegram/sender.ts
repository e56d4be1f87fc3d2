import type { Reply } from "../../src/chat/message.ts";
import type { Sender, SendTarget } from "../../src/chat/sender.ts";
import type { Logger } from "../../src/log.ts";
import type { ImageCache } from "../../src/net/image-cache.ts";
import type { KeyValues } from "../../src/store/store.ts";
import { clientOptions, pushApi, type CallTimeouts } from "./api.ts";
import { toSendError } from "./errors.ts";
import { Messenger } from "./messenger.ts";
import { Pager } from "./paging.ts";
import { PhotoUploader } from "./photo.ts";

/**
 * The Telegram {@link Sender} the push uses: replies look exactly like
 * answers (same rendering, same photo upload and file_id reuse), and
 * failures are classified as {@link SendError}s: 403 → `gone`, a closed
 * or deleted topic → `topic_gone`, 429 → `rate_limited` with retry_after,
 * 5xx or no connection → `unsent`, a timeout or other network error →
 * `transient`, other 400 → `rejected`. It does not retry or throttle: the push paces
 * the broadcast and decides what to retry.
 */
export class TelegramSender implements Sender {
  readonly platform = "telegram";

  constructor(private readonly messenger: Messenger) {}

  async send(chatId: string, reply: Reply, to?: SendTarget): Promise<void> {
    try {
      await this.messenger.send(
        chatId,
        reply,
        to?.threadId === undefined ? {} : { message_thread_id: Number(to.threadId) },
      );
    } catch (err) {
      throw toSendError(err);
    }
  }
}

/** What {@link createTelegramSender} needs. */
export interface TelegramSenderOptions {
  token: string;
  /** Bot API server root, e.g. a fake server in tests. Default Telegram's. */
  apiRoot?: string;
  /** Where the file_ids of uploaded images are kept (a store will do). */
  kv: KeyValues;
  log: Logger;
  /** Shared image downloads (`AdapterContext.images`). */
  images?: ImageCache;
  /** Shared with the answering side so paging buttons of pushed results work. */
  pager?: Pager;
  /** Shared with the answering side so an image is uploaded once for both. */
  photos?: PhotoUploader;
  timeouts?: CallTimeouts;
  /** How long a send waits for another's upload of the same image (see {@link PhotoUploader}). */
  uploadPatienceMs?: number;
}

/**
 * A standalone Telegram sender (no polling, no handlers), e.g. for the
 * push's tests against the fake Bot API server:
 * `createTelegramSender({ token: tg.token, apiRoot: tg.apiRoot, kv: store, log })`.
 */
export function createTelegramSender(options: TelegramSenderOptions): TelegramSender {
  const log = options.log.child({ component: "telegram-sender" });
  const api = pushApi(options.token, clientOptions(options.apiRoot), log, options.timeouts);
  const photos =
    options.photos ??
    new PhotoUploader({
      kv: options.kv,
      log,
      botId: botIdOf(options.token),
      images: options.images,
      uploadPatienceMs: options.uploadPatienceMs,
    });
  return new TelegramSender(new Messenger(api, options.pager ?? new Pager(), photos));
}

/** The numeric bot id at the start of a token (`123456:ABC…` → `123456`). */
export function botIdOf(token: string): string {
  return token.split(":")[0] ?? "";
}
