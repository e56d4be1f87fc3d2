import { execFile } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { describe, type TestOptions } from "vitest";

/**
 * A throwaway PostgreSQL server for tests: a fresh cluster (`initdb`) in a
 * temp directory, started with `pg_ctl` on 127.0.0.1 and a free port, with
 * durability switched off for speed. Real server binaries are required:
 * without them the suites that need a server skip with a one-line install
 * hint ({@link describePostgres}), except under `CI=true`, where they run
 * and fail — `.ci/run` installs them with `apt-get install -y postgresql`.
 *
 * ```ts
 * const server = await startPostgres();
 * const url = await server.createDatabase();
 * await server.stop();
 * ```
 */

const run = promisify(execFile);

/** A running throwaway server. */
export interface PostgresServer {
  /** Connection URL of its `postgres` database, as the superuser `postgres`. */
  readonly url: string;
  readonly port: number;
  /** Create an empty database; resolves to its connection URL. */
  createDatabase(name?: string): Promise<string>;
  /** Stop the server at once and delete its files. */
  stop(): Promise<void>;
}

/** Where to look for `initdb`/`pg_ctl`: `$PG_BIN`, else the newest Debian install, else `$PATH` (Homebrew, other distributions). */
export function findPostgresBin(env: NodeJS.ProcessEnv = process.env): string {
  const candidates = env.PG_BIN
    ? [env.PG_BIN]
    : [...debianBinDirs(), ...(env.PATH ?? "").split(path.delimiter).filter(Boolean)];
  const found = candidates.find((dir) => existsSync(path.join(dir, "initdb")) && existsSync(path.join(dir, "pg_ctl")));
  if (!found) {
    throw new Error(
      "PostgreSQL server binaries not found (looked for initdb and pg_ctl in " +
        `${env.PG_BIN ? `PG_BIN=${env.PG_BIN}` : "/usr/lib/postgresql/*/bin and $PATH"}). ` +
        "Install them with `apt-get install -y postgresql` (.ci/run does so) or point PG_BIN at their directory.",
    );
  }
  return found;
}

/**
 * Why the PostgreSQL specs are skipped on this machine: the install hint
 * when no server binaries are found, or undefined when they run — always
 * under `CI=true`, where missing binaries must fail the run, not hide it.
 */
export function postgresSkipReason(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.CI === "true") return undefined;
  try {
    findPostgresBin(env);
    return undefined;
  } catch {
    return "PostgreSQL specs skipped: no server binaries (initdb, pg_ctl) found; install them with `apt-get install -y postgresql` or set PG_BIN to run them";
  }
}

const SKIP_REASON = postgresSkipReason();
if (SKIP_REASON) console.warn(SKIP_REASON);

/** True when this machine runs the PostgreSQL specs (see {@link postgresSkipReason}). */
export const postgresRuns = SKIP_REASON === undefined;

/** `describe` for specs that need a throwaway server: skipped, with the hint as its name's tail, where none can start. */
export function describePostgres(name: string, fn: () => void, options: TestOptions = {}): void {
  if (SKIP_REASON) describe.skip(`${name} (${SKIP_REASON})`, options, fn);
  else describe(name, options, fn);
}

function debianBinDirs(): string[] {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => path.join(root, v, "bin"));
}

/**
 * The OS user the server runs as: the current one, or — as root, which
 * `initdb` refuses — the `postgres` system user (else `nobody`).
 */
function serverUser(): string | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const passwd = readFileSync("/etc/passwd", "utf8");
  return ["postgres", "nobody"].find((u) => passwd.includes(`\n${u}:`) || passwd.startsWith(`${u}:`));
}

function uidOf(user: string): { uid: number; gid: number } {
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.startsWith(`${user}:`));
  const [, , uid, gid] = line?.split(":") ?? [];
  return { uid: Number(uid), gid: Number(gid) };
}

/** Run a server binary, as the server user when we are root. */
async function runAs(user: string | undefined, bin: string, args: string[], timeoutMs: number): Promise<void> {
  const [file, argv] = user ? ["runuser", ["-u", user, "--", bin, ...args]] : [bin, args];
  try {
    await run(file, argv, { timeout: timeoutMs, cwd: os.tmpdir() });
  } catch (err) {
    const e = err as Error & { stderr?: string; stdout?: string };
    throw new Error(`${path.basename(bin)} failed: ${e.message}\n${e.stdout ?? ""}${e.stderr ?? ""}`);
  }
}

/** A port on 127.0.0.1 that was free a moment ago. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Settings for a fast, disposable, small server (nothing here needs to survive a crash). */
const SERVER_SETTINGS = [
  "listen_addresses=127.0.0.1",
  "fsync=off",
  "synchronous_commit=off",
  "full_page_writes=off",
  "shared_buffers=16MB",
  "max_connections=200",
];

/** Create and start a throwaway cluster; see the module comment. */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = findPostgresBin();
  const user = serverUser();
  const dir = mkdtempSync(path.join(os.tmpdir(), "article-bot-pg-"));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  if (user) {
    const { uid, gid } = uidOf(user);
    chownSync(dir, uid, gid);
  }
  const data = path.join(dir, "data");
  try {
    await runAs(
      user,
      path.join(bin, "initdb"),
      ["-D", data, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C"],
      60_000,
    );
    const port = await startServer(bin, user, dir, data);
    return server(bin, user, dir, data, port);
  } catch (err) {
    cleanup();
    throw err;
  }
}

/** Start the cluster on a free port, trying another if the port was taken meanwhile. */
async function startServer(bin: string, user: string | undefined, dir: string, data: string): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const options = ["-p", String(port), "-k", dir, ...SERVER_SETTINGS.flatMap((s) => ["-c", s])].join(" ");
    try {
      await runAs(
        user,
        path.join(bin, "pg_ctl"),
        ["-D", data, "-l", path.join(dir, "server.log"), "-o", options, "-w", "-t", "30", "start"],
        40_000,
      );
      return port;
    } catch (err) {
      if (attempt >= 3) throw new Error(`${(err as Error).message}\nserver log:\n${readLog(dir)}`);
    }
  }
}

function readLog(dir: string): string {
  try {
    return readFileSync(path.join(dir, "server.log"), "utf8");
  } catch {
    return "(none)";
  }
}

function server(bin: string, user: string | undefined, dir: string, data: string, port: number): PostgresServer {
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  // If the test process ends without stop() (a crash), do not leave a server behind.
  const onExit = () => killPostmaster(data);
  process.once("exit", onExit);
  let databases = 0;
  let stopped = false;
  return {
    url,
    port,
    async createDatabase(name = `test_${process.pid}_${++databases}`) {
      const admin = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
      } finally {
        await admin.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${encodeURIComponent(name)}`;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      process.off("exit", onExit);
      try {
        await runAs(user, path.join(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"], 30_000);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Synchronous last resort: SIGQUIT (immediate shutdown) to the postmaster named in its pid file. */
function killPostmaster(data: string): void {
  try {
    const pid = Number(readFileSync(path.join(data, "postmaster.pid"), "utf8").split("\n")[0]);
    if (pid > 0) process.kill(pid, "SIGQUIT");
  } catch {
    // Already gone.
  }
  rmSync(path.dirname(data), { recursive: true, force: true });
}
