import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { qrcodeValueToImageUrl } from "wechaty";
import { afterThisTest, cleanUpAfterEach, startBotProcess, type BotProcess } from "../helpers/bot-process.ts";
import { FakeTelegram } from "../helpers/fake-telegram.ts";
import { QR_CODE } from "../helpers/scripted-puppet.ts";

/**
 * The real bot process with a WeChat puppet that is not logged in:
 * wechaty-puppet-mock (never logs in by itself), and a scripted mock
 * that logs in, is logged out by WeChat and shows a QR code. Telegram is
 * the fake Bot API on 127.0.0.1; its admin is 1001.
 */

const SCRIPTED_PUPPET = fileURLToPath(new URL("../helpers/scripted-puppet.ts", import.meta.url));
let bot: BotProcess | undefined;
cleanUpAfterEach();

/** Poll `/healthz` until `done(body)`. No deadline: loading the puppet package takes seconds, more on a busy machine. */
async function healthUntil(url: string, done: (body: any) => boolean): Promise<{ status: number; body: any }> {
  for (;;) {
    const res = await fetch(url);
    const h = { status: res.status, body: await res.json() };
    if (done(h.body)) return h;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const platform = (body: any, name: string) => body.adapters.find((a: any) => a.platform === name);

describe("WeChat not logged in, seen from outside", () => {
  it("/healthz answers 503 without waiting for a login, and shows wechat loggedIn: false while the mock puppet is not logged in", async () => {
    bot = await startBotProcess({ env: { WECHATY_PUPPET: "wechaty-puppet-mock" } });
    const url = await bot.healthz();
    const first = await fetch(url);
    expect(first.status).toBe(503);
    const { status, body } = await healthUntil(url, (b) => platform(b, "wechat")?.state === "running");
    expect(status).toBe(503);
    expect(platform(body, "wechat")).toMatchObject({
      connected: false,
      loggedIn: false,
      lastLoginAt: null,
      lastLogoutAt: null,
    });
  });

  it("a wrong Telegram token beside WeChat: WeChat keeps running, /healthz shows telegram failed with what to do", async () => {
    const tg = await FakeTelegram.start();
    afterThisTest(() => tg.close());
    bot = await startBotProcess({
      env: {
        WECHATY_PUPPET: "wechaty-puppet-mock",
        TELEGRAM_BOT_TOKEN: "654321:WRONG-token-from-botfather-paste",
        TELEGRAM_API_ROOT: tg.apiRoot,
      },
    });
    const url = await bot.healthz();
    const { status, body } = await healthUntil(
      url,
      (b) => platform(b, "telegram")?.state === "failed" && platform(b, "wechat")?.state === "running",
    );
    expect(status).toBe(503);
    expect(platform(body, "telegram")).toMatchObject({
      connected: false,
      lastError: "Telegram rejected TELEGRAM_BOT_TOKEN (401 Unauthorized): check the token with @BotFather",
    });
    expect(platform(body, "wechat")).toMatchObject({ state: "running" });
    await new Promise((r) => setTimeout(r, 1000));
    expect(bot.child.exitCode).toBeNull();
    await bot.waitForLog(/the other adapters keep running/);
  });
});

describe("WeChat logout at night", () => {
  it("tells the Telegram admin exactly once, with the reason and the QR URL; /healthz shows the logout and the pending QR code", async () => {
    const tg = await FakeTelegram.start();
    afterThisTest(() => tg.close());
    bot = await startBotProcess({
      env: {
        WECHATY_PUPPET: SCRIPTED_PUPPET,
        TELEGRAM_BOT_TOKEN: tg.token,
        TELEGRAM_API_ROOT: tg.apiRoot,
        ADMIN_IDS: "telegram:1001",
        SCRIPTED_PUPPET_LOGOUT_MS: "3000",
      },
    });
    const url = await bot.healthz();
    await bot.waitForLog(/wechat logged in/);

    const alert = await tg.waitForCall("sendMessage", (c) => String(c.payload.chat_id) === "1001");
    const qrUrl = qrcodeValueToImageUrl(QR_CODE);
    expect(alert.payload.text).toContain("微信账号已掉线（已在其他设备登录）");
    expect(alert.payload.text).toContain(`请用机器人的微信扫码重新登录：${qrUrl}`);

    const { status, body } = await healthUntil(url, (b) => platform(b, "wechat")?.qrUrl !== undefined);
    expect(status).toBe(503);
    expect(platform(body, "wechat")).toMatchObject({
      connected: false,
      loggedIn: false,
      lastLoginAt: expect.any(String),
      lastLogoutAt: expect.any(String),
      logoutReason: "已在其他设备登录",
      qrUrl,
    });
    // The QR code is shown again a second later; the alert checks run every 5 s: still one alert.
    await new Promise((r) => setTimeout(r, 6_000));
    expect(tg.sent("1001")).toHaveLength(1);
  });
});
