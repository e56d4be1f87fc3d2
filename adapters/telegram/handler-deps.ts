import type { Core } from "../../src/bot/core.ts";
import type { Logger } from "../../src/log.ts";
import type { Arrivals } from "./arrivals.ts";
import type { GroupAdmins } from "./admins.ts";
import type { Messenger } from "./messenger.ts";
import type { Pager } from "./paging.ts";

/**
 * What the update handlers (messages, paging buttons, inline mode,
 * membership) share. Its own module, so the handlers and the bot that
 * installs them do not import each other.
 */
export interface HandlerDeps {
  /** Requests, and the chats that are gone or moved: the handlers store nothing themselves. */
  core: Core;
  log: Logger;
  messenger: Messenger;
  pager: Pager;
  admins: GroupAdmins;
  /** When each update arrived, for flood control. */
  arrivals: Arrivals;
}
