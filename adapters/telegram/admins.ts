import type { Api } from "grammy";
import type { Message } from "grammy/types";
import type { Clock } from "../../src/clock.ts";
import type { Logger } from "../../src/log.ts";
import { describeError } from "./errors.ts";

/**
 * Who administers a group, asked with getChatMember only when a message
 * needs it (subscribe/unsubscribe) and remembered briefly, so a burst of
 * commands costs one call and a demoted admin loses rights within minutes.
 */
export class GroupAdmins {
  private readonly known = new Map<string, { admin: boolean; until: number }>();

  constructor(
    private readonly api: Api,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly ttlMs = 60_000,
    private readonly capacity = 1000,
  ) {}

  /** True when the sender of `message` administers its chat; false when Telegram cannot tell us. */
  async isAdmin(message: Message): Promise<boolean> {
    // An anonymous admin posts as the group itself.
    if (message.sender_chat?.id === message.chat.id) return true;
    if (!message.from) return false;
    return this.isMemberAdmin(message.chat.id, message.from.id);
  }

  /** True when user `userId` administers chat `chatId` (e.g. who pressed a settings button); false when Telegram cannot tell us. */
  async isMemberAdmin(chatId: number, userId: number): Promise<boolean> {
    const key = `${chatId}:${userId}`;
    const now = this.clock.now().getTime();
    const hit = this.known.get(key);
    if (hit && hit.until > now) return hit.admin;
    try {
      const member = await this.api.getChatMember(chatId, userId);
      const admin = member.status === "creator" || member.status === "administrator";
      this.remember(key, admin, now);
      return admin;
    } catch (err) {
      this.log.warn({ chatId, reason: describeError(err) }, "telegram admin check failed");
      return false;
    }
  }

  private remember(key: string, admin: boolean, now: number): void {
    this.known.delete(key);
    this.known.set(key, { admin, until: now + this.ttlMs });
    if (this.known.size > this.capacity) this.known.delete(this.known.keys().next().value!);
  }
}
