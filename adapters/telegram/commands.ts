import type { Api } from "grammy";
import type { BotCommand } from "grammy/types";
import { t } from "../../src/bot/strings.ts";
import type { Logger } from "../../src/log.ts";
import { describeError } from "./errors.ts";

/** The public command menu, in menu order (admin commands stay out of it). */
const MENU = ["start", "help", "search", "s", "latest", "random", "accounts", "zen", "subscribe", "unsubscribe"] as const;

/** The command menu with its Chinese descriptions. */
export function commandMenu(): BotCommand[] {
  return MENU.map((command) => ({ command, description: t.commandMenu[command] }));
}

/** Publish the menu with setMyCommands; a failure is logged, never fatal (the commands work without it). */
export async function registerCommands(api: Api, log: Logger): Promise<void> {
  try {
    await api.setMyCommands(commandMenu());
  } catch (err) {
    log.warn({ reason: describeError(err) }, "telegram setMyCommands failed");
  }
}
