/**
 * What can be checked of the container image, compose file and systemd
 * unit without a container daemon (none is reachable in CI); the runtime
 * steps themselves run in deploy/smoke.sh, which .ci/run calls.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import yaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { readDockerIgnore, readImageSteps } from "../../deploy/dockerfile.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const read = (file: string) => readFileSync(`${ROOT}${file}`, "utf8");
const image = readImageSteps(`${ROOT}Dockerfile`);
const ignore = readDockerIgnore(`${ROOT}.dockerignore`);
const pkg = JSON.parse(read("package.json")) as { engines: { node: string }; bin: Record<string, string> };
const readme = read("README.md");

interface ComposeService {
  build?: string;
  image?: string;
  init?: boolean;
  restart?: string;
  profiles?: string[];
  env_file?: Array<{ path: string; required?: boolean }>;
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  depends_on?: Record<string, { condition: string; required?: boolean }>;
  healthcheck?: { test: string[] };
}
const compose = yaml.safeLoad(read("compose.yaml")) as {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
};
const bot = compose.services["article-bot"]!;
const postgres = compose.services.postgres!;

/** `value` with Compose's `${NAME:-default}` interpolated from `env` (the only form compose.yaml uses for the bot). */
function interpolated<T>(value: T, env: Record<string, string>): T {
  return JSON.parse(
    JSON.stringify(value).replace(
      /\$\{(\w+):-([^}]*)\}/g,
      (_, name: string, fallback: string) => env[name] || fallback,
    ),
  ) as T;
}

/** The lines of one README section (from its `## title` to the next `## `). */
function readmeSection(title: string): string {
  const start = readme.indexOf(`\n## ${title}\n`);
  expect(start, `README has a "${title}" section`).toBeGreaterThan(0);
  const end = readme.indexOf("\n## ", start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

/** Code blocks of a README section. */
function codeBlocks(section: string): string[] {
  return [...section.matchAll(/```(?:sh|bash|console)?\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

describe("the Dockerfile", () => {
  const [build, runtime] = [image.stages[0]!, image.stages.at(-1)!];

  it("builds in two stages on Debian slim Node images of the major package.json's engines asks for", () => {
    expect(image.stages).toHaveLength(2);
    const major = /^>=\s*(\d+)\./.exec(pkg.engines.node)?.[1];
    expect(major).toBeDefined();
    for (const stage of image.stages) expect(stage.image).toBe(`node:${major}-bookworm-slim`);
    expect(build.name).toBe("build");
  });

  it("has the compilers better-sqlite3 may need in the build stage only, and git for sync at run time", () => {
    const installs = (stage: typeof build) =>
      stage.instructions
        .filter((i) => i.keyword === "RUN")
        .map((i) => i.args)
        .join("\n");
    for (const tool of ["python3", "make", "g++"])
      expect(installs(build)).toMatch(new RegExp(`apt-get install .*\\b${tool.replace("+", "\\+")}`));
    expect(installs(runtime)).not.toMatch(/python3|g\+\+|\bmake\b/);
    // `article-bot sync` runs git.
    expect(installs(runtime)).toMatch(/apt-get install .*\bgit\b.*\bca-certificates\b/);
    expect(
      runtime.instructions.filter((i) => i.keyword === "COPY" && i.args.startsWith("--from=build")).map((i) => i.args),
    ).toEqual(["--from=build /app /app"]);
  });

  it("installs production dependencies only, from the lockfile", () => {
    expect(image.runs.filter((r) => r.command.startsWith("npm ")).map((r) => r.command)).toEqual([
      "npm ci --omit=dev --no-audit --no-fund",
    ]);
  });

  it("copies only files that exist and that .dockerignore lets through", () => {
    const sources = image.copies.flatMap((c) => c.sources);
    expect(sources).toEqual(
      expect.arrayContaining(["package.json", "package-lock.json", "bin", "src", "adapters", "data/articles"]),
    );
    for (const source of sources) {
      expect(existsSync(`${ROOT}${source}`), `${source} exists`).toBe(true);
      expect(ignore.included, `.dockerignore lets ${source} through`).toContain(source);
    }
    // Local state and secrets never enter the image.
    for (const name of [
      ".article-bot-cache",
      "article-bot.sqlite",
      "article-bot.sqlite-wal",
      "article-bot.sqlite.expected",
      "article-bot.sqlite.before-restore",
      "article-bot.memory-card.json",
    ]) {
      expect(
        ignore.excludedNames.some((re) => re.test(name)),
        `${name} is kept out`,
      ).toBe(true);
    }
    expect(read(".dockerignore").split("\n"), "everything else is left out").toContain("*");
  });

  it("runs as the unprivileged node user, with every piece of state on the /data volume", () => {
    expect(image.user).toBe("node");
    expect(image.volumes).toEqual(["/data"]);
    expect(image.env.DATA_DIR).toBe("/data");
    expect(image.copies.find((c) => c.sources.includes("data/articles"))?.dest).toBe("/data/articles");
  });

  it("exposes the health port and checks /healthz on it, listening where a published port reaches it", () => {
    expect(image.exposed).toEqual([Number(image.env.HTTP_PORT)]);
    expect(image.env.HTTP_HOST).toBe("0.0.0.0");
    expect(image.healthcheck[0]).toBe("node");
    expect(image.healthcheck.join(" ")).toMatch(/127\.0\.0\.1:\$\{process\.env\.HTTP_PORT\}\/healthz/);
    expect(runtime.instructions.find((i) => i.keyword === "HEALTHCHECK")?.args).toMatch(/--timeout=\d+s/);
  });

  it("starts the bot with node itself, so docker stop's SIGTERM reaches it (no npm, no shell in between)", () => {
    expect(image.cmd).toEqual(["node", pkg.bin["article-bot"], "start"]);
    expect(existsSync(`${ROOT}${image.cmd[1]}`)).toBe(true);
  });
});

describe("compose.yaml", () => {
  it("runs the image with its volume, restarts it, and reads secrets from .env", () => {
    expect(bot).toMatchObject({ build: ".", init: true, restart: "unless-stopped" });
    expect(bot.env_file).toEqual([{ path: ".env", required: false }]);
    expect(bot.volumes).toEqual([`article-bot-data:${image.volumes[0]}`]);
    expect(compose.volumes).toHaveProperty("article-bot-data");
    expect(interpolated(bot.environment, {})).toMatchObject({
      DATA_DIR: image.env.DATA_DIR,
      HTTP_PORT: image.env.HTTP_PORT,
      HTTP_HOST: "0.0.0.0",
    });
    expect(interpolated(bot.ports, {})).toEqual([`127.0.0.1:${image.env.HTTP_PORT}:${image.exposed[0]}`]);
  });

  it("takes HTTP_PORT from .env, as .env.example says: the port the bot listens on and the published one move together", () => {
    expect(read(".env.example")).toMatch(/^# HTTP_PORT=9464$/m);
    const dotEnv = { HTTP_PORT: "8080" }; // what Compose reads from .env to interpolate the file
    expect(interpolated(bot.environment, dotEnv)).toMatchObject({ HTTP_PORT: "8080" });
    expect(interpolated(bot.ports, dotEnv)).toEqual(["127.0.0.1:8080:8080"]);
  });

  it("adds PostgreSQL in the postgres profile, which the bot waits for only when it is there", () => {
    expect(postgres.profiles).toEqual(["postgres"]);
    expect(postgres.environment).toMatchObject({ POSTGRES_USER: "article_bot", POSTGRES_DB: "article_bot" });
    expect(postgres.healthcheck?.test.join(" ")).toContain("pg_isready");
    expect(bot.depends_on).toEqual({ postgres: { condition: "service_healthy", required: false } });
  });

  it("is not undone by a copy of .env.example: it leaves the image's own settings alone", () => {
    const set = read(".env.example")
      .split("\n")
      .filter((l) => /^[A-Z_]+=/.test(l))
      .map((l) => l.split("=")[0]);
    for (const key of Object.keys(image.env)) expect(set, `${key} is the image's`).not.toContain(key);
  });

  it("is switched to that server by the DATABASE_URL that .env.example and the README give", () => {
    const { POSTGRES_USER, POSTGRES_DB } = postgres.environment!;
    const url = `postgres://${POSTGRES_USER}:<POSTGRES_PASSWORD>@postgres:5432/${POSTGRES_DB}`;
    expect(read(".env.example")).toContain(`# DATABASE_URL=${url}`);
    expect(readmeSection("Deploy")).toContain(`DATABASE_URL=${url}`);
  });
});

describe("the systemd unit", () => {
  const unit = read("deploy/article-bot.service");
  const setting = (key: string) => [...unit.matchAll(new RegExp(`^${key}=(.*)$`, "gm"))].map((m) => m[1]);

  it("runs the bot directly from an env file, restarting it on failure", () => {
    expect(setting("EnvironmentFile")).toEqual(["/etc/article-bot/env"]);
    expect(setting("ExecStart")).toEqual([
      `/usr/bin/env node ${pkg.bin["article-bot"]} start --data /var/lib/article-bot`,
    ]);
    expect(setting("Restart")).toEqual(["on-failure"]);
  });

  it("runs the node on the PATH, wherever it was installed (not a fixed /usr/bin/node)", () => {
    const [command = "", ...args] = setting("ExecStart")[0]!.split(" ");
    const found = execFileSync(command, [...args.slice(0, 1), "--version"], {
      env: { PATH: path.dirname(process.execPath) },
      encoding: "utf8",
    });
    expect(found.trim()).toBe(process.version);
  });

  it("is sandboxed: read-only system but for the data directory, private /tmp, no new privileges", () => {
    expect(setting("NoNewPrivileges")).toEqual(["true"]);
    expect(setting("ProtectSystem")).toEqual(["strict"]);
    expect(setting("PrivateTmp")).toEqual(["true"]);
    expect(setting("ReadWritePaths")).toEqual(["/var/lib/article-bot"]);
    expect(setting("StateDirectory")).toEqual(["article-bot"]);
  });
});

describe("the README's Deploy section", () => {
  const deploy = readmeSection("Deploy");
  const blocks = codeBlocks(deploy);

  it("gives container, compose and systemd in at most 10 lines each", () => {
    expect(blocks).toHaveLength(3);
    for (const block of blocks) expect(block.trim().split("\n").length).toBeLessThanOrEqual(10);
  });

  it("uses the image's volume, port and start command", () => {
    const [docker = "", composeBlock = "", systemd = ""] = blocks;
    expect(docker).toContain("docker build -t article-bot .");
    expect(docker).toContain(`-v article-bot-data:${image.volumes[0]}`);
    expect(docker).toContain(`-p 127.0.0.1:${image.exposed[0]}:${image.exposed[0]}`);
    expect(docker).toContain("--env-file .env");
    expect(composeBlock).toContain("docker compose up -d");
    expect(composeBlock).toContain("docker compose --profile postgres up -d");
    expect(systemd).toContain("deploy/article-bot.service");
    expect(systemd).toContain("npm ci --omit=dev");
  });

  it("says the image is built from the steps deploy/smoke.sh runs in CI", () => {
    expect(deploy).toContain("deploy/smoke.sh");
    expect(read(".ci/run")).toMatch(/bash deploy\/smoke\.sh/);
    expect(statSync(`${ROOT}deploy/smoke.sh`).mode & 0o111).not.toBe(0);
  });
});
