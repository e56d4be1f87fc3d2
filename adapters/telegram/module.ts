import { defineAdapterModule } from "../../src/bot/adapter.ts";
import { PLATFORM, telegramConfig, type TelegramConfig } from "./config.ts";

/** Telegram, as `article-bot start` knows it before loading grammY. */
export const telegramModule = defineAdapterModule<TelegramConfig>({
  platform: PLATFORM,
  configure: telegramConfig,
  // Telegram allows about 30 messages/s for broadcasts. A push sends one message per chat, so per-chat limits
  // (1/s, 20/min per group) are never reached.
  pace: { perSecond: 25, concurrency: 8 },
  imageProxy: (config) => config.proxy,
  load: () => import("./index.ts"),
});
