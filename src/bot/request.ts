import type { Incoming } from "../chat/message.ts";
import type { GroupSettings } from "../store/store.ts";

/**
 * A request as its commands see it: the message, and the facts read about
 * it that later readers share instead of reading again (the pipeline's
 * context, `pipeline.ts`, adds what its stages found out).
 */
export interface Request {
  readonly msg: Incoming;
  /**
   * The group's settings, read from the store by the first stage or
   * command that needs them and kept for the rest of the request (see
   * `Groups.settingsOf`); never read in private chats.
   */
  groupSettings?: Promise<GroupSettings | undefined>;
}
