import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { sqliteFile } from "../../src/store/open.ts";
import { BIN, cleanEnv, cleanUpAfterEach, startBotProcess, type BotProcess } from "../helpers/bot-process.ts";
import {
  diedWithRowInTheLog,
  overwritePage,
  pageCount,
  ranBefore,
  rootPage,
  SUBSCRIBERS,
  truncateToHalf,
} from "../helpers/damaged-database.ts";

/**
 * `article-bot start` on a database that would lose or break what the bot
 * kept — missing, 0 bytes, damaged — as the operator meets it: exit code 1,
 * one line on stderr naming the file, what is wrong and how to restore it,
 * and the file left exactly as it was. A new install still starts without
 * a word; a restore brings the bot back.
 */

const exec = promisify(execFile);
cleanUpAfterEach();

/** A test here starts up to two bot processes and runs the CLI twice: room for the busy 2-core machine. */
const TEST_MS = 120_000;

/** The data folder of a bot process. */
const dataOf = (dir: string) => path.join(dir, "data");

/** The one line the bot wrote for the operator (its JSON log lines aside). */
function operatorLines(bot: BotProcess): string[] {
  return bot
    .stderr()
    .split("\n")
    .filter((line) => line.startsWith("article-bot:"));
}

/** Subscriptions in the database of the data folder `dataDir`. */
function subscriptions(dataDir: string): number {
  const db = new Database(sqliteFile(dataDir), { readonly: true });
  try {
    return (db.prepare("SELECT count(*) AS n FROM subscriptions").get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** Run `article-bot <args>` to the end; resolves to its exit code and output. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [BIN, ...args], { env: cleanEnv({ LOG_LEVEL: "silent" }) });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("start on a database that is missing or empty where the bot kept one", { timeout: TEST_MS }, () => {
  it("refuses a 0-byte database: exit 1, one line naming the file and `article-bot restore`; the file stays 0 bytes", async () => {
    let file = "";
    const bot = await startBotProcess({
      prepare: async (dir) => {
        file = await ranBefore(dataOf(dir));
        writeFileSync(file, "");
      },
    });
    const { code } = await bot.exited;
    expect(code).toBe(1);
    expect(operatorLines(bot)).toEqual([
      `article-bot: could not start: database ${file} is empty (0 bytes), but the bot has kept its database there before (article-bot.sqlite.expected): ` +
        `restore the last backup with \`article-bot restore <backup> --data ${dataOf(bot.dir)}\`, or start once with \`article-bot start --new-database\` to begin again with no subscribers`,
    ]);
    expect(statSync(file).size).toBe(0);
    expect(readdirSync(dataOf(bot.dir)).filter((f) => f.startsWith("article-bot.sqlite"))).toEqual([
      "article-bot.sqlite",
      "article-bot.sqlite.expected",
    ]);
  });

  it("refuses a missing database, and creates none", async () => {
    let file = "";
    const bot = await startBotProcess({
      prepare: async (dir) => {
        file = await ranBefore(dataOf(dir));
        // Deleted by hand, or lost with the volume it was on: only the marker is left.
        await rm(file);
      },
    });
    const { code } = await bot.exited;
    expect(code).toBe(1);
    expect(operatorLines(bot)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^article-bot: could not start: database ${file} is missing, but the bot has kept its database there before .*article-bot restore <backup>`,
        ),
      ),
    ]);
    expect(existsSync(file)).toBe(false);
  });

  it("starts with --new-database on an empty database, saying so in a warning, with no subscribers", async () => {
    let file = "";
    const bot = await startBotProcess({
      args: ["--new-database"],
      prepare: async (dir) => {
        file = await ranBefore(dataOf(dir));
        writeFileSync(file, "");
      },
    });
    const warning = JSON.parse(await bot.waitForLog(/--new-database/));
    expect(warning).toMatchObject({
      level: 40,
      file,
      msg: "the database is empty (0 bytes); starting with a new, empty one as --new-database asks",
    });
    await bot.waitForLog(/push scheduler started/);
    expect(subscriptions(dataOf(bot.dir))).toBe(0);
  });

  it("a new install (no database, no marker) starts without a word about the database, and leaves the marker", async () => {
    const bot = await startBotProcess();
    await bot.waitForLog(/push scheduler started/);
    expect(bot.stderr()).not.toMatch(/"level":(40|50)/);
    expect(readFileSync(`${sqliteFile(dataOf(bot.dir))}.expected`, "utf8")).toContain(
      "article-bot start --new-database",
    );
  });
});

/** The ways a database is found damaged, each left by a real SQLite database of a bot that ran. */
const damages: Array<[string, (file: string) => void]> = [
  // The case: it opened fine, then every push claim failed each minute.
  [
    "the root page of the index every push claim uses overwritten with garbage",
    (file) => overwritePage(file, rootPage(file, "sqlite_autoindex_deliveries_1")),
  ],
  ["a page in the middle overwritten with garbage", (file) => overwritePage(file, Math.ceil(pageCount(file) / 2))],
  ["the file truncated to half its pages", truncateToHalf],
  ["its first page (the header) overwritten with garbage", (file) => overwritePage(file, 1)],
];

describe("start on a damaged database", { timeout: TEST_MS }, () => {
  it.each(damages)(
    "%s: exit 1, one line saying it is damaged and how to restore; the file is left byte for byte",
    async (_, damage) => {
      let file = "";
      let damaged = Buffer.alloc(0);
      const bot = await startBotProcess({
        prepare: async (dir) => {
          file = await ranBefore(dataOf(dir));
          damage(file);
          damaged = readFileSync(file);
        },
      });
      const { code } = await bot.exited;
      expect(code).toBe(1);
      expect(operatorLines(bot)).toEqual([
        expect.stringMatching(
          new RegExp(
            `^article-bot: could not start: database ${file} is (damaged|not an SQLite database) \\(.+\\): restore the last backup with \`article-bot restore <backup> --data ${dataOf(bot.dir)}\` ` +
              "\\(the damaged file is kept as article-bot.sqlite.before-restore\\)$",
          ),
        ),
      ]);
      expect(readFileSync(file).equals(damaged)).toBe(true);
      // The read-only check leaves SQLite's empty log behind at most: nothing that would change the file when opened.
      expect(existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0).toBe(0);
    },
  );

  it("a damaged database with rows only in its write-ahead log: refused, and the file and its log are left byte for byte", async () => {
    let file = "";
    let damaged = Buffer.alloc(0);
    let log: Buffer = Buffer.alloc(0);
    const bot = await startBotProcess({
      prepare: async (dir) => {
        file = await ranBefore(dataOf(dir));
        log = diedWithRowInTheLog(file, "only-in-the-log");
        overwritePage(file, 1);
        damaged = readFileSync(file);
      },
    });
    expect((await bot.exited).code).toBe(1);
    expect(operatorLines(bot)).toEqual([
      expect.stringContaining(
        `could not start: database ${file} is not an SQLite database (file is not a database): restore`,
      ),
    ]);
    expect(readFileSync(file).equals(damaged)).toBe(true);
    expect(readFileSync(`${file}-wal`).equals(log)).toBe(true);
  });

  it.each(damages)(
    "%s: after `article-bot restore <backup>` as the line says, starts with every subscriber back; the damaged file is kept",
    async (_, damage) => {
      let file = "";
      let damaged = Buffer.alloc(0);
      let backup = "";
      const refused = await startBotProcess({
        prepare: async (dir) => {
          file = await ranBefore(dataOf(dir));
          backup = path.join(dir, "bot.backup");
          expect((await cli(["backup", backup, "--data", dataOf(dir)])).code).toBe(0);
          damage(file);
          damaged = readFileSync(file);
        },
      });
      expect((await refused.exited).code).toBe(1);
      const restore = operatorLines(refused)[0]!.match(/`article-bot restore <backup> --data (.+?)`/)![1]!;
      const restored = await cli(["restore", backup, "--data", restore]);
      expect(restored).toMatchObject({ code: 0, stderr: "" });
      expect(restored.stdout).toContain(
        `restored ${SUBSCRIBERS} daily-image subscriptions, 0 new-article subscriptions, ${3 * SUBSCRIBERS} deliveries`,
      );
      expect(readFileSync(`${file}.before-restore`).equals(damaged)).toBe(true);

      const bot = await startBotProcess({
        prepare: (dir) => cp(dataOf(refused.dir), dataOf(dir), { recursive: true }),
      });
      await bot.waitForLog(/push scheduler started/);
      expect(subscriptions(dataOf(bot.dir))).toBe(SUBSCRIBERS);
    },
  );

  it("restore keeps a damaged database's write-ahead log beside its copy, under the name SQLite looks for: the rows only it holds are not lost", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "article-bot-damaged-wal-"));
    try {
      const file = await ranBefore(dir);
      const backup = path.join(dir, "bot.backup");
      expect((await cli(["backup", backup, "--data", dir])).code).toBe(0);
      const log = diedWithRowInTheLog(file, "only-in-the-log");
      overwritePage(file, 1);

      expect(await cli(["restore", backup, "--data", dir])).toMatchObject({ code: 0, stderr: "" });
      expect(readFileSync(`${file}.before-restore-wal`).equals(log)).toBe(true);
      expect(existsSync(`${file}-wal`)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
