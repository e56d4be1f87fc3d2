import type { Wechaty } from "wechaty";
import type { Reply } from "../../src/chat/message.ts";
import { SendError, type Sender } from "../../src/chat/sender.ts";
import { PLATFORM } from "./config.ts";
import type { Outgoing } from "./outgoing.ts";
import type { OutgoingQueue } from "./pacer.ts";
import { TimeoutError, withDeadline } from "../../src/util/deadline.ts";
import { messageOf } from "../../src/util/errors.ts";

/** What the push sender needs from the adapter. */
export interface WechatSenderDeps {
  wechaty: Wechaty;
  queue: OutgoingQueue;
  /** Render a reply without any @mention (a push addresses the whole chat). */
  render(reply: Reply): Promise<Outgoing[]>;
  isOnline(): boolean;
}

/** A push message gets a few tries; the push retries later on its own schedule. */
const PUSH_ATTEMPTS = 3;
const LOOKUP_TIMEOUT_MS = 15_000;
/** What puppets say when they have no payload for an id. */
const UNKNOWN_ID = /no payload|not found|not exist/i;

/**
 * How the daily push reaches WeChat chats: through the same paced queue as
 * answers, so pushes and answers together stay under the pacing limits.
 * A room the bot has left or that no longer exists is reported as `gone`
 * (the push then unsubscribes it).
 */
export class WechatSender implements Sender {
  readonly platform = PLATFORM;

  constructor(private readonly deps: WechatSenderDeps) {}

  /**
   * Queue `reply` for `chatId` and resolve once WeChat took every message.
   * @throws SendError `gone` for a room or contact that is no more, `unsent` while logged out
   */
  async send(chatId: string, reply: Reply): Promise<void> {
    if (!this.deps.isOnline()) throw new SendError("unsent", "not logged in to WeChat");
    await this.checkChat(chatId);
    const messages = await this.deps.render(reply);
    await this.deps.queue.enqueue(chatId, messages, { maxAttempts: PUSH_ATTEMPTS });
  }

  private async checkChat(chatId: string): Promise<void> {
    const puppet = this.deps.wechaty.puppet;
    if (!isRoomId(chatId)) {
      const contact = await this.lookup(puppet.contactPayload(chatId), chatId);
      if (contact.friend === false) throw new SendError("gone", `contact ${chatId} is no longer a friend`);
      return;
    }
    const room = await this.lookup(puppet.roomPayload(chatId), chatId);
    // An empty list means "not synced yet" on some puppets, not "nobody is here".
    if (room.memberIdList.length > 0 && !room.memberIdList.includes(puppet.currentUserId)) {
      throw new SendError("gone", `the bot is no longer a member of room ${chatId}`);
    }
  }

  /** The puppet's payload of a chat; `gone` when the puppet does not know the id. */
  private async lookup<T>(payload: Promise<T>, chatId: string): Promise<T> {
    try {
      return await withDeadline(payload, LOOKUP_TIMEOUT_MS, `looking up ${chatId}`);
    } catch (err) {
      const message = messageOf(err);
      if (!(err instanceof TimeoutError) && UNKNOWN_ID.test(message))
        throw new SendError("gone", `unknown chat ${chatId}: ${message}`);
      // Nothing was sent yet: the lookup comes before the message.
      throw new SendError("unsent", `looking up ${chatId} failed: ${message}`);
    }
  }
}

/** Room ids end in `@chatroom` (pad protocols) or start with `@@` (web protocol). */
function isRoomId(id: string): boolean {
  return id.endsWith("@chatroom") || id.startsWith("@@");
}
