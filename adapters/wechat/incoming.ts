import { types, type Message } from "wechaty";
import type { Incoming } from "../../src/chat/message.ts";
import { PLATFORM } from "./config.ts";
import { roomRole } from "./room-role.ts";
import { withDeadline } from "../../src/util/deadline.ts";

/** What reading a message needs besides the message. */
export interface ReadContext {
  /** When the adapter started: older messages are history the puppet replays, not questions. */
  startedAt: Date;
}

/** A message for the core, and whom to @mention in the answer. */
export interface Addressed {
  incoming: Incoming;
  mention?: { id: string; name: string };
}

/** Why a message is not for the bot (for debug logs). */
export interface Ignored {
  ignored: string;
}

/**
 * Read a wechaty message as an {@link Incoming}, or say why it is ignored:
 * the bot's own messages, non-text messages, messages from before start-up
 * and official accounts never reach the core. Whether a room message is
 * addressed to the bot (mention or trigger prefix) is the core's decision.
 */
export async function readMessage(msg: Message, ctx: ReadContext): Promise<Addressed | Ignored> {
  if (msg.self()) return { ignored: "own message" };
  if (msg.type() !== types.Message.Text) return { ignored: "not text" };
  // WeChat timestamps may have whole-second precision: compare whole seconds.
  if (msg.date().getTime() < Math.floor(ctx.startedAt.getTime() / 1000) * 1000)
    return { ignored: "older than start-up" };
  const talker = msg.talker();
  if (talker.type() === types.Contact.Official) return { ignored: "official account" };
  const base = { platform: PLATFORM, userId: talker.id, text: msg.text() ?? "" };
  const room = msg.room();
  if (!room)
    return { incoming: { ...base, chatId: talker.id, isGroup: false, mentioned: false, userName: talker.name() } };
  const name = (await room.alias(talker)) || talker.name();
  const { mentioned, text } = await roomText(msg);
  // Asked only when a command needs a room admin: then a talker the cached room data calls a member is looked up
  // again (one puppet call, bounded); bot admins (ADMIN_IDS) are the core's to recognise.
  const isGroupAdmin = async () =>
    (await withDeadline(roomRole(room, talker.id, true), ROLE_TIMEOUT_MS, "checking a room admin")) !== "member";
  return {
    incoming: { ...base, chatId: room.id, isGroup: true, mentioned, text, isGroupAdmin, userName: name },
    mention: { id: talker.id, name },
  };
}

/** Longest a room-admin check may wait for the puppet. */
const ROLE_TIMEOUT_MS = 10_000;

/**
 * Whether a room message @mentions the bot, and its text without the
 * mention. Puppets report mentions, but web puppets find them by matching
 * names and miss some: an `@<bot name or room alias>` in the text counts too.
 */
async function roomText(msg: Message): Promise<{ mentioned: boolean; text: string }> {
  if (await msg.mentionSelf()) return { mentioned: true, text: await msg.mentionText() };
  const text = msg.text() ?? "";
  const self = msg.wechaty.currentUser;
  const alias = await msg.room()?.alias(self);
  for (const name of [alias, self.name()]) {
    if (!name) continue;
    const at = new RegExp(`@${escapeRegExp(name)}(?:[\\u2005\\u0020]|$)`);
    if (at.test(text)) return { mentioned: true, text: text.replace(at, "").trim() };
  }
  return { mentioned: false, text };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
