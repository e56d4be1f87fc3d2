import qrcodeTerminal from "qrcode-terminal";
import { qrcodeValueToImageUrl, ScanStatus, WechatyBuilder, type OfficialPuppetNpmName, type Wechaty } from "wechaty";
import type { Clock } from "../../src/clock.ts";
import type { Logger } from "../../src/log.ts";

/** How to build the wechaty instance. */
export interface WechatyConfig {
  /** Path of the login session file (wechaty adds `.memory-card.json`). */
  session: string;
  /** A puppet package name (`WECHATY_PUPPET`) or, in tests, a puppet instance. */
  puppet: string | Wechaty["puppet"];
  /** Token of a puppet service; never logged. */
  token?: string;
}

/**
 * Build a wechaty instance. The login session is kept in `session`, so a
 * restart logs back in without a new QR scan (on puppets that support it).
 */
export function buildWechaty(config: WechatyConfig): Wechaty {
  if (typeof config.puppet !== "string") return WechatyBuilder.build({ name: config.session, puppet: config.puppet });
  return WechatyBuilder.build({
    name: config.session,
    // Any installed puppet package works; wechaty's type lists only the official ones.
    puppet: config.puppet as OfficialPuppetNpmName,
    puppetOptions: config.token ? { token: config.token } : undefined,
  });
}

/** Where lifecycle events go. */
export interface LifecycleHooks {
  log: Logger;
  /** Where the login QR code is drawn. */
  qrOutput: NodeJS.WritableStream;
  /** Called with true on login, false on logout (with WeChat's reason). */
  online(isOnline: boolean, reason?: string): void;
  /** A QR code waits to be scanned: its image URL (wechaty's QR service) and the code's own value. */
  qr?(url: string, value: string): void;
  clock: Clock;
}

/**
 * Log the account's lifecycle: the QR code to scan (drawn in the terminal,
 * its URL logged for headless servers), logins, logouts and puppet errors
 * (repeats of one error at most once a minute).
 */
export function watchLifecycle(wechaty: Wechaty, hooks: LifecycleHooks): void {
  const { log } = hooks;
  let logins = 0;
  wechaty.on("scan", (qrcode, status) => {
    const state = ScanStatus[status] ?? String(status);
    if (status !== ScanStatus.Waiting && status !== ScanStatus.Timeout)
      return void log.info({ status: state }, "wechat login scan");
    qrcodeTerminal.generate(qrcode, { small: true }, (art) => hooks.qrOutput.write(`${art}\n`));
    const url = qrcodeValueToImageUrl(qrcode);
    log.info({ status: state, url }, "scan the QR code with the bot's WeChat account to log in");
    hooks.qr?.(url, qrcode);
  });
  wechaty.on("login", (user) => {
    logins++;
    log.info({ user: user.name(), id: user.id }, logins > 1 ? "wechat logged in again" : "wechat logged in");
    hooks.online(true);
  });
  wechaty.on("logout", (user, reason) => {
    log.warn(
      { user: user.name(), id: user.id, reason },
      "wechat logged out; replies wait in the queue until the next login",
    );
    hooks.online(false, reason);
  });
  const logError = throttled(hooks);
  wechaty.on("error", (err) => logError(err.message));
}

/** Repeats of one error within this long are counted, not logged. */
const ERROR_REPEAT_MS = 60_000;

/**
 * Puppets retry a failed connection in a tight loop (wechat4u: dozens a
 * second when DNS fails); one line per distinct error per minute is enough.
 */
function throttled({ log, clock }: LifecycleHooks): (message: string) => void {
  let last = { message: "", at: -Infinity };
  let suppressed = 0;
  return (message) => {
    const now = clock.now().getTime();
    if (message === last.message && now - last.at < ERROR_REPEAT_MS) return void suppressed++;
    log.error(suppressed > 0 ? { err: message, suppressed } : { err: message }, "wechaty error");
    last = { message, at: now };
    suppressed = 0;
  };
}
