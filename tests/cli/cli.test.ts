import { execFile } from "node:child_process";
import { copyFile, cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { BIN, cleanEnv, REPO, startBotProcess } from "../helpers/bot-process.ts";
import { fixtureLibrary } from "../helpers/bot.ts";

/** The command line as an operator meets it: flags, usage, `.env`, the terminal chat. */

const exec = promisify(execFile);
let dir = "";
let library = "";

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "article-bot-cli-flags-"));
  library = path.join(dir, "library");
  await cp(fixtureLibrary(), library, { recursive: true });
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

/** Run `article-bot …` in `cwd` with a clean environment; resolves to exit code and output. */
async function cli(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  try {
    const { stdout, stderr } = await exec(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? dir,
      env: cleanEnv({ LOG_LEVEL: "silent", ...options.env }),
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("flags", () => {
  it("--version prints the version", async () => {
    const { code, stdout } = await cli(["--version"]);
    expect(code).toBe(0);
    expect(stdout).toBe("article-bot 0.1.0\n");
  });

  it("--help lists every command and flag", async () => {
    const { code, stdout } = await cli(["--help"]);
    expect(code).toBe(0);
    for (const flag of [
      "start",
      "search",
      "import",
      "migrate-db",
      "--data",
      "--json",
      "--limit",
      "--list",
      "--no-list",
      "--out",
      "--from",
      "--to",
      "--new-database",
      "--version",
      "--help",
    ]) {
      expect(stdout).toContain(flag);
    }
  });

  it.each([["start"], ["search"], ["import"], ["sync"], ["backup"], ["restore"], ["migrate-db"]])(
    "%s --help describes every flag of its usage line",
    async (command) => {
      const { code, stdout } = await cli([command, "--help"]);
      expect(code).toBe(0);
      const [usage = "", ...rest] = stdout.split("\n");
      const flags = [...new Set(usage.match(/--[a-z-]+/g))];
      expect(flags.length).toBeGreaterThan(0);
      for (const flag of flags)
        expect(
          rest.some((line) => line.trimStart().startsWith(`${flag} `)),
          `${command} ${flag}`,
        ).toBe(true);
    },
  );

  it.each([["start"], ["search"], ["import"], ["migrate-db"]])(
    "%s with an unknown flag: the problem, the command's usage, exit 2",
    async (command) => {
      const { code, stderr } = await cli([command, "--bogus"]);
      expect(code).toBe(2);
      expect(stderr).toContain("Unknown option '--bogus'");
      expect(stderr).toContain(`usage: article-bot ${command}`);
    },
  );

  it("--data that does not exist is one line naming it, exit 2", async () => {
    const missing = path.join(dir, "no-such-dir");
    const { code, stderr } = await cli(["start", "--data", missing]);
    expect(code).toBe(2);
    expect(stderr).toBe(`article-bot: --data ${missing}: no such directory\n`);
  });

  it("import without --list fails up front; --no-list imports nothing dated and reports every backup as skipped", async () => {
    const backups = path.join(REPO, "tests/fixtures/importer/backups");
    const refused = await cli(["import", backups, "--out", path.join(dir, "out")]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("missing --list <list-page.md>");
    const out = path.join(dir, "out-no-list");
    const run = await cli(["import", backups, "--no-list", "--out", out]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/imported: 0/i);
  });

  it("RATE_LIMIT_BURST=0 or RATE_LIMIT_PER_MINUTE=0 switch flood protection off", () => {
    expect(loadConfig({ RATE_LIMIT_BURST: "0" }).rateLimit).toBeUndefined();
    expect(loadConfig({ RATE_LIMIT_PER_MINUTE: "0" }).rateLimit).toBeUndefined();
    expect(loadConfig({}).rateLimit).toEqual({ burst: 6, perMinute: 20 });
  });
});

describe(".env in the working directory", () => {
  it("is read at start; variables set in the environment win", async () => {
    const cwd = await mkdtemp(path.join(dir, "env-"));
    await writeFile(
      path.join(cwd, ".env"),
      `# the library\nDATA_DIR=${path.join(dir, "nowhere")}\nPUSH_CRON=30 7 * * *\n`,
    );
    const fromEnvFile = await cli(["search", "墨荷", "--json"], { cwd });
    expect(fromEnvFile.code).toBe(1);
    expect(fromEnvFile.stderr).toContain("nowhere");
    const realEnvWins = await cli(["search", "墨荷", "--json"], { cwd, env: { DATA_DIR: library } });
    expect(JSON.parse(realEnvWins.stdout).results[0].title).toBe("独一无二");
  });
});

describe("the terminal chat", () => {
  it("says the library is loading before it is ready, and how far the first index build has come (on stderr)", async () => {
    const bot = await startBotProcess({ env: { LOG_LEVEL: "warn", HTTP_PORT: "" }, input: "墨荷\n" });
    try {
      expect((await bot.exited).code).toBe(0);
      const out = bot.stdout();
      expect(out.startsWith("article-bot 正在载入文章库，请稍候…\n")).toBe(true);
      expect(out.indexOf("article-bot 已启动")).toBeLessThan(out.indexOf("找到 1 篇与「墨荷」相关的文章"));
      expect(bot.stderr()).toContain("正在建立索引 0/4…\n");
      expect(bot.stderr()).toContain("索引已建立：4 篇\n");
    } finally {
      await bot.cleanup();
    }
  });

  it("loads the shipped .env.example as .env, and answers all 50 piped lines: no flood limit for the operator", async () => {
    const lines = Array.from({ length: 50 }, () => "帮助");
    const bot = await startBotProcess({
      env: { LOG_LEVEL: "warn", HTTP_PORT: "" },
      input: `${lines.join("\n")}\n`,
      prepare: (d) => copyFile(path.join(REPO, ".env.example"), path.join(d, ".env")),
    });
    try {
      const { code } = await bot.exited;
      expect(code).toBe(0);
      expect(bot.stdout().split("我可以帮你找文章").length - 1).toBe(50);
      expect(bot.stdout()).not.toContain("消息有点多");
      expect(bot.stdout()).not.toContain("你> ");
    } finally {
      await bot.cleanup();
    }
  });

  it("with .env.example's LOG_LEVEL=info, logs only warnings and errors: no info line between the answers", async () => {
    const bot = await startBotProcess({
      env: { HTTP_PORT: "" },
      input: "墨荷\n",
      prepare: (d) => copyFile(path.join(REPO, ".env.example"), path.join(d, ".env")),
    });
    try {
      expect((await bot.exited).code).toBe(0);
      expect(bot.stdout()).toContain("找到 1 篇与「墨荷」相关的文章");
      const logLines = bot
        .stderr()
        .split("\n")
        .filter((l) => l.startsWith("{"));
      expect(logLines.filter((l) => JSON.parse(l).level < 40)).toEqual([]);
    } finally {
      await bot.cleanup();
    }
  });

  it("with HTTP_PORT set, the end of its input ends only the chat: one line says so, the web pages go on until SIGTERM", async () => {
    const bot = await startBotProcess({ input: "墨荷\n" }); // HTTP_PORT=0, LOG_LEVEL=info; stdin ends after one line
    try {
      const line = JSON.parse(await bot.waitForLog(/terminal chat ended/));
      expect(line.msg).toBe(
        `terminal chat ended (console input closed); the bot goes on serving the web pages at ${line.url}`,
      );
      expect(bot.stdout()).toContain("找到 1 篇与「墨荷」相关的文章");
      expect((await fetch(`${line.url}/healthz`)).status).toBe(200);
      expect(await (await fetch(`${line.url}/?q=${encodeURIComponent("墨荷")}`)).text()).toContain("独一无二");
      expect(bot.child.exitCode).toBeNull();
      bot.child.kill("SIGTERM");
      expect((await bot.exited).code).toBe(0);
    } finally {
      await bot.cleanup();
    }
  });
});
