import { defineAdapterModule } from "../../src/bot/adapter.ts";

/** The platform name of the terminal chat. */
export const PLATFORM = "console";

/** The terminal chat: the fallback when no other platform is configured; it has no settings. */
export const consoleModule = defineAdapterModule<object>({
  platform: PLATFORM,
  displayName: "终端",
  // The operator is at the terminal: nobody to alert elsewhere.
  alerts: false,
  configure: () => ({}),
  load: () => import("./index.ts"),
});
