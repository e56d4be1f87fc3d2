/**
 * `/console`: the operators' page behind ADMIN_PASSWORD. Every POST
 * carries the session's CSRF token (the login form a token of its own,
 * double-submitted with a cookie); cookies are HttpOnly and SameSite=Strict.
 */
import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import QRCode from "qrcode";
import { sameSecret, token, ConsoleAuth, SESSION_TTL_MS, type Session } from "./auth.ts";
import { clientAddress } from "./request.ts";
import { consoleBlockOf, consolePage, loginPage } from "./console-view.ts";
import type { WebDeps } from "./deps.ts";
import { ui } from "./strings.ts";

export const SESSION_COOKIE = "article_bot_session";
const LOGIN_COOKIE = "article_bot_login";

/** The console's routes, and whether a request carries a logged-in session (for a private reading room). */
export function consoleRoutes(deps: WebDeps & { adminPassword: string }): { app: Hono; loggedIn(c: Context): boolean } {
  const auth = new ConsoleAuth(deps.adminPassword, deps.clock);
  const app = new Hono();
  const sessionOf = (c: Context): Session | undefined => auth.session(getCookie(c, SESSION_COOKIE));
  const secure = (c: Context) =>
    new URL(c.req.url).protocol === "https:" || c.req.header("x-forwarded-proto") === "https";
  const cookie = (c: Context, name: string, value: string, maxAgeMs: number) =>
    setCookie(c, name, value, {
      httpOnly: true,
      sameSite: "Strict",
      path: "/",
      secure: secure(c),
      maxAge: Math.floor(maxAgeMs / 1000),
    });

  let warnedUntrustedProxy = false;

  const showLogin = (c: Context, message?: string, status: 200 | 401 | 403 | 429 = 200) => {
    const loginToken = token();
    cookie(c, LOGIN_COOKIE, loginToken, 3_600_000);
    return c.html(loginPage(loginToken, message), status);
  };

  // Forms are small; anything bigger is not ours.
  app.post("*", bodyLimit({ maxSize: 16 * 1024, onError: (c) => c.text("payload too large\n", 413) }));

  app.get("/", async (c) => {
    const session = sessionOf(c);
    if (!session) return showLogin(c);
    const flash = session.flash;
    session.flash = undefined;
    return c.html(await consolePage(deps, session.csrf, flash));
  });

  app.post("/login", async (c) => {
    const form = await c.req.parseBody();
    const expected = getCookie(c, LOGIN_COOKIE);
    if (!expected || typeof form._csrf !== "string" || !sameSecret(form._csrf, expected))
      return showLogin(c, ui.expiredForm, 403);
    const client = clientAddress(c, deps.trustProxy);
    if (!deps.trustProxy && !warnedUntrustedProxy && c.req.header("x-forwarded-for") !== undefined) {
      warnedUntrustedProxy = true;
      deps.log.warn(
        "console login through a reverse proxy without TRUST_PROXY: every client shares the proxy's address, and so its login throttle",
      );
    }
    const outcome = auth.login(typeof form.password === "string" ? form.password : "", client);
    if (outcome.result === "throttled") {
      // Not logged: the failure that started the wait was, and a guessing script must not flood the log.
      c.header("retry-after", String(Math.ceil(outcome.waitMs / 1000)));
      return showLogin(c, ui.throttled(Math.ceil(outcome.waitMs / 60_000)), 429);
    }
    if (outcome.result === "wrong") {
      deps.log.warn({ client }, "console login with a wrong password");
      if (outcome.waitMs > 0)
        deps.log.warn(
          { client, waitSeconds: outcome.waitMs / 1000 },
          "console login throttled: too many wrong passwords from this address",
        );
      return showLogin(c, ui.wrongPassword, 401);
    }
    deleteCookie(c, LOGIN_COOKIE, { path: "/" });
    cookie(c, SESSION_COOKIE, outcome.sessionId, SESSION_TTL_MS);
    deps.log.info("console login");
    return c.redirect("/console", 303);
  });

  // Everything below needs a session, and every POST its CSRF token.
  const guard = createMiddleware<{ Variables: { session: Session } }>(async (c, next) => {
    const session = sessionOf(c);
    if (!session) return c.req.method === "GET" ? c.redirect("/console", 303) : c.text("login required\n", 401);
    if (c.req.method === "POST") {
      const form = await c.req.parseBody();
      if (typeof form._csrf !== "string" || !sameSecret(form._csrf, session.csrf)) {
        deps.log.warn({ path: c.req.path }, "console POST without a valid CSRF token refused");
        return c.text("forbidden: missing or wrong CSRF token\n", 403);
      }
    }
    c.set("session", session);
    await next();
  });

  app.post("/logout", guard, (c) => {
    auth.logout(getCookie(c, SESSION_COOKIE));
    deleteCookie(c, SESSION_COOKIE, { path: "/" });
    return c.redirect("/console", 303);
  });

  app.post("/push", guard, async (c) => {
    c.get("session").flash = await deps.pushNow();
    deps.log.info("push started from the console");
    return c.redirect("/console", 303);
  });

  app.post("/sync", guard, (c) => {
    if (!deps.sync) return c.text("sync is not configured (SYNC_REPO)\n", 404);
    // A sync can take minutes: the page comes back at once, the status line tells when it is done.
    void deps.sync.run();
    c.get("session").flash = ui.syncStarted;
    deps.log.info("sync started from the console");
    return c.redirect("/console", 303);
  });

  app.get("/qr.svg", guard, async (c) => {
    const pending = deps.health().adapters.flatMap((a) => consoleBlockOf(deps, a)?.qr ?? [])[0];
    if (!pending) return c.text("no QR code pending\n", 404);
    const svg = await QRCode.toString(pending.code, { type: "svg", margin: 1, errorCorrectionLevel: "M" });
    return c.body(svg, 200, { "content-type": "image/svg+xml", "cache-control": "no-store" });
  });

  return { app, loggedIn: (c) => sessionOf(c) !== undefined };
}
