import { afterEach, describe, expect, it, vi } from "vitest";
import { ScanStatus } from "wechaty";
import { FAKED_TIMERS, until, WAIT, wechatHarness } from "./harness.ts";

type Harness = Awaited<ReturnType<typeof wechatHarness>>;
const MENTION = "\u2005";

describe("WeChat delivery", () => {
  let h: Harness;
  afterEach(async () => {
    vi.useRealTimers();
    await h.cleanup();
  });

  const queued = (n: number) =>
    until(() => h.logs().filter((l) => l.msg === "wechat reply queued").length >= n, `${n} queued replies`);

  it("paces messages: a gap after every message, a per-room cap per minute, other chats not held up", async () => {
    h = await wechatHarness({ env: { WECHAT_SEND_INTERVAL_MS: "1000", WECHAT_ROOM_MAX_PER_MINUTE: "3" } });
    vi.useFakeTimers(FAKED_TIMERS);
    const { alice, bob, self } = h.contacts;
    alice.say(`@文章助手${MENTION}墨荷`, [self]).to(h.room);
    alice.say(`@文章助手${MENTION}荷花`, [self]).to(h.room);
    await queued(2);
    bob.say("墨荷").to(self);
    await queued(3);

    await vi.advanceTimersByTimeAsync(10_000);
    const start = h.sent[0]!.at;
    const timeline = () => h.sent.map((s) => [s.chatId === h.room.id ? "room" : "bob", s.at - start]);
    expect(timeline()).toEqual([
      ["room", 0],
      ["bob", 1000],
      ["room", 2000],
      ["bob", 3000],
      ["room", 4000],
    ]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(timeline()[5]).toEqual(["room", 60_000]);
  });

  it("retries a failed send, logs it with context, and loses nothing", async () => {
    h = await wechatHarness();
    vi.useFakeTimers(FAKED_TIMERS);
    const { alice, self } = h.contacts;
    vi.mocked(h.puppet.messageSendText).mockRejectedValueOnce(new Error("connect ECONNRESET"));
    alice.say("帮助").to(self);
    await until(() => h.logs().some((l) => l.msg === "wechat send failed; will retry"), "a failed send");
    expect(h.to(alice.id)).toHaveLength(0);

    await vi.advanceTimersByTimeAsync(2000);
    expect(h.to(alice.id).map((s) => s.text)).toEqual([expect.stringContaining("我可以帮你找文章")]);
    expect(h.logs().find((l) => l.msg === "wechat send failed; will retry")).toMatchObject({
      level: 40,
      chatId: alice.id,
      kind: "text",
      attempt: 1,
      err: "connect ECONNRESET",
    });
  });

  it("falls back to text when the puppet cannot send link cards, and stops trying cards", async () => {
    h = await wechatHarness();
    const cards = vi
      .mocked(h.puppet.messageSendUrl)
      .mockRejectedValue(
        new Error(
          "Wechaty Puppet Unsupported API Error. Learn More At https://github.com/wechaty/wechaty-puppet/wiki/Compatibility",
        ),
      );
    const { alice, self } = h.contacts;
    alice.say("墨荷").to(self);
    const [, fallback] = await h.received(alice.id, 2);
    expect(fallback).toMatchObject({
      kind: "text",
      text: "《墨荷与照相机》 2024-11-20\n一幅墨荷，几笔浓淡，照相机拍不出来的东西。\nhttps://mp.weixin.qq.com/s/ink-lotus",
    });

    alice.say("随机").to(self);
    await h.received(alice.id, 4);
    expect(cards).toHaveBeenCalledTimes(1);
  });

  it("holds queued replies while logged out and sends them after the next login", async () => {
    h = await wechatHarness({ env: { WECHAT_SEND_INTERVAL_MS: "1000" } });
    vi.useFakeTimers(FAKED_TIMERS);
    const { alice, self } = h.contacts;
    alice.say("墨荷").to(self);
    await queued(1);
    expect(h.to(alice.id)).toHaveLength(1);

    await h.puppet.logout("kicked by the phone");
    await until(() => h.logs().some((l) => l.msg?.toString().startsWith("wechat logged out")), "the logout");
    await vi.advanceTimersByTimeAsync(60_000);
    expect(h.to(alice.id)).toHaveLength(1);

    h.mocker.login(self);
    await until(() => h.logs().some((l) => l.msg === "wechat logged in again"), "the new login");
    await vi.advanceTimersByTimeAsync(1000);
    expect(h.to(alice.id).map((s) => s.kind)).toEqual(["text", "card"]);
  });

  it("draws the login QR code in the terminal and logs its URL", async () => {
    h = await wechatHarness();
    h.mocker.scan("https://login.weixin.qq.com/l/abc123", ScanStatus.Waiting);
    await vi.waitFor(() => expect(h.qr.join("")).toMatch(/[▄▀█]/), WAIT);
    expect(h.logs().find((l) => l.msg?.toString().startsWith("scan the QR code"))).toMatchObject({
      url: `https://wechaty.js.org/qrcode/${encodeURIComponent("https://login.weixin.qq.com/l/abc123")}`,
    });
  });

  it("logs a puppet error once, not every time the puppet retries", async () => {
    h = await wechatHarness();
    for (let i = 0; i < 20; i++) h.puppet.emit("error", { gerror: "getaddrinfo ENOTFOUND login.wx.qq.com" });
    h.puppet.emit("error", { gerror: "something else" });
    await vi.waitFor(() => expect(h.logs().filter((l) => l.msg === "wechaty error")).toHaveLength(2), WAIT);
    expect(h.logs().filter((l) => l.msg === "wechaty error")).toEqual([
      expect.objectContaining({ err: "getaddrinfo ENOTFOUND login.wx.qq.com" }),
      expect.objectContaining({ err: "something else", suppressed: 19 }),
    ]);
  });
});
