/** Builders of the users, chats and entities that Telegram puts in updates, for tests of the fake Bot API. */

type Json = Record<string, any>;

/** A human user. */
export function user(id: number, extra: Json = {}): Json {
  return { id, is_bot: false, first_name: `User${id}`, language_code: "zh-hans", ...extra };
}

/** The private chat with user `id`. */
export function privateChat(id: number): Json {
  return { id, type: "private", first_name: `User${id}` };
}

/** A supergroup (negative id, as on Telegram). */
export function groupChat(id = -1001234567890, title = "读书群"): Json {
  return { id, type: "supergroup", title };
}

/** Entities Telegram computes for plain text: a leading /command and @mentions (UTF-16 offsets). */
export function entitiesOf(text: string): Json[] {
  const entities: Json[] = [];
  for (const m of text.matchAll(/(^\/\w+(?:@\w+)?)|(@\w{5,32})/g)) {
    entities.push({ type: m[1] ? "bot_command" : "mention", offset: m.index, length: m[0].length });
  }
  return entities;
}

/** The chat of a chat id: negative ids are groups, as on Telegram. */
export function chatFor(chatId: unknown): Json {
  const id = Number(chatId);
  return id < 0 ? groupChat(id) : privateChat(id);
}
