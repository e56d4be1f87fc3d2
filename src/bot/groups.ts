import type { Incoming, Reply, TextReply } from "../chat/message.ts";
import type { AnswerView } from "./answers.ts";
import type { Logger } from "../log.ts";
import type { GroupSettings, Store } from "../store/store.ts";
import type { GroupPolicyConfig } from "../config.ts";
import { isServed, mayEnable, policyOf, type GroupRules } from "./group-policy.ts";
import {
  readSetting,
  settingsButtons,
  viewSettings,
  type SettingsContext,
  type SettingsView,
} from "./group-settings.ts";
import type { Parsed, Stage } from "./pipeline.ts";
import type { Platforms } from "./platform.ts";
import type { Request } from "./request.ts";
import { isGroupAdmin, senderIsBotAdmin } from "./stages.ts";
import { t } from "./strings.ts";
import { UserError } from "./user-error.ts";

/** What group control needs; everything is passed in. */
export interface GroupsDeps {
  store: Store;
  log: Logger;
  /** GROUP_POLICY and ALLOWED_GROUPS. */
  groups: GroupPolicyConfig;
  /** TRIGGER: prefixes groups use unless they set their own. */
  triggers: readonly string[];
  /** PUSH_CRON's time (HH:MM). */
  defaultPushTime: string;
  /** Results per answer unless a group sets its own. */
  pageSize: number;
  /** The library's account names, read when needed (the library reloads). */
  accounts: () => readonly string[];
  /** Each platform's traits: its default group policy, its link setting, whether it shows buttons. */
  platforms: Platforms;
}

/**
 * Groups under their admins' control: whether the bot serves a group
 * (GROUP_POLICY, 「启用」/「停用」) and the group's own settings
 * (「设置」). A request reads its group's settings from the store once
 * (kept on the request: {@link Request.groupSettings}), so a change on any
 * instance applies to the next message, and survives a restart.
 */
export class Groups {
  private readonly rules: GroupRules;

  constructor(private readonly deps: GroupsDeps) {
    this.rules = { ...deps.groups, defaultPolicy: (platform) => deps.platforms.groupPolicy(platform) };
  }

  /** The settings of the group the request was sent in, read once per request; undefined in private chats and for groups that never set any. */
  settingsOf(request: Request): Promise<GroupSettings | undefined> {
    const { msg } = request;
    if (!msg.isGroup) return Promise.resolve(undefined);
    return (request.groupSettings ??= this.deps.store.getGroupSettings(msg.platform, msg.chatId));
  }

  /** The prefixes that address the bot in `msg`'s group. */
  async triggersOf(request: Request): Promise<readonly string[]> {
    return (await this.settingsOf(request))?.triggers ?? this.deps.triggers;
  }

  /** How answers look in `msg`'s chat: its group's results per answer, accounts searched and link card/preview. */
  async viewOf(request: Request): Promise<AnswerView> {
    const settings = await this.settingsOf(request);
    if (!settings) return {};
    const view: AnswerView = {};
    if (settings.results !== undefined) view.pageSize = settings.results;
    if (settings.accounts !== undefined) view.accounts = settings.accounts;
    if (settings.linkPreview !== undefined) view.linkPreview = settings.linkPreview;
    return view;
  }

  /** Whether the bot serves the group `msg` was sent in (always true in private chats). */
  async serves(request: Request): Promise<boolean> {
    const { msg } = request;
    if (!msg.isGroup) return true;
    return isServed(this.rules, msg.platform, msg.chatId, (await this.settingsOf(request))?.state);
  }

  /**
   * The answer to a request in a group the bot does not serve: nothing,
   * except for its admins — 「启用」 and 「停用」 go on to their commands,
   * and a direct @mention is told how to switch the bot on. Undefined
   * when the request may go on (a served group, a private chat).
   */
  async gate(
    request: Request,
    command: string | undefined,
    isAdmin: () => Promise<boolean>,
  ): Promise<Reply[] | undefined> {
    if (await this.serves(request)) return undefined;
    const { msg } = request;
    const switching = command === "enable" || command === "disable";
    if (!switching && !msg.mentioned) return [];
    if (!(await isAdmin())) return [];
    if (switching) return undefined;
    return [text(mayEnable(this.rules, msg.platform, msg.chatId) ? t.groupHowToEnable : t.groupNotAllowed)];
  }

  /** 「启用」 by a group admin. */
  async enable(request: Request, by: string): Promise<Reply> {
    const { msg } = request;
    this.groupOnly(msg, t.groupSwitchInGroups);
    if (!mayEnable(this.rules, msg.platform, msg.chatId)) return text(t.groupNotAllowed);
    const settings = await this.settingsOf(request);
    if (settings?.state === "enabled" || (settings?.state === undefined && (await this.serves(request))))
      return text(t.groupAlreadyEnabled);
    const now = await this.deps.store.updateGroupSettings(msg.platform, msg.chatId, { state: "enabled" }, by);
    this.deps.log.info({ platform: msg.platform, chatId: msg.chatId, by }, "group enabled");
    return text(t.groupEnabled(now.triggers ?? this.deps.triggers));
  }

  /** 「停用」 by a group admin: silent from now on, but for admins' 「启用」 and @mentions. */
  async disable(request: Request, by: string): Promise<Reply> {
    const { msg } = request;
    this.groupOnly(msg, t.groupSwitchInGroups);
    if ((await this.settingsOf(request))?.state === "disabled") return text(t.groupAlreadyDisabled);
    await this.deps.store.updateGroupSettings(msg.platform, msg.chatId, { state: "disabled" }, by);
    this.deps.log.info({ platform: msg.platform, chatId: msg.chatId, by }, "group disabled");
    return text(t.groupDisabled);
  }

  /**
   * 「设置」: the group's settings (with buttons where the platform shows
   * them); 「设置 名称 值」: change one, then the settings as they are now.
   */
  async settings(request: Request, args: string, by: string): Promise<Reply> {
    const { msg } = request;
    this.groupOnly(msg, t.groupSettingsInGroups);
    const [name = "", ...rest] = args.trim().split(/\s+/);
    if (!name) return this.listing(msg, await this.view(request));
    const read = readSetting(name, rest.join(" "), this.context(msg));
    if ("error" in read) throw new UserError(read.error);
    const change = read.ok;
    if (change.key === "pushTime") {
      const sub = await this.deps.store.getSubscription(msg.platform, msg.chatId);
      if (!sub) throw new UserError(t.settingPushNeedsSubscription);
      await this.deps.store.subscribe({ ...sub, time: change.time });
    } else {
      const now = await this.deps.store.updateGroupSettings(msg.platform, msg.chatId, change.change, by);
      request.groupSettings = Promise.resolve(now);
    }
    this.deps.log.info(
      { platform: msg.platform, chatId: msg.chatId, setting: change.key, by },
      "group setting changed",
    );
    const view = await this.view(request);
    const shown = view.lines.find((l) => l.key === change.key)!;
    const listing = this.listing(msg, view);
    return { ...listing, text: `${t.settingChanged(shown.name, shown.value)}\n\n${listing.text}` };
  }

  /** One line per group that has a state or settings, for /stats. */
  async statsLines(): Promise<string[]> {
    const all = await this.deps.store.listGroupSettings();
    return all.map((g) => {
      const served = isServed(this.rules, g.platform, g.chatId, g.state);
      const parts = [
        `${g.platform} ${g.chatId}`,
        served ? t.groupStateEnabled : g.state === "disabled" ? t.groupStateDisabled : t.groupStateOff,
      ];
      const said = t.statsGroupSetting;
      if (g.triggers) parts.push(said.triggers(g.triggers));
      if (g.linkPreview !== undefined) parts.push(said.linkPreview(g.linkPreview));
      if (g.results !== undefined) parts.push(said.results(g.results));
      if (g.quietHours) parts.push(said.quietHours(g.quietHours.start, g.quietHours.end));
      if (g.accounts) parts.push(said.accounts(g.accounts));
      return t.statsGroupLine(parts, policyOf(this.rules, g.platform));
    });
  }

  /** The settings as a text, with buttons on platforms that show them. */
  private listing(msg: Incoming, view: SettingsView): TextReply {
    const buttons = this.deps.platforms.buttons(msg.platform) ? settingsButtons(view, this.context(msg)) : [];
    const reply: TextReply = { kind: "text", text: t.settingsList(view.state, view.lines, buttons.length > 0) };
    return buttons.length > 0 ? { ...reply, buttons } : reply;
  }

  private async view(request: Request): Promise<SettingsView> {
    const { msg } = request;
    const [settings, sub] = await Promise.all([
      this.settingsOf(request),
      this.deps.store.getSubscription(msg.platform, msg.chatId),
    ]);
    const state = isServed(this.rules, msg.platform, msg.chatId, settings?.state)
      ? t.groupStateEnabled
      : settings?.state === "disabled"
        ? t.groupStateDisabled
        : mayEnable(this.rules, msg.platform, msg.chatId)
          ? t.groupStateOff
          : t.groupStateNotAllowed;
    return viewSettings(settings, sub ? sub.time : undefined, this.context(msg), state);
  }

  private context(msg: Incoming): SettingsContext {
    return {
      link: this.deps.platforms.linkPreview(msg.platform),
      defaultTriggers: this.deps.triggers,
      defaultResults: this.deps.pageSize,
      accounts: this.deps.accounts(),
      defaultPushTime: this.deps.defaultPushTime,
    };
  }

  /** Refuse a group command in a private chat with `sentence`, which names the command the user sent. */
  private groupOnly(msg: Incoming, sentence: string): void {
    if (!msg.isGroup) throw new UserError(sentence);
  }
}

function text(value: string): Reply {
  return { kind: "text", text: value };
}

/**
 * The pipeline stage of GROUP_POLICY, between parsing and the command: in
 * a group the bot does not serve, a request gets nothing — not even the
 * hint an empty @mention gets — unless {@link Groups.gate} lets a group
 * admin (or a bot admin) through, by the command parsing read.
 */
export function groupPolicy(groups: Groups, adminIds: readonly string[]): Stage<Parsed> {
  return async (ctx, next) => {
    const { msg } = ctx;
    if (!msg.isGroup) return next();
    const isAdmin = async () => senderIsBotAdmin(adminIds, msg) || (await isGroupAdmin(msg));
    const held = await groups.gate(ctx, ctx.command?.spec.name, isAdmin);
    return held ?? next();
  };
}
