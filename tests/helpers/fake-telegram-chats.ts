/**
 * What the fake Bot API server knows about chats beyond their id: members
 * and their rights (getChatMember), forum groups and the state of their
 * topics, channels (getChat by @username). Sends are checked against it
 * as Telegram does: a closed topic answers TOPIC_CLOSED, a deleted one (or
 * a thread id in a chat without topics) "message thread not found".
 */
import { BadRequest } from "./fake-telegram-checks.ts";
import { user } from "./fake-telegram-updates.ts";

type Json = Record<string, any>;

/** A member's status in a chat, as getChatMember reports it. */
export type MemberStatus = "creator" | "administrator" | "member" | "left" | "kicked";

/** An administrator's rights that matter here. */
export interface AdminRights {
  /** Channels: whether the admin may post. Default true. */
  can_post_messages?: boolean;
}

/** A channel the fake knows: `@username` resolves to it. */
export interface FakeChannel {
  id: number;
  username?: string;
  title?: string;
}

export class FakeChats {
  private readonly members = new Map<string, { status: MemberStatus; rights: AdminRights }>();
  /** Forum chats → their topics' states. */
  private readonly forums = new Map<string, Map<number, "open" | "closed" | "deleted">>();
  private readonly channels = new Map<string, Json>();

  constructor(private readonly botId: number) {}

  setMember(chatId: number | string, userId: number, status: MemberStatus, rights: AdminRights = {}): void {
    this.members.set(`${chatId}:${userId}`, { status, rights });
  }

  /** Open (or reopen) a topic of a forum group. */
  openTopic(chatId: number | string, threadId: number): void {
    this.topics(chatId).set(threadId, "open");
  }

  closeTopic(chatId: number | string, threadId: number): void {
    this.topics(chatId).set(threadId, "closed");
  }

  deleteTopic(chatId: number | string, threadId: number): void {
    this.topics(chatId).set(threadId, "deleted");
  }

  addChannel(channel: FakeChannel): Json {
    const chat = {
      id: channel.id,
      type: "channel",
      title: channel.title ?? `频道${channel.id}`,
      ...(channel.username ? { username: channel.username } : {}),
    };
    this.channels.set(String(channel.id), chat);
    if (channel.username) this.channels.set(`@${channel.username.toLowerCase()}`, chat);
    return chat;
  }

  /** A channel by id or `@username`, or undefined. */
  channel(ref: unknown): Json | undefined {
    return this.channels.get(String(ref).toLowerCase());
  }

  /** getChat: channels only (the bot never asks about other chats). */
  getChat(p: Json): Json {
    const chat = this.channel(p.chat_id);
    if (!chat) throw new BadRequest("chat not found");
    return chat;
  }

  /**
   * getChatMember. In a channel only an administrator may look at other
   * members; anyone else gets "member list is inaccessible", as on Telegram.
   */
  getChatMember(p: Json): Json {
    const channel = this.channel(p.chat_id);
    if (p.chat_id !== undefined && String(p.chat_id).startsWith("@") && !channel)
      throw new BadRequest("chat not found");
    const chatId = channel ? channel.id : p.chat_id;
    const userId = Number(p.user_id);
    if (channel && userId !== this.botId && this.member(chatId, this.botId).status !== "administrator")
      throw new BadRequest("member list is inaccessible");
    const { status, rights } = this.member(chatId, userId);
    const answer: Json = { status, user: user(userId) };
    if (status === "administrator")
      Object.assign(answer, {
        can_post_messages: rights.can_post_messages ?? true,
        can_be_edited: false,
        is_anonymous: false,
      });
    return answer;
  }

  /** Check where a send goes: throws what Telegram answers for a topic that cannot take it. */
  checkThread(chatId: unknown, threadId: unknown): void {
    if (threadId === undefined || threadId === null) return;
    const state = this.forums.get(String(chatId))?.get(Number(threadId));
    if (state === "closed") throw new BadRequest("TOPIC_CLOSED");
    if (state !== "open") throw new BadRequest("message thread not found");
  }

  private member(chatId: number | string, userId: number): { status: MemberStatus; rights: AdminRights } {
    return this.members.get(`${chatId}:${userId}`) ?? { status: "member", rights: {} };
  }

  private topics(chatId: number | string): Map<number, "open" | "closed" | "deleted"> {
    let topics = this.forums.get(String(chatId));
    if (!topics) this.forums.set(String(chatId), (topics = new Map()));
    return topics;
  }
}
