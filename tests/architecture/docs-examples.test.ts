import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

/** The code examples of docs/architecture.md are the code: each is found, comments and spacing aside, in its file. */

const doc = readFileSync(new URL("../../docs/architecture.md", import.meta.url), "utf8");
const source = (file: string) => readFileSync(new URL(`../../${file}`, import.meta.url), "utf8");

/** The first ```ts block after `heading`. */
function exampleAfter(heading: string): string {
  const from = doc.indexOf(heading);
  expect(from, heading).toBeGreaterThanOrEqual(0);
  const start = doc.indexOf("```ts\n", from) + "```ts\n".length;
  return doc.slice(start, doc.indexOf("```", start));
}

/** Code without line comments and whitespace, so a doc may annotate what the source leaves bare. */
function bare(code: string): string {
  return code.replace(/ \/\/ [^\n]*/g, "").replace(/\s+/g, "");
}

describe("docs/architecture.md", () => {
  it("shows a command entry that is in the command table as written", () => {
    expect(bare(source("src/bot/commands.ts"))).toContain(bare(exampleAfter("### Adding a command")));
  });

  it("shows an adapter module with every trait as the test platform declares it (tests/architecture/add-a-platform.test.ts runs it)", () => {
    expect(bare(source("tests/architecture/pager-platform.ts"))).toContain(bare(exampleAfter("### Adding a platform")));
  });
});
