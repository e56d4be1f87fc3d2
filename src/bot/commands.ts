import type { Reply } from "../chat/message.ts";
import type { Answers } from "./answers.ts";
import { subscribeChannel, unsubscribeChannel, type ChannelDeps } from "./channels.ts";
import { CommandTable, defineCommand } from "./command.ts";
import type { Groups } from "./groups.ts";
import { t } from "./strings.ts";
import { parseKeywords, type Subscriptions } from "./subscriptions.ts";
import { UserError } from "./user-error.ts";

/** Admin actions provided by the push service. */
export interface AdminActions {
  /** Push today's image to every subscriber who has not had it; resolves to a report line. */
  pushNow(): Promise<string>;
  /** A short report: subscribers per platform, pushed today, failures, next run. */
  stats(): Promise<string>;
}

/** What the commands act on. */
export interface CommandServices {
  answers: Answers;
  subscriptions: Subscriptions;
  channels: ChannelDeps;
  groups: Groups;
  admin?: AdminActions;
}

/** The command a message that calls none runs: a search for the whole text. */
export const FALLBACK = "search";

/** `@channel 07:30` after a channel command: the channel and, for /subscribe_channel, a time. */
interface ChannelArgs {
  channel: string;
  time?: string;
}

function channelArgs(rest: string): ChannelArgs {
  const [channel = "", time] = rest.split(/\s+/);
  return time ? { channel, time } : { channel };
}

/** Who made a change, as the store records it. */
const by = (msg: { platform: string; userId: string }) => `${msg.platform}:${msg.userId}`;

/** `/subscribe new`, 「订阅 新文章」 …: the announcement forms of the daily push's words. */
const news = (words: readonly string[]) => words.flatMap((w) => [`${w} new`, `${w} 新文章`]);
const SUBSCRIBE = ["/subscribe", "订阅"];
const UNSUBSCRIBE = ["/unsubscribe", "取消订阅", "退订"];

/**
 * Every command of the bot, in the order 帮助 lists them. To add one:
 * a `defineCommand` entry here (name, aliases in Chinese and slash forms,
 * authority, help line, `args` when it reads words after it, `run`), its
 * sentences in `strings.ts`; the pipeline parses, checks authority,
 * observes and catches for it.
 */
export function commandTable(s: CommandServices): CommandTable {
  const text = (value: string): Reply => ({ kind: "text", text: value });
  const admin = (): AdminActions => {
    if (!s.admin) throw new UserError(t.pushDisabled);
    return s.admin;
  };
  const table: CommandTable = new CommandTable(
    [
      defineCommand({
        name: "help",
        aliases: ["/start", "/help", "帮助", "help", "菜单"],
        authority: "anyone",
        menu: { start: t.commandMenu.start, help: t.commandMenu.help },
        // A group that set its own trigger prefixes is told those.
        run: async ({ request }) => text(table.help(t.helpIntro, await s.groups.triggersOf(request))),
      }),
      defineCommand<string>({
        name: "search",
        aliases: ["/search", "/s", "搜索"],
        authority: "anyone",
        menu: { search: t.commandMenu.search, s: t.commandMenu.s },
        help: t.helpLine.search,
        args: (rest) => rest,
        run: ({ msg, args, request }) => {
          // An inline query lists matches beyond a chat page.
          if (msg.action?.kind === "list") return s.answers.list(msg.action.query, msg.action.offset, msg.action.limit);
          if (!args) throw new UserError(t.emptyQuery);
          return s.groups.viewOf(request).then((view) => s.answers.ask(args, msg, view));
        },
      }),
      defineCommand({
        name: "latest",
        aliases: ["/latest", "最新"],
        authority: "anyone",
        menu: { latest: t.commandMenu.latest },
        help: () => t.helpLine.latest,
        run: async ({ msg, request }) =>
          msg.action?.kind === "list"
            ? s.answers.list("", msg.action.offset, msg.action.limit)
            : s.answers.latest(await s.groups.viewOf(request)),
      }),
      defineCommand({
        name: "random",
        aliases: ["/random", "随机"],
        authority: "anyone",
        menu: { random: t.commandMenu.random },
        help: () => t.helpLine.random,
        run: async ({ request }) => s.answers.random(await s.groups.viewOf(request)),
      }),
      defineCommand({
        name: "accounts",
        aliases: ["/accounts", "公众号", "公众号列表"],
        authority: "anyone",
        menu: { accounts: t.commandMenu.accounts },
        help: () => t.helpLine.accounts,
        run: () => s.answers.accounts(),
      }),
      defineCommand({
        name: "zen",
        aliases: ["/zen", "禅定", "今日禅定", "禅定时刻"],
        authority: "anyone",
        menu: { zen: t.commandMenu.zen },
        help: () => t.helpLine.zen,
        run: () => s.answers.zen(),
      }),
      defineCommand({
        name: "more",
        aliases: ["/more", "更多", "下一页"],
        authority: "anyone",
        help: () => t.helpLine.more,
        // A paging button names its page; the words ask for the one after the chat's last search.
        run: async ({ msg, request }) => {
          const view = await s.groups.viewOf(request);
          return msg.action?.kind === "page"
            ? s.answers.search(msg.action.query, msg.action.offset, msg, view)
            : s.answers.more(msg, view);
        },
      }),
      defineCommand<string>({
        name: "subscribe",
        aliases: SUBSCRIBE,
        authority: "group_admin",
        menu: { subscribe: t.commandMenu.subscribe },
        help: () => t.helpLine.subscribe,
        args: (rest) => rest,
        run: ({ msg, args }) => s.subscriptions.subscribe(msg, args),
      }),
      defineCommand({
        name: "unsubscribe",
        aliases: UNSUBSCRIBE,
        authority: "group_admin",
        menu: { unsubscribe: t.commandMenu.unsubscribe },
        run: ({ msg }) => s.subscriptions.unsubscribe(msg),
      }),
      defineCommand<string[]>({
        name: "subscribe_news",
        aliases: ["订阅新文章", ...news(SUBSCRIBE)],
        authority: "group_admin",
        help: () => t.helpLine.subscribeNews,
        args: parseKeywords,
        run: ({ msg, args }) => s.subscriptions.subscribeNews(msg, args),
      }),
      defineCommand({
        name: "unsubscribe_news",
        aliases: ["取消订阅新文章", "退订新文章", ...news(UNSUBSCRIBE)],
        authority: "group_admin",
        run: ({ msg }) => s.subscriptions.unsubscribeNews(msg),
      }),
      // Anyone may ask; channels.ts accepts only when the platform says the bot may post and the sender administers the channel.
      defineCommand<ChannelArgs>({
        name: "subscribe_channel",
        aliases: ["/subscribe_channel"],
        authority: "anyone",
        args: channelArgs,
        run: ({ msg, args }) => subscribeChannel(s.channels, msg, args.channel, args.time),
      }),
      defineCommand<ChannelArgs>({
        name: "unsubscribe_channel",
        aliases: ["/unsubscribe_channel"],
        authority: "anyone",
        args: (rest) => ({ channel: channelArgs(rest).channel }),
        run: ({ msg, args }) => unsubscribeChannel(s.channels, msg, args.channel),
      }),
      // A group's admins decide whether the bot speaks there (GROUP_POLICY) and how; bot admins may too, anywhere.
      defineCommand({
        name: "enable",
        aliases: ["/enable", "启用"],
        authority: "group_admin",
        menu: { enable: t.commandMenu.enable },
        menuFor: "group_admins",
        refusal: t.groupAdminOnlySwitch,
        help: () => t.helpLine.groups,
        run: ({ msg, request }) => s.groups.enable(request, by(msg)),
      }),
      defineCommand({
        name: "disable",
        aliases: ["/disable", "停用"],
        authority: "group_admin",
        menu: { disable: t.commandMenu.disable },
        menuFor: "group_admins",
        refusal: t.groupAdminOnlySwitch,
        run: ({ msg, request }) => s.groups.disable(request, by(msg)),
      }),
      defineCommand<string>({
        name: "settings",
        aliases: ["/settings", "设置"],
        authority: "group_admin",
        menu: { settings: t.commandMenu.settings },
        menuFor: "group_admins",
        refusal: t.groupAdminOnlySettings,
        args: (rest) => rest,
        run: ({ msg, args, request }) => s.groups.settings(request, args, by(msg)),
      }),
      defineCommand({
        name: "push_now",
        aliases: ["/push_now"],
        authority: "bot_admin",
        run: async () => text(await admin().pushNow()),
      }),
      defineCommand({
        name: "stats",
        aliases: ["/stats"],
        authority: "bot_admin",
        run: async () => {
          const [report, groups] = await Promise.all([admin().stats(), s.groups.statsLines()]);
          return text(groups.length > 0 ? `${report}\n${t.statsGroups(groups)}` : report);
        },
      }),
    ],
    FALLBACK,
  );
  return table;
}
