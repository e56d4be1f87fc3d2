import { defineAdapterModule } from "../../src/bot/adapter.ts";
import { PLATFORM, wechatConfig, type WechatConfig } from "./config.ts";
import { loginAlerts, loginConsoleBlock } from "./login-status.ts";

/** WeChat, as `article-bot start` knows it before loading wechaty (a large module). */
export const wechatModule = defineAdapterModule<WechatConfig>({
  platform: PLATFORM,
  displayName: "微信",
  // WeChat accounts pulled into random groups by strangers get banned: the bot speaks only where a group's admin asked for it.
  groupPolicy: "opt-in",
  // The link shows as a card under the top answer unless a group switches it off.
  linkPreview: { name: "链接卡片", byDefault: true },
  secretVariables: ["WECHATY_PUPPET_SERVICE_TOKEN"],
  alerts: loginAlerts,
  consoleBlock: loginConsoleBlock,
  configure: wechatConfig,
  // The WeChat sender already spaces every message it sends, answers and push alike (WECHAT_SEND_INTERVAL_MS,
  // WECHAT_SEND_JITTER_MS): the push adds no second rate and keeps one message in its queue at a time, so answers
  // are not stuck behind a whole push.
  pace: { perSecond: 0, concurrency: 1 },
  load: () => import("./index.ts"),
});
