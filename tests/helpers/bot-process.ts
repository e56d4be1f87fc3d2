import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { EventEmitter } from "node:events";
import { createServer, type Server, type Socket } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach } from "vitest";
import { fixtureLibrary } from "./bot.ts";

/**
 * The real bot as an operator runs it: `node bin/article-bot.js start` in
 * a child process, with only the environment the test gives (variables of
 * the machine running the tests that configure the bot are removed), in
 * a temporary working directory with a copy of a fixture library.
 */

export const REPO = fileURLToPath(new URL("../../", import.meta.url));
export const BIN = path.join(REPO, "bin/article-bot.js");

/** Variables of the surrounding shell that would change what the bot does. */
const BOT_VARIABLES =
  /^(TELEGRAM_|WECHAT|DATA_DIR|DATABASE_URL|HTTP_|RATE_LIMIT_|ADMIN_IDS|PUSH_|LOG_LEVEL|TRIGGER|HTTPS?_PROXY|ALL_PROXY|NO_PROXY|IMAGE_HOSTS_ALLOW|SYNC_|ADMIN_PASSWORD|WEB_)/i;

/** The test runner's environment without anything that configures the bot. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !BOT_VARIABLES.test(k)) env[k] = v;
  return { ...env, ...extra };
}

/** A running (or finished) bot process. */
export interface BotProcess {
  child: ChildProcess;
  /** A fresh temporary directory: the working directory, with the library in `data/articles`. */
  dir: string;
  stdout(): string;
  stderr(): string;
  /** Resolves when the process has exited, with its code. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The `/healthz` URL, once the bot logged that it listens. */
  healthz(): Promise<string>;
  /**
   * Resolves once stderr has a line matching `pattern`; rejects when the
   * process ends without one. No deadline of its own: a start-up on a
   * loaded machine may take many times its usual second or two.
   */
  waitForLog(pattern: RegExp): Promise<string>;
  /** Kill what is left and delete the directory. */
  cleanup(): Promise<void>;
}

/** Options of {@link startBotProcess}. */
export interface BotProcessOptions {
  env?: Record<string, string>;
  /** Arguments after `start`. */
  args?: string[];
  /** The command to run instead of `node bin/article-bot.js start` (e.g. `npm start`), run in `cwd`. */
  command?: { file: string; args: string[]; cwd?: string };
  library?: string;
  /** Write stdin and close it (the console chat). */
  input?: string;
  /** Called with the temporary directory before the process starts (e.g. to plant a corrupt database). */
  prepare?: (dir: string) => Promise<void>;
}

/** Bot processes started by the current test, and what else it asked to close (see {@link cleanUpAfterEach}). */
const started = new Set<BotProcess>();
const closers: Array<() => Promise<void>> = [];

/** Close `close` (a stand-in server the test started) after the current test. */
export function afterThisTest(close: () => Promise<void>): void {
  closers.push(close);
}

/**
 * Call once in a test file of bot processes: after each test, prints the
 * stderr of the processes it started when it failed (the bot's own account
 * of what happened), kills what is left of them, deletes their folders and
 * runs what {@link afterThisTest} registered.
 */
export function cleanUpAfterEach(): void {
  afterEach(async (ctx) => {
    const bots = [...started];
    started.clear();
    if (ctx.task.result?.state === "fail") for (const bot of bots) console.error(bot.stderr());
    for (const bot of bots) await bot.cleanup();
    for (const close of closers.splice(0)) await close();
  });
}

/** Start the bot process; `HTTP_PORT=0` and JSON logs unless the test says otherwise. */
export async function startBotProcess(options: BotProcessOptions = {}): Promise<BotProcess> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "article-bot-process-"));
  await cp(options.library ?? fixtureLibrary(), path.join(dir, "data", "articles"), { recursive: true });
  await options.prepare?.(dir);
  const env = cleanEnv({ DATA_DIR: path.join(dir, "data"), HTTP_PORT: "0", LOG_LEVEL: "info", ...options.env });
  const command = options.command ?? {
    file: process.execPath,
    args: [BIN, "start", ...(options.args ?? [])],
    cwd: dir,
  };
  const child = spawn(command.file, command.args, { cwd: command.cwd ?? dir, env, stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  let err = "";
  const errGrew = new EventEmitter();
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => {
    err += d.toString();
    errGrew.emit("data");
  });
  child.stderr!.on("close", () => errGrew.emit("close"));
  if (options.input !== undefined) child.stdin!.end(options.input);
  // Resolved once stdout/stderr are read to the end (a second at most, in case an orphan holds them).
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => {
      const done = () => resolve({ code, signal });
      child.once("close", done);
      setTimeout(done, 1000);
    }),
  );
  const waitForLog = (pattern: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const look = () => {
        const line = err.split("\n").find((l) => pattern.test(l));
        if (line !== undefined) done(() => resolve(line));
      };
      const ended = () => done(() => reject(new Error(`no log line matching ${pattern}; stderr:\n${err}`)));
      const done = (settle: () => void) => {
        errGrew.off("data", look).off("close", ended);
        settle();
      };
      errGrew.on("data", look).on("close", ended);
      look();
      if (child.stderr!.readableEnded || child.stderr!.destroyed) ended();
    });
  const bot: BotProcess = {
    child,
    dir,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForLog,
    healthz: async () => `${JSON.parse(await waitForLog(/http server listening/)).url}/healthz`,
    cleanup: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
  started.add(bot);
  return bot;
}

/** Every process descending from `pid` (children, grandchildren…), from `ps`. */
export function descendants(pid: number): number[] {
  const table = execFileSync("ps", ["-A", "-o", "pid=,ppid="], { encoding: "utf8" })
    .trim()
    .split("\n")
    .map((l) => l.trim().split(/\s+/).map(Number) as [number, number]);
  const found: number[] = [];
  const walk = (parent: number) => {
    for (const [child, ppid] of table) if (ppid === parent) found.push(child), walk(child);
  };
  walk(pid);
  return found;
}

/** True while a process with this id exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A Bot API root on 127.0.0.1 where nothing listens: connections are refused. */
export async function refusingApiRoot(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

/** A server on 127.0.0.1 that accepts connections and never answers. */
export async function silentServer(): Promise<{ url: string; connections: () => number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let count = 0;
  const server: Server = createServer((socket) => {
    count++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => count,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
