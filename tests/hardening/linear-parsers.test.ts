import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { cleanBody, fixDashes } from "../../src/importer/clean-body.ts";
import { parseListPage } from "../../src/importer/list-page.ts";
import { parseBackup } from "../../src/importer/parse-backup.ts";
import { parseArticleFile } from "../../src/library/load.ts";
import { markdownToText } from "../../src/library/markdown.ts";
import { summarize } from "../../src/library/summarize.ts";
import { parseQuery } from "../../src/search/query.ts";
import { findSnippet } from "../../src/search/snippet.ts";

/**
 * Article files and backups are hostile input: one file must never be able
 * to stall the bot. Every parser that runs over file content must take
 * time linear in its size — here, under 200 ms for 200 KB of the input
 * that makes backtracking regexes explode.
 */
const SIZE = 200 * 1024;
const BOUND_MS = 200;
/** Fixed, so a failure reproduces on every run and in CI. */
const SEED = 20261201;

/** Units that, repeated, defeat backtracking patterns over markdown. */
const UNITS = [
  " ",
  "\t",
  "\n",
  " \n",
  "  \n",
  "\n\n",
  "[a](",
  "![a](",
  "](",
  "[",
  "(",
  "![",
  "**a**  ",
  "**a**",
  "**",
  "****",
  "__",
  "_ ",
  "*",
  "`",
  "~~",
  "<",
  "<a",
  "\\-",
  "-",
  "--",
  " - ",
  "\\",
  "#",
  "> ",
  "1. ",
  "&a;=",
  "a;_",
  "。",
  "，",
  "a",
  "墨荷",
  "http://",
  "》",
  "《",
  "出品",
  "**a** ",
  "> 禅定",
  "题图",
  "\r\n",
];

/** ~200 KB: a short prefix, then one adversarial unit (1–3 fragments) repeated, then a short suffix. */
const hostileText = fc
  .tuple(
    fc.array(fc.constantFrom(...UNITS), { minLength: 1, maxLength: 3 }),
    fc.constantFrom("", "# 标题\n", "a", "**a", "---"),
    fc.constantFrom("", "x", "\n", ")"),
  )
  .map(([unit, prefix, suffix]) => {
    const u = unit.join("");
    return prefix + u.repeat(Math.ceil(SIZE / u.length)) + suffix;
  });

/**
 * CPU time of `fn` in ms, the least of up to three runs: CPU time, not wall
 * time, because a busy CI machine takes the CPU away from the test at any
 * moment; a quadratic pattern is slow every time.
 */
async function cpuMs(fn: () => unknown): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < 3 && best >= BOUND_MS; i++) {
    const started = process.cpuUsage();
    await fn();
    const used = process.cpuUsage(started);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  return best;
}

const dir = mkdtempSync(path.join(tmpdir(), "linear-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const query = parseQuery("墨荷 照相机");

const parsers: Array<[string, (text: string) => unknown]> = [
  ["parseBackup (import)", (t) => parseBackup(t, "标题")],
  ["cleanBody (import)", cleanBody],
  ["fixDashes (import)", fixDashes],
  ["parseListPage (import)", parseListPage],
  ["markdownToText", markdownToText],
  ["summarize", summarize],
  ["findSnippet (search replies)", (t) => findSnippet(t, query)],
];

describe(`every parser of file content is linear: 200 KB of hostile text in < ${BOUND_MS} ms`, () => {
  for (const [name, parse] of parsers) {
    it(name, async () => {
      await fc.assert(
        fc.asyncProperty(hostileText, async (text) => {
          expect(await cpuMs(() => parse(text))).toBeLessThan(BOUND_MS);
        }),
        { seed: SEED, numRuns: 25 },
      );
    });
  }

  it("loading an article file (front matter, validation, summary)", async () => {
    await fc.assert(
      fc.asyncProperty(hostileText, fc.boolean(), async (text, inSummary) => {
        const file = path.join(dir, "a.md");
        const fm = inSummary ? `summary: '${text.replaceAll("'", "''").replaceAll("\n", " ")}'\n` : "";
        writeFileSync(file, `---\ntitle: 标题\ndate: 2024-07-01\n${fm}---\n${text}`);
        expect(await cpuMs(() => parseArticleFile(dir, "a.md"))).toBeLessThan(BOUND_MS);
      }),
      { seed: SEED, numRuns: 25 },
    );
  });
});
