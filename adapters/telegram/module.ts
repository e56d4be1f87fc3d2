import { defineAdapterModule } from "../../src/bot/adapter.ts";
import { PLATFORM, telegramConfig, type TelegramConfig } from "./config.ts";

/** Telegram, as `article-bot start` knows it before loading grammY. */
export const telegramModule = defineAdapterModule<TelegramConfig>({
  platform: PLATFORM,
  displayName: "Telegram",
  // Inline keyboards: 设置 gets a button per setting.
  buttons: true,
  // Telegram's own link preview, off unless a group switches it on (answers list several links). Groups stay open
  // (the default): they have their own admins and bot controls, so the bot answers wherever it was added.
  linkPreview: { name: "链接预览", byDefault: false },
  secretVariables: ["TELEGRAM_BOT_TOKEN"],
  configure: telegramConfig,
  // Telegram allows about 30 messages/s for broadcasts. A push sends one message per chat, so per-chat limits
  // (1/s, 20/min per group) are never reached.
  pace: { perSecond: 25, concurrency: 8 },
  imageProxy: (config) => config.proxy,
  load: () => import("./index.ts"),
});
