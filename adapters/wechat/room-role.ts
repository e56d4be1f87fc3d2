import type { Room } from "wechaty";

/** A member's place in a WeChat room, as the puppet reports it. */
export type RoomRole = "owner" | "admin" | "member";

/**
 * Whether `talkerId` owns or administers `room`: wechaty's `room.owner()`
 * and the puppet's `adminIdList` (group managers, 群管理员). What a puppet
 * reports varies: pad/ipad protocols fill both, web protocols often
 * neither — then everyone is a member, and only bot admins (ADMIN_IDS)
 * or ALLOWED_GROUPS can switch such a room on.
 *
 * With `refresh`, a talker the cached room data calls a member is looked
 * up again (`room.sync()`, one puppet call): a member promoted after the
 * bot joined is recognised when it matters (enabling the bot, changing
 * settings or subscriptions), and ordinary messages cost no call.
 */
export async function roomRole(room: Room, talkerId: string, refresh = false): Promise<RoomRole> {
  const known = cachedRole(room, talkerId);
  if (known !== "member" || !refresh) return known;
  await room.sync();
  return cachedRole(room, talkerId);
}

function cachedRole(room: Room, talkerId: string): RoomRole {
  if (room.owner()?.id === talkerId) return "owner";
  if (room.payload?.adminIdList?.includes(talkerId)) return "admin";
  return "member";
}
