import { describe, expect, it } from "vitest";
import { knownPlatforms } from "../../src/cli/platforms.ts";
import { silentLogger } from "../../src/log.ts";
import { Alerts } from "../../src/observability/alerts.ts";
import type { AdapterStatus } from "../../src/observability/health.ts";
import { fakeClock } from "../helpers/bot.ts";
import { fakeSender } from "./harness.ts";

/** Two platforms whose state the test sets, each with a sender that records what admins were told. */
function world() {
  const clock = fakeClock("2026-11-25T00:00:00Z");
  const telegram = {
    status: { platform: "telegram", state: "running", connected: true } as AdapterStatus,
    sender: fakeSender("telegram"),
  };
  const wechat = {
    status: { platform: "wechat", state: "running", connected: true, loggedIn: true } as AdapterStatus,
    sender: fakeSender("wechat"),
  };
  const alerts = new Alerts({
    clock,
    log: silentLogger(),
    adminIds: ["telegram:1001", "wechat:wxid_admin", "12345"],
    adapters: () => [telegram, wechat],
    platforms: knownPlatforms(),
  });
  const minutes = async (n: number) => {
    for (let i = 0; i < n; i++) {
      clock.set(new Date(clock.now().getTime() + 60_000).toISOString());
      await alerts.check();
    }
  };
  const told = (s: ReturnType<typeof fakeSender>) =>
    s.sent.map(([chat, reply]) => [chat, reply.kind === "text" ? reply.text : reply.kind]);
  return { clock, telegram, wechat, alerts, minutes, told };
}

describe("alerts to bot admins on another platform", () => {
  it("tells Telegram admins at once when WeChat logs out, with the reason and the QR URL, once per incident, then once when it is back", async () => {
    const w = world();
    await w.alerts.check();
    w.wechat.status = {
      platform: "wechat",
      state: "running",
      connected: false,
      loggedIn: false,
      lastLogoutAt: "2026-11-25T00:00:00.000Z",
      logoutReason: "已在其他设备登录",
    };
    await w.alerts.check();
    expect(w.told(w.telegram.sender)).toEqual([
      [
        "1001",
        "⚠️ 微信账号已掉线（已在其他设备登录），机器人在微信上暂停服务，回复和推送会等到重新登录后再发。\n请检查机器人的微信登录状态。",
      ],
    ]);
    w.wechat.status = { ...w.wechat.status, qrUrl: "https://wechaty.js.org/qrcode/abc" };
    await w.minutes(30);
    expect(w.telegram.sender.sent).toHaveLength(1);
    w.wechat.status = { platform: "wechat", state: "running", connected: true, loggedIn: true };
    await w.alerts.check();
    await w.alerts.check();
    expect(w.told(w.telegram.sender)[1]).toEqual(["1001", "✅ 微信 已恢复连接。"]);
    expect(w.telegram.sender.sent).toHaveLength(2);
    expect(w.wechat.sender.sent).toHaveLength(0);
  });

  it("gives the QR URL when WeChat waits for a scan; a WeChat only slow to log in (a session being restored) gets 60 s of grace", async () => {
    const w = world();
    w.wechat.status = { platform: "wechat", state: "running", connected: false, loggedIn: false };
    await w.alerts.check();
    w.clock.set("2026-11-25T00:00:59Z");
    await w.alerts.check();
    expect(w.telegram.sender.sent).toHaveLength(0);
    w.clock.set("2026-11-25T00:01:00Z");
    await w.alerts.check();
    expect(w.told(w.telegram.sender)[0]![1]).toContain("请检查机器人的微信登录状态。");

    const scan = world();
    scan.wechat.status = {
      platform: "wechat",
      state: "running",
      connected: false,
      loggedIn: false,
      qrUrl: "https://wechaty.js.org/qrcode/abc",
    };
    await scan.alerts.check();
    expect(scan.told(scan.telegram.sender)[0]![1]).toContain(
      "请用机器人的微信扫码重新登录：https://wechaty.js.org/qrcode/abc",
    );
  });

  it("tells WeChat admins when Telegram has been unreachable for 10 minutes, not before, and once when it answers again", async () => {
    const w = world();
    w.telegram.status = {
      platform: "telegram",
      state: "running",
      connected: false,
      lastError: "getUpdates: Network request failed (ETIMEDOUT)",
    };
    await w.alerts.check();
    await w.minutes(9);
    expect(w.wechat.sender.sent).toHaveLength(0);
    await w.minutes(1);
    expect(w.told(w.wechat.sender)).toEqual([
      [
        "wxid_admin",
        "⚠️ 已有 10 分钟连不上 Telegram（getUpdates: Network request failed (ETIMEDOUT)）。其他平台照常服务。",
      ],
    ]);
    await w.minutes(60);
    expect(w.wechat.sender.sent).toHaveLength(1);
    w.telegram.status = { platform: "telegram", state: "running", connected: true };
    await w.alerts.check();
    expect(w.told(w.wechat.sender)[1]).toEqual(["wxid_admin", "✅ Telegram 已恢复连接。"]);
  });

  it("holds an alert while no other platform is connected, and sends it when one is", async () => {
    const w = world();
    w.telegram.status = { platform: "telegram", state: "retrying", connected: false };
    w.wechat.status = {
      platform: "wechat",
      state: "running",
      connected: false,
      loggedIn: false,
      qrUrl: "https://wechaty.js.org/qrcode/abc",
    };
    await w.alerts.check();
    expect(w.telegram.sender.sent).toHaveLength(0);
    w.telegram.status = { platform: "telegram", state: "running", connected: true };
    await w.alerts.check();
    expect(w.telegram.sender.sent).toHaveLength(1);
  });
});
