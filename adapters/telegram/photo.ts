import { GrammyError, InputFile, type Api } from "grammy";
import type { InlineKeyboardMarkup, ReplyParameters } from "grammy/types";
import { SendError } from "../../src/chat/sender.ts";
import type { Logger } from "../../src/log.ts";
import { downloadImage, type Downloaded } from "../../src/net/download.ts";
import type { ImageCache } from "../../src/net/image-cache.ts";
import type { KeyValues } from "../../src/store/store.ts";
import { describeError } from "./errors.ts";
import type { RenderedMessage, RenderedPhoto } from "./render.ts";

/** What {@link PhotoUploader} needs. */
export interface PhotoDeps {
  /** Where the file_ids are kept, for every instance and the next start. */
  kv: KeyValues;
  log: Logger;
  /** The bot's numeric id: file_ids belong to one bot, so they are cached per bot. */
  botId: string;
  /** Shared downloads (the push fills it first); without it images are downloaded here. */
  images?: ImageCache;
  /** How an image is fetched when there is no cache. Default {@link downloadImage}. */
  download?: (url: string) => Promise<Downloaded>;
  /**
   * How long a send waits for another send's upload of the same image
   * before uploading it itself. Default {@link UPLOAD_PATIENCE_MS}.
   */
  uploadPatienceMs?: number;
}

/**
 * About what a healthy upload of the image of the day takes. An upload
 * may hang up to its timeout (a minute); the other chats must not.
 */
export const UPLOAD_PATIENCE_MS = 5_000;

/** Options every send shares. */
export interface SendExtras {
  reply_parameters?: ReplyParameters;
  /** The forum topic to send to. */
  message_thread_id?: number;
}

/** Sends a rendered text message; the fallback when an image cannot be fetched. */
export type TextSend = (chatId: number | string, message: RenderedMessage, extras: SendExtras) => Promise<void>;

/** Telegram's answers when a cached file_id no longer works. */
const STALE_FILE_ID = /wrong file identifier|file reference|FILE_ID_INVALID|wrong remote file/i;

/**
 * Sends photos so that each image is uploaded once. WeChat's image host
 * blocks hotlinking, so Telegram cannot fetch the URL itself: the bytes
 * are downloaded here (no Referer, timeout, size cap) and uploaded, and
 * the `file_id` Telegram returns is stored and reused for every later send.
 * Concurrent sends of a new image wait for the first upload — for a few
 * seconds at most: after that they upload it themselves, so one hung
 * upload does not hold up a whole push. The file_id stays known in this
 * process (one entry per image URL), so a send whose store read raced the
 * first upload does not upload again.
 */
export class PhotoUploader {
  private readonly uploads = new Map<string, Promise<string | undefined>>();

  constructor(private readonly deps: PhotoDeps) {}

  /** Send `photo` to a chat; sends `photo.fallback` as text when the image cannot be fetched. */
  async send(
    api: Api,
    chatId: number | string,
    photo: RenderedPhoto,
    extras: SendExtras,
    sendText: TextSend,
  ): Promise<void> {
    const stored = await this.storedFileId(photo.url);
    // Looked at after the store answered: another send may have uploaded the image meanwhile. With no upload
    // in flight there is no await between this look and registering ours below, so concurrent sends upload once.
    const known = (this.uploads.has(photo.url) ? await this.localFileId(photo.url) : undefined) || stored;
    if (known && (await this.sendById(api, chatId, known, photo, extras))) return;
    const upload = this.upload(api, chatId, photo, extras, sendText);
    const fileId = upload.then(
      (id) => id,
      () => undefined,
    );
    this.uploads.set(photo.url, fileId);
    // Only a file_id is worth keeping: after a failure the next send tries again.
    if (!(await fileId) && this.uploads.get(photo.url) === fileId) this.uploads.delete(photo.url);
    await upload;
  }

  /**
   * The file_id kept in the store (by this or an earlier process).
   * @throws SendError `unsent` when the store cannot be read: nothing was sent
   */
  private async storedFileId(url: string): Promise<string | undefined> {
    try {
      return await this.deps.kv.getValue(this.key(url));
    } catch (err) {
      throw new SendError("unsent", `looking up the photo's file_id failed: ${describeError(err)}`);
    }
  }

  /**
   * The file_id this process got for `url`, waiting a little for an
   * upload in flight. Out of patience with it, the caller uploads itself —
   * unless another send already took over, whose upload it waits for.
   */
  private async localFileId(url: string): Promise<string | undefined> {
    for (;;) {
      const upload = this.uploads.get(url);
      if (!upload) return undefined;
      let timer: NodeJS.Timeout | undefined;
      const patience = new Promise<"impatient">((resolve) => {
        timer = setTimeout(() => resolve("impatient"), this.deps.uploadPatienceMs ?? UPLOAD_PATIENCE_MS);
      });
      const fileId = await Promise.race([upload, patience]).finally(() => clearTimeout(timer));
      if (fileId !== "impatient") return fileId;
      if (this.uploads.get(url) === upload) return undefined;
    }
  }

  private async upload(
    api: Api,
    chatId: number | string,
    photo: RenderedPhoto,
    extras: SendExtras,
    sendText: TextSend,
  ): Promise<string | undefined> {
    let image: Downloaded;
    try {
      image = await (this.deps.images
        ? this.deps.images.get(photo.url)
        : (this.deps.download ?? downloadImage)(photo.url));
    } catch (err) {
      this.deps.log.warn(
        { url: photo.url, reason: describeError(err) },
        "telegram photo unavailable; sending text instead",
      );
      await sendText(chatId, photo.fallback, extras);
      return undefined;
    }
    const sent = await api.sendPhoto(chatId, new InputFile(image.bytes, image.fileName), options(photo, extras));
    const fileId = sent.photo.at(-1)?.file_id;
    if (fileId) await this.remember(photo.url, fileId);
    this.deps.log.info({ url: photo.url, bytes: image.bytes.length }, "telegram photo uploaded");
    return fileId;
  }

  /** Send by file_id; false when Telegram no longer knows the id (then it is forgotten). */
  private async sendById(
    api: Api,
    chatId: number | string,
    fileId: string,
    photo: RenderedPhoto,
    extras: SendExtras,
  ): Promise<boolean> {
    try {
      await api.sendPhoto(chatId, fileId, options(photo, extras));
      return true;
    } catch (err) {
      if (!(err instanceof GrammyError && err.error_code === 400 && STALE_FILE_ID.test(err.description))) throw err;
      this.deps.log.warn({ url: photo.url, reason: err.description }, "telegram file_id rejected; uploading again");
      this.uploads.delete(photo.url);
      await this.remember(photo.url, "");
      return false;
    }
  }

  private async remember(url: string, fileId: string): Promise<void> {
    try {
      await this.deps.kv.setValue(this.key(url), fileId);
    } catch (err) {
      // Only the reuse is lost: this process still knows the new file_id; after a restart the next send uploads again.
      this.deps.log.warn({ url, reason: describeError(err) }, "telegram file_id not stored");
    }
  }

  private key(url: string): string {
    return `telegram:${this.deps.botId}:photo:${url}`;
  }
}

function options(
  photo: RenderedPhoto,
  extras: SendExtras,
): { caption: string; parse_mode: "HTML"; reply_markup?: InlineKeyboardMarkup } & SendExtras {
  return { caption: photo.caption, parse_mode: "HTML", reply_markup: photo.keyboard, ...extras };
}
