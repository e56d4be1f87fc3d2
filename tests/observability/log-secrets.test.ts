import { createServer } from "node:net";
import { Writable } from "node:stream";
import { Api } from "grammy";
import { describe, expect, it } from "vitest";
import { Supervised } from "../../src/cli/supervisor.ts";
import { createLogger, redactSecrets } from "../../src/log.ts";

const TOKEN = "7012345678:AAH-fake_token_for_tests_0123456789abcdef";
const PUPPET_TOKEN = "puppet_service_0f1e2d3c-4b5a-6978";
const DB_PASSWORD = "s3cr3t-db-pw";

/** A logger at `trace` whose raw output (every byte that would reach stderr) the test reads. */
function rawLog(secrets: string[] = []) {
  let out = "";
  const destination = new Writable({ write: (chunk, _enc, done) => ((out += String(chunk)), done()) });
  return { log: createLogger({ level: "trace", destination, secrets }), out: () => out };
}

/** A port nothing listens on: connecting is refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

describe("secrets never reach the log", () => {
  it("a Bot API call that fails at the network level during start-up is logged without the token", async () => {
    const api = new Api(TOKEN, { apiRoot: `http://127.0.0.1:${await closedPort()}` });
    const failure = await api.getMe().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(JSON.stringify({ m: String(failure), e: (failure as { error?: unknown }).error?.toString() })).toContain(
      TOKEN,
    ); // the raw error does carry it
    const { log, out } = rawLog(); // no known secrets: the token's shape alone gives it away
    const adapter = new Supervised(
      { platform: "telegram", start: () => Promise.reject(failure), stop: async () => {} } as never,
      { log, retryMs: [60_000] },
    );
    await adapter.start();
    await adapter.stop();
    expect(out()).toContain("adapter could not start");
    expect(out()).not.toContain(TOKEN);
    expect(out()).not.toContain(TOKEN.split(":")[1]);
  });

  it("scrubs message, stack, nested causes and nested error fields, at every level", () => {
    const { log, out } = rawLog([PUPPET_TOKEN]); // the database password only by its place in a URL;
    const root = new Error(
      `connect failed for postgres://bot:${DB_PASSWORD}@db:5432/x and postgres://db/x?sslmode=require&password=${DB_PASSWORD}`,
    );
    const mid = new Error(`puppet said no to ${PUPPET_TOKEN}`, { cause: root });
    const top = Object.assign(new Error(`GET https://api.telegram.org/bot${TOKEN}/getMe`, { cause: mid }), {
      error: new Error(`request to /bot${TOKEN}/getUpdates failed`),
      details: { url: `https://api.telegram.org/bot${TOKEN}/sendMessage`, attempts: [PUPPET_TOKEN] },
    });
    for (const level of ["trace", "debug", "info", "warn", "error", "fatal"] as const) {
      log[level]({ err: top }, `${level}: token ${TOKEN}`);
      log[level](top);
      log[level]({ error: top, nested: { deeper: { e: mid } } }, "nested %s", PUPPET_TOKEN);
      log.child({ url: `postgres://u:${DB_PASSWORD}@h/db` })[level]("child binding");
    }
    const text = out();
    expect(text.split("\n").filter(Boolean)).toHaveLength(24);
    for (const secret of [TOKEN, TOKEN.split(":")[1]!, PUPPET_TOKEN, DB_PASSWORD]) expect(text).not.toContain(secret);
    // What is left still says what went wrong.
    expect(text).toContain("connect failed for postgres://bot:[secret]@db:5432/x");
    expect(text).toContain("password=[secret]");
    expect(text).toContain("https://api.telegram.org/bot[secret]/getMe");
  });

  it("redactSecrets keeps ordinary text, and is linear on long hostile text", () => {
    expect(redactSecrets("墨荷 12:30 http://example.com/a?b=c")).toBe("墨荷 12:30 http://example.com/a?b=c");
    const hostile = `${"1".repeat(100_000)}${"a://".repeat(20_000)}${"x:".repeat(50_000)}`;
    const started = performance.now();
    redactSecrets(hostile);
    expect(performance.now() - started).toBeLessThan(500);
  });
});
