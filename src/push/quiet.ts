import { inQuietHours } from "../bot/group-settings.ts";
import { chatKey } from "../chat/chat-key.ts";
import { localMinute } from "../clock.ts";
import type { Store } from "../store/store.ts";

/**
 * The groups whose quiet hours (「设置 免打扰 22:00-08:00」) cover `now`
 * in `timeZone`, as chat keys: the push and the new-article announcements
 * leave them out until their quiet hours end (the push's minute ticker
 * and the announcer's retries catch up then).
 */
export async function quietChats(store: Store, now: Date, timeZone: string): Promise<Set<string>> {
  const { time } = localMinute(now, timeZone);
  const groups = await store.listGroupSettings();
  return new Set(groups.filter((g) => inQuietHours(g.quietHours, time)).map((g) => chatKey(g)));
}
