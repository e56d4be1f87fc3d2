/**
 * The hard exit behind every SIGTERM spec (tests/cli/start-process.test.ts
 * checks that a stop did not need it): a stop that hangs still ends the
 * process, by the bot's own timer, saying so. Here the timer is 0.2 s
 * instead of 9 s, in a child process that never stops by itself.
 */
import { execFile } from "node:child_process";
import { describe, expect, it } from "vitest";
import { REPO } from "../helpers/bot-process.ts";

const HANGS = `
  const { Shutdown } = await import("./src/cli/shutdown.ts");
  new Shutdown(200);
  process.stdout.write("ready\\n");
  setInterval(() => {}, 1000); // a stop that never finishes
`;

describe("the hard exit", () => {
  it("ends a process whose stop hangs after SIGTERM, with the request's exit code and one line saying so", async () => {
    const child = execFile(process.execPath, ["--import", "tsx", "--input-type=module", "-e", HANGS], { cwd: REPO });
    let err = "";
    child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
    await new Promise<void>((resolve) =>
      child.stdout!.on("data", (d: Buffer) => d.toString().includes("ready") && resolve()),
    );
    child.kill("SIGTERM");
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    expect(code).toBe(0);
    expect(err).toBe("article-bot: still stopping after 0.2 s (SIGTERM); exiting\n");
  });
});
