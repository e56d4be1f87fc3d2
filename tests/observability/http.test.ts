import { afterEach, describe, expect, it } from "vitest";
import type { AdapterStatus } from "../../src/observability/health.ts";
import { type HttpServer, showsHealthDetails } from "../../src/observability/http.ts";
import { dm } from "../helpers/bot.ts";
import { fakeSender, observedBot } from "./harness.ts";

let server: HttpServer | undefined;
let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await server?.close();
  await cleanup?.();
  server = undefined;
  cleanup = undefined;
});

async function serving(adapters?: AdapterStatus[]) {
  const made = await observedBot({ adapters });
  cleanup = made.cleanup;
  server = await made.observability.listen(0, "127.0.0.1");
  return { ...made, url: server.url };
}

describe("the HTTP server (HTTP_PORT)", () => {
  it("serves /healthz with 200 when every adapter is connected: adapters, library size and the last push", async () => {
    const { url, observability } = await serving([
      { platform: "telegram", connected: true },
      { platform: "wechat", connected: true },
    ]);
    await observability.sender(fakeSender("telegram")).send("42", { kind: "text", text: "早安" });
    const res = await fetch(`${url}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(await res.json()).toMatchObject({
      status: "ok",
      adapters: [
        { platform: "telegram", connected: true },
        { platform: "wechat", connected: true },
      ],
      library: { articles: 4 },
      lastPush: { platform: "telegram", outcome: "sent" },
    });
  });

  it("answers /healthz with 503 as soon as one configured adapter is not connected, saying which", async () => {
    const { url } = await serving([
      { platform: "telegram", connected: true },
      { platform: "wechat", connected: false },
    ]);
    const res = await fetch(`${url}/healthz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({
      status: "degraded",
      adapters: [
        { platform: "telegram", connected: true },
        { platform: "wechat", connected: false },
      ],
      lastPush: null,
    });
  });

  it("shows a request that came through a reverse proxy only the state: no QR code, no login history, no logout reason, no errors", async () => {
    const wechat: AdapterStatus = {
      platform: "wechat",
      state: "running",
      connected: false,
      loggedIn: false,
      lastLogoutAt: "2026-11-25T00:20:00.000Z",
      logoutReason: "已在其他设备登录",
      qrUrl: "https://login.weixin.qq.com/l/QR-SECRET",
      qrCode: "QR-SECRET",
      history: [{ at: "2026-11-25T00:20:00.000Z", event: "logout", reason: "已在其他设备登录" }],
      lastError: "puppet service token rejected",
    };
    const { url, clock, adapters } = await serving([
      { platform: "telegram", state: "running", connected: true, lastApiCallAt: "2026-11-25T00:29:00.000Z" },
      wechat,
    ]);
    // Both proxy examples of docs/web.md: Caddy adds X-Forwarded-For, the nginx one sets X-Forwarded-Proto.
    const proxied: Array<Record<string, string>> = [
      { "x-forwarded-for": "203.0.113.7" },
      { "x-forwarded-proto": "https" },
      { forwarded: "for=203.0.113.7" },
      { "x-real-ip": "203.0.113.7" },
    ];
    for (const headers of proxied) {
      const res = await fetch(`${url}/healthz`, { headers });
      expect(res.status).toBe(503);
      const text = await res.text();
      expect(JSON.parse(text)).toEqual({
        status: "degraded",
        since: "2026-11-25T00:30:00.000Z",
        adapters: [
          { platform: "telegram", state: "running", connected: true },
          { platform: "wechat", state: "running", connected: false },
        ],
      });
      expect(text).not.toMatch(/QR-SECRET|其他设备|history|token|library|Push/);
    }
    // The state's own time: when WeChat logs in again, the bot is ok since then.
    clock.set("2026-11-25T00:40:00Z");
    adapters[1] = { platform: "wechat", state: "running", connected: true };
    const ok = await fetch(`${url}/healthz`, { headers: { "x-forwarded-for": "203.0.113.7" } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ status: "ok", since: "2026-11-25T00:40:00.000Z" });
  });

  it("shows the details (errors, the pending QR code, the last push) only to a request from this host that no proxy forwarded", async () => {
    const { url } = await serving([
      {
        platform: "wechat",
        state: "running",
        connected: false,
        loggedIn: false,
        qrUrl: "https://login.weixin.qq.com/l/QR",
      },
    ]);
    expect(await (await fetch(`${url}/healthz`)).json()).toMatchObject({
      status: "degraded",
      adapters: [{ platform: "wechat", loggedIn: false, qrUrl: "https://login.weixin.qq.com/l/QR" }],
      library: { articles: 4 },
      lastPush: null,
    });
    const request = (remoteAddress: string, headers: Record<string, string> = {}) => ({
      socket: { remoteAddress },
      headers,
    });
    expect(showsHealthDetails(request("127.0.0.1"))).toBe(true);
    expect(showsHealthDetails(request("::1"))).toBe(true);
    expect(showsHealthDetails(request("::ffff:127.0.0.1"))).toBe(true);
    expect(showsHealthDetails(request("203.0.113.7"))).toBe(false);
    expect(showsHealthDetails(request("172.17.0.1"))).toBe(false);
    expect(showsHealthDetails(request("::ffff:10.0.0.2"))).toBe(false);
    expect(showsHealthDetails(request("127.0.0.1", { "x-forwarded-for": "127.0.0.1" }))).toBe(false);
    expect(showsHealthDetails(request("127.0.0.1", { via: "1.1 caddy" }))).toBe(false);
  });

  it("serves /metrics in Prometheus format: messages, replies, search latency, library size", async () => {
    const { url, bot } = await serving();
    await bot.handle(dm("呼吸机"));
    await bot.handle(dm("更多"));
    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const body = await res.text();
    expect(body).toContain('article_bot_messages_total{platform="test",chat="private",outcome="answered"} 2');
    expect(body).toContain('article_bot_replies_total{platform="test",kind="articles"} 1');
    expect(body).toContain('article_bot_replies_total{platform="test",kind="text"} 1');
    expect(body).toContain('article_bot_search_duration_seconds_count{platform="test"} 2');
    expect(body).toMatch(/article_bot_search_duration_seconds_bucket\{le="0.01",platform="test"\} \d/);
    expect(body).toContain("article_bot_library_articles 4");
  });

  it("answers unknown paths with 404 and other methods with 405", async () => {
    const { url } = await serving();
    expect((await fetch(`${url}/`)).status).toBe(404);
    expect((await fetch(`${url}/metrics/../secrets`)).status).toBe(404);
    const post = await fetch(`${url}/healthz`, { method: "POST", body: "x" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
  });

  it("stops listening when closed", async () => {
    const { url } = await serving();
    await server!.close();
    server = undefined;
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });
});
