import { defineAdapterModule } from "../../src/bot/adapter.ts";

/** The platform name of the terminal chat. */
export const PLATFORM = "console";

/** The terminal chat: the fallback when no other platform is configured; it has no settings. */
export const consoleModule = defineAdapterModule<object>({
  platform: PLATFORM,
  configure: () => ({}),
  load: () => import("./index.ts"),
});
