import { connect } from "node:net";
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

  it("answers `curl '…/?q=墨荷'` (the UTF-8 not percent-encoded): a redirect to the encoded URL, which searches, and a page that says what went wrong", async () => {
    site = await webSite();
    const web = new WebServer();
    server = await startHttpServer({
      port: 0,
      health: {} as never,
      metrics: {} as never,
      log: site.deps.log,
      web: web.listener,
    });
    web.serve(site.deps);
    const answer = await rawRequest(server.url, "GET /?q=墨荷 HTTP/1.1\r\nHost: localhost\r\n\r\n");
    const [head, body] = answer.split("\r\n\r\n") as [string, string];
    expect(head.split("\r\n")[0]).toBe("HTTP/1.1 308 Permanent Redirect");
    expect(head).toContain("\r\nLocation: /?q=%E5%A2%A8%E8%8D%B7\r\n");
    expect(body).toContain("网址里有未经编码的字符");
    expect(body).toContain("/?q=%E5%A2%A8%E8%8D%B7");
    const followed = await fetch(`${server.url}/?q=%E5%A2%A8%E8%8D%B7`);
    expect(await followed.text()).toContain("独一无二");
    // Anything else the parser refuses still gets its plain 400.
    expect(await rawRequest(server.url, "GET /?q=a b c HTTP/1.1\r\nHost: localhost\r\n\r\n")).toMatch(
      /^HTTP\/1\.1 400 Bad Request\r\n/,
    );
  });
});

/** Send `request` byte for byte (fetch would encode the URL) and read the answer to the end. */
function rawRequest(url: string, request: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(request));
    let answer = "";
    socket.on("data", (d: Buffer) => (answer += d.toString()));
    socket.on("end", () => resolve(answer));
    socket.on("error", reject);
  });
}
