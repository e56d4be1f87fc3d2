/**
 * deploy/smoke.sh's work: the container image's runtime steps, read from
 * the Dockerfile, performed in a temporary root folder that stands for the
 * image's file system (`/app` → `<root>/app`, `/data` → `<root>/data`).
 * Exits 0 when the bot became healthy, stopped on SIGTERM and left its
 * database in the data folder; 1 with the reason and the bot's output.
 */
import { execFile, spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { readDockerIgnore, readImageSteps, type ContextCopy, type DockerIgnore } from "./dockerfile.ts";

const REPO = fileURLToPath(new URL("..", import.meta.url));
const HEALTHY_WITHIN_MS = 30_000;
const STOPPED_WITHIN_MS = 10_000;
const INSTALL_TIMEOUT_MS = 15 * 60_000;

class SmokeFailure extends Error {}

function log(line: string): void {
  process.stdout.write(`smoke: ${line}\n`);
}

async function main(): Promise<void> {
  const steps = readImageSteps(path.join(REPO, "Dockerfile"));
  const ignore = readDockerIgnore(path.join(REPO, ".dockerignore"));
  const root = mkdtempSync(path.join(os.tmpdir(), "article-bot-smoke-"));
  const inRoot = (p: string) => path.join(root, p);
  try {
    for (const copy of steps.copies) copyFromContext(copy, inRoot, ignore);
    log(`copied ${steps.copies.flatMap((c) => c.sources).join(", ")} into ${root}`);

    for (const { command, workdir } of steps.runs) {
      // System packages and file ownership are root's work in the image; npm's is the same here.
      if (!command.startsWith("npm ")) {
        log(`skipped RUN ${command.split(" ").slice(0, 2).join(" ")} … (system level, done by the image build)`);
        continue;
      }
      const started = performance.now();
      const result = spawnSync("sh", ["-c", command], {
        cwd: inRoot(workdir),
        stdio: "inherit",
        timeout: INSTALL_TIMEOUT_MS,
      });
      if (result.status !== 0)
        throw new SmokeFailure(`RUN ${command} failed (${result.error?.message ?? `exit ${result.status}`})`);
      log(`RUN ${command}: ${seconds(performance.now() - started)}`);
    }

    const port = await freePort();
    // The image's ENV, its paths moved under the root; a free port, on loopback, since there is no container around it.
    const env: NodeJS.ProcessEnv = {
      PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ""}`,
      HOME: inRoot("home"),
      ...Object.fromEntries(Object.entries(steps.env).map(([k, v]) => [k, v.startsWith("/") ? inRoot(v) : v])),
      HTTP_PORT: String(port),
      HTTP_HOST: "127.0.0.1",
    };
    mkdirSync(inRoot("home"));
    await runBot(steps.cmd, steps.healthcheck, { cwd: inRoot(steps.workdir), env });

    const database = path.join(env.DATA_DIR ?? "", "article-bot.sqlite");
    if (!existsSync(database)) throw new SmokeFailure(`no database at ${database} after the run`);
    log(`the data folder holds the database (${path.relative(root, database)})`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** `COPY src… dest` from the repository, leaving out what .dockerignore keeps out of the build context. */
function copyFromContext(copy: ContextCopy, inRoot: (p: string) => string, ignore: DockerIgnore): void {
  const intoDir = copy.sources.length > 1 || copy.dest.endsWith("/");
  for (const source of copy.sources) {
    if (!ignore.included.includes(source))
      throw new SmokeFailure(`COPY ${source}: .dockerignore keeps it out of the build context`);
    const target = inRoot(intoDir ? path.join(copy.dest, path.basename(source)) : copy.dest);
    cpSync(path.join(REPO, source), target, {
      recursive: true,
      filter: (from) => !ignore.excludedNames.some((re) => re.test(path.basename(from))),
    });
  }
}

/** Start the bot as CMD does, wait for HEALTHCHECK to pass, send SIGTERM, wait for the exit. */
async function runBot(
  cmd: string[],
  healthcheck: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<void> {
  const [file = "", ...args] = cmd;
  let output = "";
  // stdin stays open: with no platform configured the bot is the console chat, as under `docker run -i`.
  const bot = spawn(file, args, { ...options, stdio: ["pipe", "pipe", "pipe"] });
  const record = (chunk: Buffer) => void (output = (output + chunk.toString()).slice(-8000));
  bot.stdout.on("data", record);
  bot.stderr.on("data", record);
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    bot.once("exit", (code, signal) => resolve({ code, signal })),
  );
  let exit: { code: number | null; signal: string | null } | undefined;
  void exited.then((e) => (exit = e));
  const started = performance.now();
  try {
    while (!(await healthy(healthcheck, options))) {
      if (exit) throw new SmokeFailure(`the bot exited before it was healthy (${exit.signal ?? `code ${exit.code}`})`);
      if (performance.now() - started > HEALTHY_WITHIN_MS)
        throw new SmokeFailure(`HEALTHCHECK did not pass within ${HEALTHY_WITHIN_MS / 1000} s`);
      await sleep(500);
    }
    log(`HEALTHCHECK passed ${seconds(performance.now() - started)} after the start`);
    const stopping = performance.now();
    bot.kill("SIGTERM");
    const timeout = sleep(STOPPED_WITHIN_MS, undefined, { ref: false });
    const ended = await Promise.race([exited, timeout]);
    if (!ended) throw new SmokeFailure(`the bot did not exit within ${STOPPED_WITHIN_MS / 1000} s of SIGTERM`);
    if (ended.code !== 0)
      throw new SmokeFailure(`the bot exited with ${ended.signal ?? `code ${ended.code}`} on SIGTERM`);
    log(`SIGTERM: exited with code 0 after ${seconds(performance.now() - stopping)}`);
  } catch (err) {
    if (err instanceof SmokeFailure) err.message += `\n--- the bot's last output ---\n${output}`;
    throw err;
  } finally {
    if (!exit) bot.kill("SIGKILL");
  }
}

/** Run the HEALTHCHECK command once: healthy when it exits 0 within its 5 s. */
function healthy(command: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<boolean> {
  const [file = "", ...args] = command;
  return new Promise((resolve) => execFile(file, args, { ...options, timeout: 5_000 }, (err) => resolve(!err)));
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

main().then(
  () => log("ok"),
  (err: unknown) => {
    process.stdout.write(
      `smoke: FAILED: ${err instanceof SmokeFailure ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exitCode = 1;
  },
);
