import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/log.ts";
import { openStore, sqliteFile } from "../../src/store/open.ts";
import { markerOf } from "../../src/store/sqlite-start-check.ts";
import { ranBefore, SUBSCRIBERS } from "../helpers/damaged-database.ts";

/** What `start` checks before it opens the SQLite database, on real files (the process's side: tests/cli/start-database.test.ts). */

const tmp = mkdtempSync(path.join(os.tmpdir(), "article-bot-start-check-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let dirs = 0;
/** A fresh data folder. */
function dataDir(): string {
  return mkdtempSync(path.join(tmp, `data-${++dirs}-`));
}

/** A logger whose lines the test reads; `onLine` hears each as it is written (pino writes synchronously). */
function recordingLog(onLine: (line: { level: number; msg: string }) => void = () => {}) {
  const lines: Array<{ level: number; msg: string }> = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const text of chunk.toString().split("\n").filter(Boolean)) {
        const line = JSON.parse(text);
        lines.push(line);
        onLine(line);
      }
      done();
    },
  });
  return {
    log: createLogger({ level: "info", destination }),
    warnings: () => lines.filter((l) => l.level >= 40).map((l) => l.msg),
  };
}

describe("opening the SQLite store at start", () => {
  it("a new install: creates the database and its marker without a warning", async () => {
    const dir = dataDir();
    const { log, warnings } = recordingLog();
    await (await openStore(loadConfig({ DATA_DIR: dir }), log)).close();
    expect(existsSync(sqliteFile(dir))).toBe(true);
    expect(existsSync(markerOf(sqliteFile(dir)))).toBe(true);
    expect(warnings()).toEqual([]);
  });

  it("a 0-byte database without a marker (a first start cut short) is a new install", async () => {
    const dir = dataDir();
    writeFileSync(sqliteFile(dir), "");
    const store = await openStore(loadConfig({ DATA_DIR: dir }), recordingLog().log);
    expect(await store.listSubscriptions()).toEqual([]);
    await store.close();
  });

  it("a database of a version before the marker opens as it is and gets its marker", async () => {
    const dir = dataDir();
    const file = await ranBefore(dir);
    rmSync(markerOf(file));
    const store = await openStore(loadConfig({ DATA_DIR: dir }), recordingLog().log);
    expect(await store.listSubscriptions()).toHaveLength(SUBSCRIBERS);
    await store.close();
    expect(existsSync(markerOf(file))).toBe(true);
  });

  it("gives up SQLite's integrity check at its time limit with a warning, and opens the database unchecked", async () => {
    const dir = dataDir();
    const file = await ranBefore(dir);
    // Rollback journal and an exclusive transaction: no reader gets in until it ends, so the check cannot finish
    // before its time limit however fast or loaded the machine; it ends once the warning is out.
    const holder = new Database(file);
    holder.pragma("journal_mode = DELETE");
    holder.exec("BEGIN EXCLUSIVE");
    const { log, warnings } = recordingLog((line) => {
      if (line.level === 40) {
        // Before the store opens the file: the warning is written synchronously, inside the check.
        holder.exec("ROLLBACK");
        holder.close();
      }
    });
    const store = await openStore(loadConfig({ DATA_DIR: dir }), log, { timeLimitMs: 1_000 });
    expect(warnings()).toEqual(["the database's integrity check did not finish within 1 s; starting without it"]);
    expect(await store.listSubscriptions()).toHaveLength(SUBSCRIBERS);
    await store.close();
  });

  it("a stop requested during the check (SIGTERM at start-up) ends it at once instead of waiting out its time limit", async () => {
    const dir = dataDir();
    const file = await ranBefore(dir);
    const holder = new Database(file);
    holder.pragma("journal_mode = DELETE");
    holder.exec("BEGIN EXCLUSIVE");
    try {
      const stop = new AbortController();
      // "opening store" is logged just before the check starts; the lock keeps the check from finishing for 10 minutes.
      const { log } = recordingLog(
        (line) => line.msg === "opening store" && setImmediate(() => stop.abort(new Error("SIGTERM"))),
      );
      await expect(
        openStore(loadConfig({ DATA_DIR: dir }), log, { timeLimitMs: 600_000, signal: stop.signal }),
      ).rejects.toThrow("SIGTERM");
    } finally {
      holder.exec("ROLLBACK");
      holder.close();
    }
  });
});
