/**
 * The README's import example, run as written (but for its scratch folder,
 * moved under a temporary directory): it imports the sample into a folder
 * of its own and the search finds the result, and it never writes into the
 * checkout — the bundled `data/articles` already holds these 41 articles,
 * and an import there rewrote all of them and added 607 listings.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { BIN, cleanEnv, REPO } from "../helpers/bot-process.ts";

const exec = promisify(execFile);
let tmp = "";
afterAll(async () => tmp && rm(tmp, { recursive: true, force: true }));

/** The `npx article-bot …` lines of the README's "Importing 小懒 backups" code block. */
async function exampleCommands(): Promise<string[][]> {
  const readme = await readFile(path.join(REPO, "README.md"), "utf8");
  const section = readme.split("### Importing 小懒 backups")[1]!;
  const block = /```sh\n([\s\S]*?)```/.exec(section)![1]!;
  return block
    .split("\n")
    .filter((line) => line.startsWith("npx article-bot "))
    .map((line) => line.slice("npx article-bot ".length).split(" "));
}

describe("the README's import example", () => {
  it("imports into a scratch folder outside the checkout, which the search then reads", async () => {
    const commands = await exampleCommands();
    expect(commands.map((c) => c[0])).toEqual(["import", "search"]);
    const out = commands[0]![commands[0]!.indexOf("--out") + 1]!;
    expect(path.relative(REPO, path.resolve(REPO, out)).startsWith("..")).toBe(true);

    tmp = await mkdtemp(path.join(os.tmpdir(), "readme-import-"));
    const scratch = path.dirname(out);
    const here = (args: string[]) => args.map((a) => a.replace(scratch, tmp));
    const bundledBefore = await readdir(path.join(REPO, "data", "articles"));
    const run = async (args: string[]) =>
      (await exec(process.execPath, [BIN, ...here(args)], { cwd: REPO, env: cleanEnv({ LOG_LEVEL: "silent" }) }))
        .stdout;

    expect(await run(commands[0]!)).toMatch(/imported: 41 \(new 41, updated 0, unchanged 0\)/);
    expect(await run(commands[1]!)).toMatch(/独一无二/);
    expect(await readdir(path.join(REPO, "data", "articles"))).toEqual(bundledBefore);
  });
});
