import type { AdapterContext } from "../../src/bot/adapter.ts";
import { WechatAdapter, type WechatAdapterOptions } from "./adapter.ts";
import type { WechatConfig } from "./config.ts";

export { WechatAdapter, type WechatAdapterOptions } from "./adapter.ts";

/**
 * Adapter factory used by `article-bot start` when `WECHATY_PUPPET` is set;
 * tests pass `{ puppet }` (wechaty-puppet-mock) and fake timing.
 */
export function createAdapter(
  ctx: AdapterContext,
  config: WechatConfig,
  options: WechatAdapterOptions = {},
): WechatAdapter {
  return new WechatAdapter(ctx, config, options);
}
