import { types } from "wechaty";
import { PuppetMock, mock } from "wechaty-puppet-mock";

/**
 * A wechaty-puppet-mock that acts out a night at a real WeChat session,
 * for tests that run the bot as a process (`WECHATY_PUPPET=<this file>`,
 * loaded by wechaty like any puppet package): it logs in as 「文章助手」
 * shortly after start, is logged out by WeChat after
 * `SCRIPTED_PUPPET_LOGOUT_MS` (default 1500 ms) with the reason
 * 「已在其他设备登录」, then shows a QR code to scan, and shows a fresh
 * one a second later (as puppets do while nobody scans).
 */
export const QR_CODE = "https://login.weixin.qq.com/l/scripted-puppet-qr";

export default class ScriptedPuppet extends PuppetMock {
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(options: ConstructorParameters<typeof PuppetMock>[0] = {}) {
    super({ ...options, mocker: new mock.Mocker() });
  }

  override async onStart(): Promise<void> {
    await super.onStart();
    const self = this.mocker.createContact({ id: "wxid_bot", name: "文章助手" });
    const logoutMs = Number(process.env.SCRIPTED_PUPPET_LOGOUT_MS ?? 1500);
    const scan = () => this.emit("scan", { qrcode: QR_CODE, status: types.ScanStatus.Waiting });
    this.timers.push(
      setTimeout(() => this.mocker.login(self), 200),
      setTimeout(() => void this.logout("已在其他设备登录").then(scan), logoutMs),
      setTimeout(scan, logoutMs + 1000),
    );
  }

  override async onStop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    await super.onStop();
  }
}
