import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const CHILD = fileURLToPath(new URL("./open-race-child.ts", import.meta.url));
const dir = mkdtempSync(path.join(os.tmpdir(), "sqlite-race-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runChild(startAt: number, rounds: number, gapMs: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", CHILD, dir, String(startAt), String(rounds), String(gapMs)],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("exit", () => resolve(out.split("\n").filter(Boolean)));
  });
}

describe("several processes opening one new SQLite database at once", () => {
  it("all succeed: exactly one applies each migration, the others see it applied", async () => {
    const processes = 8;
    const rounds = 40;
    // Far enough ahead for every process to have started (tsx compiles first).
    const startAt = Date.now() + 8_000;
    const results = await Promise.all(Array.from({ length: processes }, () => runChild(startAt, rounds, 150)));
    const failures = results.flat().filter((line) => line !== "ok");
    expect(failures).toEqual([]);
    expect(results.flat()).toHaveLength(processes * rounds);
  });
});
