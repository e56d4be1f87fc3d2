import type { Api } from "grammy";
import type { BotCommand } from "grammy/types";
import type { MenuEntry } from "../../src/bot/command.ts";
import type { Logger } from "../../src/log.ts";
import { describeError } from "./errors.ts";

/** The menus Telegram shows: everyone's, and group admins' (everyone's plus theirs, in the groups they administer). */
export function commandMenus(entries: readonly MenuEntry[]): { everyone: BotCommand[]; groupAdmins: BotCommand[] } {
  const command = ({ command, description }: MenuEntry): BotCommand => ({ command, description });
  return { everyone: entries.filter((e) => e.audience === "everyone").map(command), groupAdmins: entries.map(command) };
}

/**
 * Publish the command table's menus with setMyCommands: the default one,
 * and the longer one for chat administrators (a scope's list replaces the
 * default there). A failure is logged, never fatal: the commands work
 * without a menu.
 */
export async function registerCommands(api: Api, entries: readonly MenuEntry[], log: Logger): Promise<void> {
  const menus = commandMenus(entries);
  try {
    await api.setMyCommands(menus.everyone);
    await api.setMyCommands(menus.groupAdmins, { scope: { type: "all_chat_administrators" } });
  } catch (err) {
    log.warn({ reason: describeError(err) }, "telegram setMyCommands failed");
  }
}
