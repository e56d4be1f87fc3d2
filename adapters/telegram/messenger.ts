import type { Api } from "grammy";
import type { Reply } from "../../src/chat/message.ts";
import type { Pager } from "./paging.ts";
import type { PhotoUploader, SendExtras } from "./photo.ts";
import { render, type RenderedMessage } from "./render.ts";

/**
 * Puts the core's replies into Telegram chats: renders them and sends
 * them through one {@link Api}. Answers and the push use the same
 * messenger code, so a reply looks the same however it was triggered.
 */
export class Messenger {
  constructor(
    private readonly api: Api,
    private readonly pager: Pager,
    private readonly photos: PhotoUploader,
  ) {}

  /** Render and send one reply; throws grammY errors as they come. */
  async send(chatId: number | string, reply: Reply, extras: SendExtras = {}): Promise<void> {
    const rendered = render(reply, this.pager.forChat(chatId));
    if (rendered.kind === "photo") {
      await this.photos.send(this.api, chatId, rendered, extras, (id, message, ex) =>
        this.sendMessage(id, message, ex),
      );
    } else {
      await this.sendMessage(chatId, rendered, extras);
    }
  }

  /** Replace a message the bot sent (a search result page) with `reply`; false when it is not a message reply. */
  async edit(chatId: number | string, messageId: number, reply: Reply): Promise<boolean> {
    const rendered = render(reply, this.pager.forChat(chatId));
    if (rendered.kind !== "message") return false;
    await this.api.editMessageText(chatId, messageId, rendered.html, {
      parse_mode: "HTML",
      reply_markup: rendered.keyboard,
      link_preview_options: previewOf(rendered),
    });
    return true;
  }

  private async sendMessage(chatId: number | string, message: RenderedMessage, extras: SendExtras): Promise<void> {
    await this.api.sendMessage(chatId, message.html, {
      parse_mode: "HTML",
      reply_markup: message.keyboard,
      link_preview_options: previewOf(message),
      ...extras,
    });
  }
}

/** Three links would preview only the first, and the cards speak for themselves: no preview unless a group asked for it. */
function previewOf(message: RenderedMessage): { is_disabled: true } | { url: string } {
  return message.previewUrl ? { url: message.previewUrl } : { is_disabled: true };
}
