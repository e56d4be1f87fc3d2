import { afterEach, describe, expect, it } from "vitest";
import { startHttpServer, type HttpServer } from "../../src/observability/http.ts";
import { WebServer } from "../../src/web/app.ts";
import { webSite } from "./harness.ts";

let server: HttpServer | undefined;
let site: Awaited<ReturnType<typeof webSite>> | undefined;
afterEach(async () => {
  await server?.close();
  await site?.close();
  server = site = undefined;
});

describe("the web pages beside /healthz and /metrics on HTTP_PORT", () => {
  it("answers 「正在启动」 until the bot is wired, while /healthz and /metrics already answer; then serves the pages", async () => {
    site = await webSite();
    const web = new WebServer();
    server = await startHttpServer({
      port: 0,
      health: { report: () => site!.deps.health() } as never,
      metrics: { render: async () => ({ contentType: "text/plain; version=0.0.4", body: "up 1\n" }) } as never,
      log: site.deps.log,
      web: web.listener,
    });
    const early = await fetch(`${server.url}/`);
    expect(early.status).toBe(503);
    expect(await early.text()).toBe("正在启动，请稍候。\n");
    expect((await fetch(`${server.url}/healthz`)).headers.get("content-type")).toContain("application/json");
    expect(await (await fetch(`${server.url}/metrics`)).text()).toBe("up 1\n");

    web.serve(site.deps);
    const page = await fetch(`${server.url}/?q=${encodeURIComponent("墨荷")}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("独一无二");
    const css = await fetch(`${server.url}/static/site.css`);
    expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");
    // /healthz keeps its own rules: GET and HEAD only.
    const post = await fetch(`${server.url}/healthz`, { method: "POST" });
    expect(post.status).toBe(405);
  });
});
