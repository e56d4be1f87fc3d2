import path from "node:path";
import { describe, expect, it } from "vitest";
import { listMarkdown } from "../../src/library/load.ts";
import { parseAll } from "../helpers/parse.ts";
import { capturedLog } from "../observability/harness.ts";

const BUNDLED = path.resolve("data/articles");
const MIXED = path.resolve("tests/fixtures/library/mixed");

describe("parsing many articles in worker threads", () => {
  it("gives exactly what parsing on this thread gives: metadata and search terms of every bundled article", async () => {
    const files = await listMarkdown(BUNDLED);
    const { log, lines } = capturedLog("debug");
    const inWorkers = await parseAll(BUNDLED, files, { workers: 2, log });
    expect(lines()).toEqual([]);
    const here = await parseAll(BUNDLED, files, { workers: 0 });
    expect(inWorkers).toHaveLength(41);
    expect(inWorkers).toEqual(here);
    const one = inWorkers.find((r) => "meta" in r && r.meta.title === "独一无二");
    expect(one).toMatchObject({ meta: { date: "2024-07-02", zen: { title: "墨荷" } } });
    expect(one && "terms" in one ? one.terms.zen.split(" ") : []).toContain("墨荷");
  });

  it("reports each bad file by name and problem, in the order of the files asked for", async () => {
    const files = await listMarkdown(MIXED);
    const results = await parseAll(MIXED, files, { workers: 2 });
    const problems = results.flatMap((r, i) => ("message" in r ? [[files[i], r.file, r.message.split(" (")[0]]] : []));
    expect(problems).toEqual([
      ["bad-date.md", "bad-date.md", expect.stringContaining("date")],
      ["bad-zen.md", "bad-zen.md", expect.stringContaining("zen")],
      ["binary.md", "binary.md", "binary file"],
      ["broken-yaml.md", "broken-yaml.md", expect.stringContaining("not valid YAML")],
      ["empty.md", "empty.md", "empty file"],
      ["no-title.md", "no-title.md", "title is missing"],
    ]);
    expect(results.filter((r) => "meta" in r).map((r) => ("meta" in r ? r.meta.id : ""))).toEqual([
      "breathing",
      "digest",
      "ink-lotus",
      "robotaxi",
    ]);
  });

  it("parses on this thread, and says so, when the workers cannot start", async () => {
    const files = await listMarkdown(BUNDLED);
    const { log, lines } = capturedLog();
    const results = await parseAll(BUNDLED, files, {
      workers: 2,
      log,
      workerEntry: new URL("file:///nonexistent/worker.js"),
    });
    expect(results.filter((r) => "meta" in r)).toHaveLength(41);
    expect(lines()).toEqual([
      expect.objectContaining({
        level: 40,
        msg: "parsing in worker threads failed; parsing on the main thread",
        files: 41,
      }),
    ]);
  });
});
