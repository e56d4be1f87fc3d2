/**
 * The web pages beside /healthz and /metrics: the reading room (public
 * unless WEB_PUBLIC=false) with its feeds and JSON API under the same rule,
 * the 禅定时刻 images served from the bot's disk cache, and the console behind ADMIN_PASSWORD (absent without one).
 * Built on hono; every answer carries strict security headers (a CSP that
 * allows no inline script and nothing from another origin, no referrer).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { getRequestListener } from "@hono/node-server";
import { Hono } from "hono";
import { html } from "hono/html";
import { secureHeaders } from "hono/secure-headers";
import { apiRoutes } from "./api.ts";
import { ASSETS } from "./assets.ts";
import { consoleRoutes } from "./console.ts";
import type { WebDeps } from "./deps.ts";
import { feedRoutes } from "./feeds.ts";
import { page } from "./html.ts";
import type { ServedImage } from "./images.ts";
import { readingRoom } from "./reading.ts";
import { ui } from "./strings.ts";

/** The site as a hono app (tests call `app.request`). */
export function createWebApp(deps: WebDeps): Hono {
  const app = new Hono();
  app.use(
    "*",
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
      referrerPolicy: "no-referrer",
      crossOriginEmbedderPolicy: false,
      // The images are ours; other sites need not embed them.
      crossOriginResourcePolicy: "same-origin",
    }),
  );
  app.use("*", async (c, next) => {
    await next();
    if (!c.res.headers.has("cache-control")) c.res.headers.set("cache-control", "no-store");
  });

  app.get("/static/:name", (c) => {
    const asset = ASSETS.get(c.req.param("name"));
    if (!asset) return c.notFound();
    return c.body(asset.body, 200, { "content-type": asset.type, "cache-control": "public, max-age=3600" });
  });

  const console =
    deps.adminPassword !== undefined ? consoleRoutes({ ...deps, adminPassword: deps.adminPassword }) : undefined;
  if (console) app.route("/console", console.app);

  // A private reading room is for logged-in operators only (and for nobody without a console).
  if (!deps.public) {
    app.use("*", async (c, next) => {
      if (console?.loggedIn(c)) return next();
      if (console) return c.redirect("/console", 303);
      return c.html(
        page({
          title: ui.privateRoom,
          section: "read",
          showConsole: false,
          body: html`<p class="notice">${ui.privateRoom}</p>`,
        }),
        404,
      );
    });
  }

  app.get("/img/:id", async (c) => {
    let image: ServedImage | undefined;
    try {
      image = await deps.images.get(c.req.param("id"), deps.library());
    } catch {
      return c.text("image unavailable\n", 502);
    }
    if (!image) return c.notFound();
    return c.body(new Uint8Array(image.bytes), 200, {
      "content-type": image.contentType,
      "cache-control": "public, max-age=86400",
    });
  });

  app.route("/", feedRoutes(deps));
  app.route("/api", apiRoutes(deps));
  app.route("/", readingRoom(deps));
  app.notFound((c) =>
    c.html(
      page({
        title: ui.notFound,
        section: "read",
        showConsole: console !== undefined,
        body: html`<p class="notice">${ui.notFound}</p>`,
      }),
      404,
    ),
  );
  app.onError((err, c) => {
    deps.log.error({ err, path: c.req.path }, "web page failed");
    return c.text("internal error\n", 500);
  });
  return app;
}

/**
 * A node request listener for the HTTP server, answering 503 「正在启动」
 * until {@link WebServer.serve} hands it the running bot: /healthz must
 * answer before the bot is wired, the pages need all of it.
 */
export class WebServer {
  private handle?: (req: IncomingMessage, res: ServerResponse) => Promise<void>;

  readonly listener = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (this.handle) return this.handle(req, res);
    res
      .writeHead(503, { "content-type": "text/plain; charset=utf-8", "retry-after": "5", "cache-control": "no-store" })
      .end(`${ui.starting}\n`);
  };

  serve(deps: WebDeps): void {
    const app = createWebApp(deps);
    this.handle = getRequestListener(app.fetch) as (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  }
}
