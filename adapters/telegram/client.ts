import type { Agent } from "node:http";
import { sequentialize } from "@grammyjs/runner";
import { Bot, type Context } from "grammy";
import type { Core } from "../../src/bot/core.ts";
import type { Clock } from "../../src/clock.ts";
import type { Logger } from "../../src/log.ts";
import type { ImageCache } from "../../src/net/image-cache.ts";
import type { KeyValues } from "../../src/store/store.ts";
import { GroupAdmins } from "./admins.ts";
import { Arrivals } from "./arrivals.ts";
import { clientOptions, installReliability, pushApi, type ReliabilityOptions } from "./api.ts";
import { callbacks } from "./callbacks.ts";
import { describeError } from "./errors.ts";
import type { HandlerDeps } from "./handler-deps.ts";
import { InFlight } from "./inflight.ts";
import { inline } from "./inline.ts";
import { membership } from "./membership.ts";
import { messages } from "./messages.ts";
import { Messenger } from "./messenger.ts";
import { Pager } from "./paging.ts";
import { PhotoUploader } from "./photo.ts";
import { Reachability } from "./reachability.ts";
import { botIdOf, TelegramSender } from "./sender.ts";

/** Everything the Telegram bot is made of. */
export interface TelegramBotOptions {
  token: string;
  /** Bot API server root; default Telegram's. */
  apiRoot?: string;
  /** Proxy agent for every Bot API call (TELEGRAM_PROXY). */
  agent?: Agent;
  core: Core;
  /** Where the file_ids of uploaded images are kept. */
  kv: KeyValues;
  log: Logger;
  clock: Clock;
  images?: ImageCache;
  reliability?: ReliabilityOptions;
}

/** A configured grammY bot, the push's sender sharing its pager and photo cache, and the in-flight tracker. */
export interface TelegramBot {
  bot: Bot;
  sender: TelegramSender;
  inflight: InFlight;
  /** Whether Telegram answers, from every call of both Apis. */
  reachability: Reachability;
}

/**
 * Build the grammY bot: a reliable Api (timeouts, throttling, retries),
 * then middleware in order: in-flight tracking → arrival time (what flood
 * control counts) → one update at a time per chat → messages, paging
 * buttons, inline mode, membership changes.
 * Handler errors are logged, never thrown out of the bot.
 */
export function createTelegramBot(o: TelegramBotOptions): TelegramBot {
  const log = o.log;
  const client = clientOptions(o.apiRoot, o.agent);
  const bot = new Bot(o.token, { client });
  const reachability = new Reachability(o.clock);
  installReliability(bot.api, log, o.reliability);
  bot.api.config.use(reachability.transformer());
  const pager = new Pager();
  const photos = new PhotoUploader({ kv: o.kv, log, botId: botIdOf(o.token), images: o.images });
  const deps: HandlerDeps = {
    core: o.core,
    log,
    pager,
    messenger: new Messenger(bot.api, pager, photos),
    admins: new GroupAdmins(bot.api, o.clock, log),
    arrivals: new Arrivals(o.clock),
  };
  const inflight = new InFlight();
  bot.use(inflight.middleware(), deps.arrivals.middleware());
  bot.use(sequentialize((ctx: Context) => (ctx.chat ? String(ctx.chat.id) : undefined)));
  bot.use(messages(deps), callbacks(deps), inline(deps), membership(deps));
  bot.catch((err) =>
    log.error({ updateId: err.ctx.update.update_id, reason: describeError(err.error) }, "telegram update failed"),
  );
  const api = pushApi(o.token, client, log, o.reliability?.timeouts);
  api.config.use(reachability.transformer());
  const sender = new TelegramSender(new Messenger(api, pager, photos));
  return { bot, sender, inflight, reachability };
}
