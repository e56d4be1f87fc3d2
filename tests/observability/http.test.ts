import { afterEach, describe, expect, it } from "vitest";
import type { HttpServer } from "../../src/observability/http.ts";
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

async function serving(adapters?: Array<{ platform: string; connected: boolean }>) {
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
