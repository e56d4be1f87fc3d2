import { afterEach, describe, expect, it } from "vitest";
import { webhookSecret } from "../../../adapters/telegram/webhook.ts";
import { t } from "../../../src/bot/strings.ts";
import { parseHtml } from "../../helpers/fake-telegram-checks.ts";
import { privateChat, user } from "../../helpers/fake-telegram.ts";
import { startTelegram, type Harness } from "./harness.ts";

describe("Telegram adapter lifecycle", () => {
  let h: Harness;
  afterEach(async () => h.close());

  it("checks the token, publishes the Chinese command menus (group admins also see 启用/停用/设置), and long-polls for the updates it handles", async () => {
    h = await startTelegram();
    await h.tg.waitForCall("getUpdates", () => true, { arrived: true });
    expect(h.tg.calls.slice(0, 5).map((c) => c.method)).toEqual([
      "getMe",
      "setMyCommands",
      "setMyCommands",
      "deleteWebhook",
      "getUpdates",
    ]);
    const everyone = [
      { command: "start", description: t.commandMenu.start },
      { command: "help", description: t.commandMenu.help },
      { command: "search", description: t.commandMenu.search },
      { command: "s", description: t.commandMenu.s },
      { command: "latest", description: t.commandMenu.latest },
      { command: "random", description: t.commandMenu.random },
      { command: "accounts", description: t.commandMenu.accounts },
      { command: "zen", description: "今日禅定" },
      { command: "subscribe", description: t.commandMenu.subscribe },
      { command: "unsubscribe", description: t.commandMenu.unsubscribe },
    ];
    const [general, admins] = h.tg.callsOf("setMyCommands").map((c) => c.payload);
    expect(general).toEqual({ commands: everyone });
    expect(admins).toEqual({
      commands: [
        ...everyone,
        { command: "enable", description: t.commandMenu.enable },
        { command: "disable", description: t.commandMenu.disable },
        { command: "settings", description: t.commandMenu.settings },
      ],
      scope: { type: "all_chat_administrators" },
    });
    expect(h.tg.callsOf("getUpdates")[0]!.payload.allowed_updates).toEqual([
      "message",
      "callback_query",
      "inline_query",
      "my_chat_member",
    ]);
  });

  it("refuses to start with a token Telegram does not know", async () => {
    h = await startTelegram({ start: false });
    h.tg.fail({ method: "getMe", code: 401, description: "Unauthorized" });
    await expect(h.adapter.start()).rejects.toThrow(/401/);
  });

  it("still starts when the command menu cannot be published", async () => {
    h = await startTelegram({ start: false });
    h.tg.fail({ method: "setMyCommands", code: 400, description: "Bad Request: bad command description" });
    await h.adapter.start();
    h.tg.userMessage("墨荷");
    await h.tg.waitForCall("sendMessage");
    expect(h.logs.join("")).toContain("telegram setMyCommands failed");
  });

  it("on stop, finishes the reply under way and confirms the handled updates, so a restart does not answer twice", async () => {
    h = await startTelegram();
    h.tg.delay({ method: "sendMessage", delayMs: 400, times: 1 });
    const update = h.tg.userMessage("墨荷");
    const reply = await h.tg.waitForCall("sendMessage", () => true, { arrived: true });
    expect(reply.outcome).toBe("pending");

    await h.adapter.stop();

    expect(reply.outcome).toBe("ok");
    expect(h.tg.callsOf("getUpdates").at(-1)!.payload).toMatchObject({ offset: update.update_id + 1, timeout: 0 });
  });

  it("asks the process to stop when another instance polls with the same token (409)", async () => {
    h = await startTelegram();
    h.tg.fail({ method: "getUpdates", code: 409, description: "Conflict: terminated by other getUpdates request" });
    h.tg.userMessage("墨荷"); // wakes the pending long poll; the next one meets the 409
    await expect.poll(() => h.shutdowns).toEqual(["telegram polling failed"]);
    expect(h.logs.join("")).toContain("telegram polling stopped");
  });
});

describe("Telegram webhook mode (TELEGRAM_WEBHOOK_URL)", () => {
  let h: Harness;
  afterEach(async () => h.close());

  const post = (body: unknown, secret?: string, path = "/telegram/hook") =>
    fetch(`http://127.0.0.1:${h.adapter.webhookPort}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(secret ? { "x-telegram-bot-api-secret-token": secret } : {}) },
      body: JSON.stringify(body),
    });
  const update = (text: string) => ({
    update_id: 1,
    message: { message_id: 1, date: 0, chat: privateChat(1001), from: user(1001), text },
  });

  it("registers the webhook with a secret and answers the updates Telegram posts", async () => {
    h = await startTelegram({ webhookUrl: "https://bot.example.com/telegram/hook" });
    const [registration] = h.tg.callsOf("setWebhook");
    expect(registration!.payload).toMatchObject({
      url: "https://bot.example.com/telegram/hook",
      secret_token: webhookSecret(h.tg.token),
    });
    expect(registration!.payload.secret_token).not.toContain(h.tg.token.split(":")[1]);
    expect(h.tg.callsOf("getUpdates")).toHaveLength(0);

    const res = await post(update("墨荷"), registration!.payload.secret_token);
    expect(res.status).toBe(200);
    const reply = await h.tg.waitForCall("sendMessage");
    expect(parseHtml(reply.payload.text)).toMatch(/「墨荷」/);
  });

  it("refuses requests without the secret or on another path", async () => {
    h = await startTelegram({ webhookUrl: "https://bot.example.com/telegram/hook" });
    expect((await post(update("墨荷"))).status).toBe(401);
    expect((await post(update("墨荷"), webhookSecret(h.tg.token), "/other")).status).toBe(404);
    expect(h.tg.sent()).toHaveLength(0);
  });

  it("refuses a body over 1 MB even with the right secret, and keeps serving", async () => {
    h = await startTelegram({ webhookUrl: "https://bot.example.com/telegram/hook" });
    const secret = webhookSecret(h.tg.token);
    expect((await post(update(`墨荷${"x".repeat(1_100_000)}`), secret)).status).toBe(413);
    const chunked = await fetch(`http://127.0.0.1:${h.adapter.webhookPort}/telegram/hook`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": secret },
      // A stream has no content-length: the cap must hold while reading.
      body: new Blob([JSON.stringify(update(`墨荷${"y".repeat(1_100_000)}`))]).stream(),
      duplex: "half",
    } as RequestInit).then(
      (r) => r.status,
      () => "connection closed",
    );
    expect([413, "connection closed"]).toContain(chunked);
    expect(h.tg.sent()).toHaveLength(0);
    expect((await post(update("墨荷"), secret)).status).toBe(200);
    expect(parseHtml((await h.tg.waitForCall("sendMessage")).payload.text)).toMatch(/「墨荷」/);
  });
});
