import type { GroupSettings, GroupSettingsChange } from "../store/store.ts";
import { parseTime } from "./subscriptions.ts";
import { t } from "./strings.ts";

/**
 * The settings a group's admins change with 「设置 名称 值」 (`/settings`):
 * what each is called, which values it takes, and how the current values
 * read. Every value is checked here; what is stored is always valid.
 */

/** A setting's key. `pushTime` lives in the group's subscription (its push time), the others in its settings. */
export type SettingKey = "triggers" | "linkPreview" | "results" | "quietHours" | "accounts" | "pushTime";

/** A valid change: to the group's settings, or to its push time (null: the default). */
export type SettingChange =
  | { key: Exclude<SettingKey, "pushTime">; change: GroupSettingsChange }
  | { key: "pushTime"; time: string | null };

/** What reading and listing settings need to know besides the group. */
export interface SettingsContext {
  /** How the group's platform calls the link setting, and whether answers show the link by default (its `linkPreview` trait). */
  link: { name: string; byDefault: boolean };
  /** TRIGGER: the prefixes groups use unless they set their own. */
  defaultTriggers: readonly string[];
  /** Results per answer unless set. */
  defaultResults: number;
  /** The library's accounts (names), for 「设置 公众号」. */
  accounts: readonly string[];
  /** PUSH_CRON's time (HH:MM). */
  defaultPushTime: string;
}

/** Most trigger prefixes a group may set, and the longest one. */
export const MAX_TRIGGERS = 5;
export const MAX_TRIGGER_CHARS = 8;
/** Results per answer a group may choose. */
export const RESULTS = { min: 1, max: 5 } as const;

/** Every name a setting answers to (Chinese first: the one shown). */
const NAMES: ReadonlyArray<[SettingKey, readonly string[]]> = [
  ["triggers", ["触发词", "前缀", "trigger", "triggers"]],
  ["linkPreview", ["链接卡片", "链接预览", "卡片", "预览", "card", "preview"]],
  ["results", ["结果数", "结果", "条数", "results"]],
  ["quietHours", ["免打扰", "quiet"]],
  ["accounts", ["公众号", "accounts"]],
  ["pushTime", ["推送时间", "推送", "push"]],
];

const RESET = new Set(["默认", "default", "reset"]);
const ON = new Set(["开", "打开", "开启", "是", "on", "yes", "true", "1"]);
const OFF = new Set(["关", "关闭", "否", "off", "no", "false", "0"]);
const ALL = new Set(["全部", "所有", "all"]);

/** The key a name stands for, or undefined. */
export function settingKey(name: string): SettingKey | undefined {
  const wanted = name.trim().toLowerCase();
  return NAMES.find(([, names]) => names.includes(wanted))?.[0];
}

/**
 * Read 「设置 名称 值」's name and value into a change, or the sentence
 * saying what is wrong. `value` may be several words (a list, a range).
 */
export function readSetting(
  name: string,
  value: string,
  ctx: SettingsContext,
): { ok: SettingChange } | { error: string } {
  const key = settingKey(name);
  const v = value.trim();
  if (!key) return { error: t.settingUnknown(name) };
  if (!v) return { error: t.settingNeedsValue(displayName(key, ctx)) };
  const reset = RESET.has(v.toLowerCase());
  switch (key) {
    case "triggers": {
      if (reset) return change(key, { triggers: null });
      const triggers = [...new Set(v.split(/[\s,，、]+/).filter(Boolean))];
      if (triggers.length > MAX_TRIGGERS || triggers.some((x) => [...x].length > MAX_TRIGGER_CHARS))
        return { error: t.settingBadTriggers(MAX_TRIGGERS, MAX_TRIGGER_CHARS) };
      return change(key, { triggers });
    }
    case "linkPreview": {
      if (reset) return change(key, { linkPreview: null });
      const word = v.toLowerCase();
      if (ON.has(word)) return change(key, { linkPreview: true });
      if (OFF.has(word)) return change(key, { linkPreview: false });
      return { error: t.settingBadSwitch(displayName(key, ctx)) };
    }
    case "results": {
      if (reset) return change(key, { results: null });
      const n = /^\d{1,2}$/.test(v) ? Number(v) : Number.NaN;
      if (!(n >= RESULTS.min && n <= RESULTS.max)) return { error: t.settingBadResults(RESULTS.min, RESULTS.max) };
      return change(key, { results: n });
    }
    case "quietHours": {
      if (reset || OFF.has(v.toLowerCase())) return change(key, { quietHours: null });
      const range = /^(\d{1,2}[:：]\d{2})\s*(?:-|—|–|~|～|到|至)\s*(\d{1,2}[:：]\d{2})$/.exec(v);
      const start = range && parseTime(range[1]!);
      const end = range && parseTime(range[2]!);
      if (!start || !end || start === end) return { error: t.settingBadQuietHours };
      return change(key, { quietHours: { start, end } });
    }
    case "accounts": {
      if (ctx.accounts.length < 2) return { error: t.settingOneAccount };
      if (reset || ALL.has(v.toLowerCase())) return change(key, { accounts: null });
      const wanted = [
        ...new Set(
          v
            .split(/[,，、]+/)
            .map((a) => a.trim())
            .filter(Boolean),
        ),
      ];
      const unknown = wanted.filter((a) => !ctx.accounts.includes(a));
      if (unknown.length > 0) return { error: t.settingUnknownAccounts(unknown, ctx.accounts) };
      return change(key, { accounts: wanted });
    }
    case "pushTime": {
      if (reset) return { ok: { key, time: null } };
      const time = parseTime(v);
      return time ? { ok: { key, time } } : { error: t.badTime(v) };
    }
  }
}

function change(key: Exclude<SettingKey, "pushTime">, value: GroupSettingsChange): { ok: SettingChange } {
  return { ok: { key, change: value } };
}

/** The name a listing shows for a setting on the group's platform. */
export function displayName(key: SettingKey, ctx: SettingsContext): string {
  return key === "linkPreview" ? ctx.link.name : NAMES.find(([k]) => k === key)![1][0]!;
}

/** What a group's listing shows: each setting's value and whether it is the default. */
export interface SettingsView {
  /** 「已启用」/「未启用」 and why. */
  state: string;
  lines: Array<{ key: SettingKey; name: string; value: string; isDefault: boolean }>;
}

/**
 * The current values of a group's settings, defaults filled in. `pushTime`
 * is the group's subscription time: null when subscribed at the default
 * time, undefined when not subscribed.
 */
export function viewSettings(
  settings: GroupSettings | undefined,
  pushTime: string | null | undefined,
  ctx: SettingsContext,
  state: string,
): SettingsView {
  const s = settings ?? ({} as Partial<GroupSettings>);
  const lines: SettingsView["lines"] = [
    {
      key: "triggers",
      name: "",
      value: (s.triggers ?? ctx.defaultTriggers).join(" "),
      isDefault: s.triggers === undefined,
    },
    {
      key: "linkPreview",
      name: "",
      value: (s.linkPreview ?? ctx.link.byDefault) ? "开" : "关",
      isDefault: s.linkPreview === undefined,
    },
    { key: "results", name: "", value: String(s.results ?? ctx.defaultResults), isDefault: s.results === undefined },
    {
      key: "quietHours",
      name: "",
      value: s.quietHours ? `${s.quietHours.start}-${s.quietHours.end}` : "关",
      isDefault: s.quietHours === undefined,
    },
  ];
  if (ctx.accounts.length > 1)
    lines.push({
      key: "accounts",
      name: "",
      value: s.accounts?.join("、") ?? "全部",
      isDefault: s.accounts === undefined,
    });
  lines.push({
    key: "pushTime",
    name: "",
    value: pushTime === undefined ? t.settingNotSubscribed : (pushTime ?? ctx.defaultPushTime),
    isDefault: pushTime === null,
  });
  for (const line of lines) line.name = displayName(line.key, ctx);
  return { state, lines };
}

/** Quiet-hours presets the settings keyboard cycles through (then off again). */
const QUIET_PRESETS = ["22:00-08:00", "23:00-07:00"];
/** Telegram allows 64 bytes of callback data per button. */
const MAX_BUTTON_BYTES = 60;

/**
 * Buttons that change one setting each, for platforms that show buttons
 * (Telegram's inline keyboard): each sends the 「设置 名称 值」 command
 * that moves the setting to its next value. Triggers and the push time
 * are typed, not cycled.
 */
export function settingsButtons(
  view: SettingsView,
  ctx: SettingsContext,
): Array<Array<{ text: string; command: string }>> {
  const rows: Array<Array<{ text: string; command: string }>> = [];
  for (const line of view.lines) {
    const next = nextValue(line, ctx);
    if (next === undefined) continue;
    const command = `/settings ${line.name} ${next}`;
    if (Buffer.byteLength(command) <= MAX_BUTTON_BYTES) rows.push([{ text: `${line.name}：${line.value} ›`, command }]);
  }
  return rows;
}

function nextValue(line: SettingsView["lines"][number], ctx: SettingsContext): string | undefined {
  switch (line.key) {
    case "linkPreview":
      return line.value === "开" ? "关" : "开";
    case "results":
      return String((Number(line.value) % RESULTS.max) + 1);
    case "quietHours": {
      const at = QUIET_PRESETS.indexOf(line.value);
      return at + 1 < QUIET_PRESETS.length ? QUIET_PRESETS[at + 1] : "关";
    }
    case "accounts": {
      const cycle = ["全部", ...ctx.accounts];
      return cycle[(cycle.indexOf(line.value) + 1) % cycle.length];
    }
    default:
      return undefined;
  }
}

/**
 * Whether `time` (HH:MM, push time zone) falls in quiet hours. A range
 * may wrap past midnight (22:00-08:00); the end minute is no longer quiet.
 */
export function inQuietHours(quiet: GroupSettings["quietHours"], time: string): boolean {
  if (!quiet) return false;
  const { start, end } = quiet;
  return start < end ? time >= start && time < end : time >= start || time < end;
}
