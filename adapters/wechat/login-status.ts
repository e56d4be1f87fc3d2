import type { ConsoleBlock, PlatformAlerts, PlatformStatus } from "../../src/bot/platform.ts";
import { clip } from "../../src/bot/strings.ts";

/** A login, a logout or a QR code shown, as the adapter remembers it for the console's history. */
export interface SessionEvent {
  at: string;
  event: "login" | "logout" | "scan";
  reason?: string;
}

/** What WeChat's `health()` puts into its `/healthz` line: the login session. */
export type WechatHealthDetails = {
  loggedIn: boolean;
  lastLoginAt: string | null;
  lastLogoutAt: string | null;
  logoutReason?: string;
  /** wechaty's QR image URL while a scan is pending (for the alert). */
  qrUrl?: string;
  /** The code itself, for drawing it (the web console) without wechaty's QR image service. */
  qrCode?: string;
  /** Newest last. */
  history: SessionEvent[];
};

/** How long a WeChat without a login, and no QR code or logout to explain it (a session being restored), waits before an alert. */
export const LOGIN_GRACE_MS = 60_000;

const words = {
  loggedIn: "已登录",
  notLoggedIn: "未登录",
  lastLogin: "上次登录",
  lastLogout: "上次退出",
  logoutReason: "退出原因",
  scanToLogin: "请用微信扫码登录",
  qrAlt: "微信登录二维码",
  sessionHistory: "登录记录",
  sessionEvent: { login: "登录", logout: "退出", scan: "等待扫码" } as Record<string, string>,
  loggedOut: (reason: string | undefined, qrUrl: string | undefined) =>
    [
      `⚠️ 微信账号已掉线${reason ? `（${clip(reason, 80)}）` : ""}，机器人在微信上暂停服务，回复和推送会等到重新登录后再发。`,
      qrUrl ? `请用机器人的微信扫码重新登录：${qrUrl}` : "请检查机器人的微信登录状态。",
    ].join("\n"),
};

/**
 * WeChat's alerts: a logout or a code to scan needs a person now (at once,
 * with the reason and the QR URL); a login still being restored gets
 * {@link LOGIN_GRACE_MS}.
 */
export const loginAlerts: PlatformAlerts = {
  after: (status) => (str(status.qrUrl) || str(status.lastLogoutAt) ? 0 : LOGIN_GRACE_MS),
  text: (status) => words.loggedOut(str(status.logoutReason) ?? str(status.lastError), str(status.qrUrl)),
};

/** The login session in the web console: logged in or not, the last login and logout, the code to scan, the history. */
export function loginConsoleBlock(status: PlatformStatus): ConsoleBlock {
  const s = status as PlatformStatus & Partial<WechatHealthDetails>;
  const pendingQr = typeof s.qrCode === "string" && s.loggedIn !== true;
  const history = Array.isArray(s.history) ? s.history : [];
  return {
    ...(typeof s.loggedIn === "boolean" ? { badge: s.loggedIn ? words.loggedIn : words.notLoggedIn } : {}),
    ...("lastLoginAt" in s
      ? {
          facts: [
            { label: words.lastLogin, at: s.lastLoginAt ?? null },
            { label: words.lastLogout, at: s.lastLogoutAt ?? null },
            ...(s.logoutReason ? [{ label: words.logoutReason, text: String(s.logoutReason) }] : []),
          ],
        }
      : {}),
    ...(pendingQr ? { qr: { code: s.qrCode!, prompt: words.scanToLogin, alt: words.qrAlt } } : {}),
    ...(history.length
      ? {
          history: {
            title: words.sessionHistory,
            events: history.map((h) => ({
              at: h.at,
              text: `${words.sessionEvent[h.event] ?? h.event}${h.reason ? `（${h.reason}）` : ""}`,
            })),
          },
        }
      : {}),
  };
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value ? value : undefined;
}
