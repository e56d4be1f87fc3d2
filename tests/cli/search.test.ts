import { execFile } from "node:child_process";
import { cp, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixtureLibrary } from "../helpers/bot.ts";

const run = promisify(execFile);
const BIN = fileURLToPath(new URL("../../bin/article-bot.js", import.meta.url));
let dir = "";

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "article-bot-cli-"));
  await cp(fixtureLibrary(), dir, { recursive: true });
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

async function cli(args: string[], input?: string): Promise<string> {
  const child = run(process.execPath, [BIN, ...args], { env: { ...process.env, LOG_LEVEL: "silent" } });
  if (input !== undefined) child.child.stdin!.end(input);
  return (await child).stdout;
}

describe("article-bot search", () => {
  it("prints the stable JSON contract with --json", async () => {
    const json = JSON.parse(await cli(["search", "墨荷", "--data", dir, "--json"]));
    expect(json).toMatchObject({ query: "墨荷", low_confidence: false, tentative: false, total: 1 });
    expect(json.results).toEqual([
      {
        id: "ink-lotus",
        title: "独一无二",
        url: "https://mp.weixin.qq.com/s/ink-lotus",
        date: "2024-05-20",
        summary: expect.any(String),
        score: expect.any(Number),
      },
    ]);
  });

  it("reads one query per stdin line and answers one JSON line each", async () => {
    const lines = (await cli(["search", "--data", dir, "--limit", "1"], "呼吸机\n量子计算机\n\n萝卜跑起来\n"))
      .trim()
      .split("\n");
    expect(lines.map((l) => JSON.parse(l).query)).toEqual(["呼吸机", "量子计算机", "萝卜跑起来"]);
    expect(JSON.parse(lines[1]!).results).toEqual([]);
    expect(JSON.parse(lines[2]!).results[0].title).toBe("萝卜跑起来");
  });

  it("says on stderr how far a first index build has come, in plain lines when stderr is not a terminal; a start from the cache says nothing", async () => {
    const fresh = await mkdtemp(path.join(os.tmpdir(), "article-bot-cli-progress-"));
    try {
      await cp(fixtureLibrary(), fresh, { recursive: true });
      const first = await run(process.execPath, [BIN, "search", "墨荷", "--data", fresh], {
        env: { ...process.env, LOG_LEVEL: "silent" },
      });
      expect(first.stderr.split("\n")).toEqual([
        "正在建立索引 0/4…",
        "正在建立索引 1/4…",
        "正在建立索引 2/4…",
        "正在建立索引 3/4…",
        "索引已建立：4 篇",
        "",
      ]);
      expect(first.stdout).toContain("独一无二");
      const cached = await run(process.execPath, [BIN, "search", "墨荷", "--data", fresh], {
        env: { ...process.env, LOG_LEVEL: "silent" },
      });
      expect(cached.stderr).toBe("");
    } finally {
      await rm(fresh, { recursive: true, force: true });
    }
  });

  it("refuses a bad --limit with a usage error", async () => {
    await expect(cli(["search", "x", "--data", dir, "--limit", "0"])).rejects.toMatchObject({ code: 2 });
  });
});
