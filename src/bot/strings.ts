/**
 * Every user-facing sentence, in one place so the wording is the same on
 * every platform. Adapters may format these but never reword them.
 */
export const t = {
  /** 帮助 is this line, then each command's line of the command table (`commands.ts`), in its order. */
  helpIntro: "我可以帮你找文章，也会每天送上一张「禅定时刻」。",
  helpLine: {
    search: (triggers: readonly string[]) =>
      `直接发关键词，例如：AI视频、墨荷、照相机和绘画\n· 在群里请 @我，或在消息前加 ${triggers.map((x) => `「${x}」`).join("或")}，例如：${triggers[0] ?? "?"}墨荷`,
    latest: "最新 —— 最近的文章",
    random: "随机 —— 随便看一篇",
    accounts: "公众号 —— 收录了哪些公众号",
    zen: "禅定 —— 今日禅定时刻",
    more: "更多 —— 上一次搜索的下一页",
    subscribe: "订阅 / 取消订阅 —— 每天早上推送禅定时刻（可加时间，如：订阅 21:30）",
    subscribeNews: "订阅新文章 / 取消订阅新文章 —— 有新文章时通知（可加关键词，如：订阅新文章 墨荷 AI）",
    groups: "启用 / 停用 / 设置 —— 群管理员在本群打开、关闭机器人，或调整触发词、结果数、免打扰等",
  },
  found: (query: string, total: number, account?: string) =>
    `${account ? `在「${account}」里` : ""}找到 ${total} 篇与「${clip(query, 40)}」相关的文章：`,
  more: (remaining: number) => `还有 ${remaining} 篇，发送「更多」查看下一页。`,
  noMorePages: "没有更多结果了。换个关键词试试？",
  noPreviousSearch: "还没有搜索过哦。直接发关键词试试，例如：墨荷",
  notFound: (understood: string[]) =>
    [
      understood.length > 0 ? `没有找到与「${clip(understood.join(" "), 40)}」相关的文章。` : "没有找到相关的文章。",
      "可以试试：换一个更短的关键词，或者发送「最新」「随机」看看。",
    ].join("\n"),
  perhaps: "没有完全对得上的，下面几篇可能相关：",
  perhapsHint: "如果都不是，换个说法或者更短的关键词再试试。",
  emptyQuery: "想找什么文章？直接发关键词就好，例如：墨荷。发送「帮助」查看全部用法。",
  latest: (n: number) => `最新的 ${n} 篇文章：`,
  latestOf: (who: string, n: number) => `${who}最新的 ${n} 篇文章：`,
  random: "随机给你一篇：",
  /** After a listing's summary (or alone): the library has its title, date and link, not its text. */
  listedOnly: "（仅有标题和链接，未存全文）",
  accounts: (accounts: ReadonlyArray<{ name: string; count: number }>, unnamed: number) =>
    [
      accounts.length > 0 ? `收录了 ${accounts.length} 个公众号：` : "文章都没有标注公众号。",
      ...accounts.map((a) => `· ${a.name}：${a.count} 篇`),
      ...(unnamed > 0 && accounts.length > 0 ? [`· 未标注公众号：${unnamed} 篇`] : []),
    ].join("\n"),
  emptyLibrary: "文章库还是空的，请稍后再来。",
  noZen: "还没有禅定时刻的图片。",
  zenCaption: (title: string) => `禅定时刻 ·《${title}》`,
  zenFrom: (article: string) => `出自《${article}》`,
  subscribed: (time: string) => `订阅成功！每天 ${time} 给你送上禅定时刻。发送「取消订阅」可随时退订。`,
  alreadySubscribed: (time: string) => `已经订阅过了，推送时间改为每天 ${time}。`,
  unsubscribed: "已取消订阅，不会再推送了。想回来随时发送「订阅」。",
  notSubscribed: "这里还没有订阅。发送「订阅」开始每日推送。",
  badTime: (arg: string) => `「${clip(arg, 20)}」不是有效的时间。请用 24 小时制，例如：订阅 07:30`,
  newsSubscribed: (keywords: readonly string[], before: boolean) =>
    `${before ? "已更新新文章通知" : "订阅成功！有新文章时会通知你"}${keywords.length > 0 ? `，只通知与${keywords.map((k) => `「${clip(k, 30)}」`).join("")}相关的文章` : ""}。发送「取消订阅新文章」可随时退订。`,
  newsUnsubscribed: "已取消新文章通知。想回来随时发送「订阅新文章」。",
  newsNotSubscribed: "这里还没有订阅新文章通知。发送「订阅新文章」开始。",
  tooManyKeywords: (max: number, chars: number) => `关键词太多或太长了：最多 ${max} 个，每个不超过 ${chars} 个字。`,
  newArticle: (account?: string) => (account ? `新文章 ·「${account}」` : "新文章"),
  newDigest: (count: number, perAccount: ReadonlyArray<[string, number]>, titles: readonly string[]) =>
    [
      `有 ${count} 篇新文章${perAccount.length > 0 ? `（${perAccount.map(([a, n]) => `${a} ${n} 篇`).join("，")}）` : ""}：`,
      ...titles.map((title) => `·《${clip(title, 40)}》`),
      ...(count > titles.length ? [`……还有 ${count - titles.length} 篇`] : []),
      "发送「最新」查看，或直接发关键词搜索。",
    ].join("\n"),
  newsStats: (s: { subscribers: number; sent: number; failed: number; inFlight: number }) =>
    `新文章通知：订阅 ${s.subscribers} 个会话；最近 24 小时已发送 ${s.sent}，失败 ${s.failed}，进行中 ${s.inFlight}`,
  groupAdminOnly: "抱歉，只有群管理员可以更改本群的订阅。",
  // Channels (Telegram): /subscribe_channel in a private chat.
  channelInPrivate: "请在和我的私聊中发送：/subscribe_channel @频道用户名",
  channelUsage:
    "用法：/subscribe_channel @频道用户名 [HH:MM]（或频道 ID）。我需要是频道管理员并能发布消息，你也需要是频道管理员。",
  channelUnsupported: "这里不支持频道订阅（仅限 Telegram）。",
  channelNotFound: (ref: string) => `找不到频道「${clip(ref, 40)}」。请确认用户名或 ID，并先把我添加为频道管理员。`,
  channelBotNotAdmin: (title: string) =>
    `我还不是「${clip(title, 40)}」的管理员，或者没有发布消息的权限。请先在频道设置里把我设为管理员并允许发布消息，然后再试。`,
  channelSenderNotAdmin: (title: string) => `抱歉，只有「${clip(title, 40)}」的管理员可以为它订阅或退订。`,
  channelSubscribed: (title: string, time: string) =>
    `已为频道「${clip(title, 40)}」订阅：每天 ${time} 推送禅定时刻，有新文章时也会发到频道。发送 /unsubscribe_channel 加频道名可随时取消。`,
  channelUnsubscribed: (title: string) => `已取消频道「${clip(title, 40)}」的推送。`,
  channelNotSubscribed: (title: string) => `频道「${clip(title, 40)}」还没有订阅。`,
  // Groups under their admins' control: 启用/停用 (GROUP_POLICY) and 设置.
  groupEnabled: (triggers: readonly string[]) =>
    `已在本群启用。群成员 @我 或在消息前加${triggers.map((x) => `「${x}」`).join("或")}即可找文章；群管理员发送「设置」可以调整，发送「停用」可以关闭。`,
  groupAlreadyEnabled: "本群已经启用了。群管理员发送「设置」可以调整，发送「停用」可以关闭。",
  groupDisabled: "已在本群停用，我会保持安静。群管理员发送「启用」可以重新打开。",
  groupAlreadyDisabled: "本群已经停用了。群管理员发送「启用」可以重新打开。",
  groupHowToEnable: "我在本群还没有启用。群管理员 @我 发送「启用」（Telegram：/enable）即可开始使用。",
  groupNotAllowed: "这个群不在机器人的允许名单（ALLOWED_GROUPS）里，请联系机器人的管理员。",
  groupAdminOnlySwitch: "抱歉，只有群管理员可以启用或停用机器人。",
  groupAdminOnlySettings: "抱歉，只有群管理员可以更改本群的设置。",
  groupSettingsInGroups: "「设置」用于群聊：请在群里发送。",
  groupSwitchInGroups: "「启用」/「停用」用于群聊：请在群里发送。",
  groupStateEnabled: "已启用",
  groupStateDisabled: "已停用",
  groupStateOff: "未启用（群管理员发送「启用」打开）",
  groupStateNotAllowed: "未启用（不在允许名单里）",
  settingsList: (
    state: string,
    lines: ReadonlyArray<{ name: string; value: string; isDefault: boolean }>,
    buttons: boolean,
  ) =>
    [
      `本群设置（${state}）：`,
      ...lines.map((l) => `· ${l.name}：${clip(l.value, 60)}${l.isDefault ? "（默认）" : ""}`),
      buttons
        ? "点下面的按钮切换，或发送 /settings 名称 值，例如：/settings 触发词 ! ？、/settings 推送时间 08:00；值写「默认」恢复默认。"
        : "修改请发送「设置 名称 值」，例如：设置 结果数 5、设置 免打扰 22:00-08:00、设置 触发词 ! ？；值写「默认」恢复默认。",
    ].join("\n"),
  settingChanged: (name: string, value: string) => `已更新：${name} → ${clip(value, 60)}`,
  settingUnknown: (name: string) =>
    `没有「${clip(name, 20)}」这项设置。可以设置：触发词、链接卡片（Telegram：链接预览）、结果数、免打扰、公众号、推送时间。`,
  settingNeedsValue: (name: string) => `请写上「${name}」的新值，例如：设置 结果数 5`,
  settingBadTriggers: (max: number, chars: number) =>
    `触发词最多 ${max} 个，每个不超过 ${chars} 个字，用空格或逗号隔开；「设置 触发词 默认」恢复默认。`,
  settingBadSwitch: (name: string) => `「${name}」只能设为「开」或「关」。`,
  settingBadResults: (min: number, max: number) => `结果数要在 ${min} 到 ${max} 之间。`,
  settingBadQuietHours: "免打扰请写成时间段，例如：设置 免打扰 22:00-08:00；「设置 免打扰 关」取消。",
  settingOneAccount: "文章库里只有一个公众号，不需要选择。",
  settingUnknownAccounts: (unknown: readonly string[], all: readonly string[]) =>
    `没有这些公众号：${unknown.map((a) => `「${clip(a, 20)}」`).join("")}。可选：${all.join("、")}，或「全部」。`,
  settingNotSubscribed: "未订阅",
  /** The link setting's name on a platform that declares no name of its own (see `linkPreview` in src/bot/platform.ts). */
  linkCardSetting: "链接卡片",
  settingPushNeedsSubscription: "本群还没有订阅每日推送。发送「订阅 08:00」即可订阅并设好时间。",
  statsGroups: (lines: readonly string[]) => ["群（启用、停用或改过设置的）：", ...lines].join("\n"),
  /** The settings a group changed, as /stats lists them. */
  statsGroupSetting: {
    triggers: (triggers: readonly string[]) => `触发词 ${triggers.join(" ")}`,
    linkPreview: (on: boolean) => `链接 ${on ? "开" : "关"}`,
    results: (n: number) => `结果数 ${n}`,
    quietHours: (start: string, end: string) => `免打扰 ${start}-${end}`,
    accounts: (accounts: readonly string[]) => `公众号 ${accounts.join("、")}`,
  },
  statsGroupLine: (parts: readonly string[], policy: string) => `· ${parts.join("，")}（${policy}）`,
  adminOnly: "抱歉，这个命令只有管理员可以使用。",
  failed: "抱歉，出了点问题，这次没有办成，请稍后再试。",
  pushDisabled: "推送服务没有启用。",
  slowDown: "消息有点多，请稍等一会儿再问我。",
  /** Alerts to bot admins (ADMIN_IDS) about another platform (a platform may word its own: its `alerts` trait). */
  alertUnreachable: (platform: string, minutes: number, error: string | undefined) =>
    `⚠️ 已有 ${minutes} 分钟连不上 ${platform}${error ? `（${clip(error, 120)}）` : ""}。其他平台照常服务。`,
  alertBack: (platform: string) => `✅ ${platform} 已恢复连接。`,
  onThisDay: (year: string, title: string, url?: string) => `那年今日（${year}）：《${title}》${url ? ` ${url}` : ""}`,
  /** `uncertain`: chats whose last try timed out; the message may have arrived, so /push_now does not resend it. */
  pushStarted: (chats: number, uncertain = 0) =>
    `开始推送今日禅定时刻：${chats} 个会话待推送。${pushUncertain(uncertain)}发送 /stats 查看进度。`,
  pushNothingToDo: (uncertain = 0) =>
    uncertain > 0 ? `没有需要补发的会话。${pushUncertain(uncertain)}` : "今天的禅定时刻已经推送给所有订阅者了。",
  pushBusy: "推送正在进行中，请稍后用 /stats 查看进度。",
  pushNoImage: "还没有禅定时刻的图片，无法推送。",
  stats: (s: {
    perPlatform: Array<[string, number]>;
    day: string;
    sent: number;
    failed: number;
    inFlight: number;
    next?: { today: boolean; time: string };
  }) =>
    [
      `订阅：${s.perPlatform.length > 0 ? s.perPlatform.map(([p, n]) => `${p} ${n}`).join("，") : "暂无"}`,
      `今日（${s.day}）已推送 ${s.sent}，失败 ${s.failed}，进行中 ${s.inFlight}`,
      `下次推送：${s.next ? `${s.next.today ? "今天" : "明天"} ${s.next.time}` : "暂无"}`,
    ].join("\n"),
  syncStats: (s: {
    last?: { at: string; ok: boolean; upToDate: boolean; newArticles: number; listedOnly?: number; error?: string };
    lastSuccessAt?: string;
    running: boolean;
  }) => {
    if (!s.last)
      return `同步：${s.running ? "正在进行第一次同步" : "还没有运行过"}${s.lastSuccessAt ? `（上次成功 ${s.lastSuccessAt}）` : ""}`;
    const result = s.last.ok
      ? s.last.upToDate
        ? "成功，没有新内容"
        : `成功，新文章 ${s.last.newArticles} 篇${s.last.listedOnly ? `，列表页 ${s.last.listedOnly} 篇无备份` : ""}`
      : `失败：${clip(s.last.error ?? "", 120)}`;
    const success = !s.last.ok && s.lastSuccessAt ? `；上次成功 ${s.lastSuccessAt}` : "";
    return `同步：上次 ${s.last.at}（${result}）${success}${s.running ? "；正在同步" : ""}`;
  },
  // Buttons and menus of platforms that have them (Telegram).
  openArticle: "阅读原文",
  openNth: (n: number) => `原文 ${n}`,
  prevPage: "‹ 上一页",
  nextPage: "下一页 ›",
  pageExpired: "这次搜索已经过期了，请重新发送关键词。",
  commandMenu: {
    start: "开始使用",
    help: "使用帮助",
    search: "搜索文章，例如 /search 墨荷",
    s: "搜索文章（/search 的简写）",
    latest: "最新文章",
    random: "随机一篇",
    accounts: "收录的公众号",
    zen: "今日禅定",
    subscribe: "订阅每日禅定时刻，可加时间，如 /subscribe 21:30",
    unsubscribe: "取消订阅",
    enable: "在本群启用机器人（群管理员）",
    disable: "在本群停用机器人（群管理员）",
    settings: "本群设置：触发词、条数、安静时段等（群管理员）",
  },
} as const;

/** Echo at most `max` characters of what a user typed: a 100 KB message must not come back whole. */
export function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max).join("")}…`;
}

/** The /push_now note on chats it leaves alone because the last try may have arrived. */
function pushUncertain(chats: number): string {
  return chats > 0 ? `另有 ${chats} 个会话上次发送没有得到确认（可能已经收到），不会重发。` : "";
}
