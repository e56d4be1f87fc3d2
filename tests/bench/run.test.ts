import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bench, parseBenchArgs } from "../../bench/run.ts";
import type { BenchRun } from "../../bench/results.ts";
import { HARDENING_LIBRARY } from "../hardening/fixtures.ts";

let dir = "";
let run: BenchRun;
let report = "";

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "bench-run-"));
  const out = path.join(dir, "RESULTS.md");
  run = await bench({
    ...parseBenchArgs([]),
    sizes: [40],
    out,
    corpusRoot: path.join(dir, "corpus"),
    reps: 1,
    coldRuns: 1,
    qualityData: HARDENING_LIBRARY,
    sourceDir: HARDENING_LIBRARY,
    log: () => {},
  });
  report = await readFile(out, "utf8");
}, 180_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("npm run bench, on a tiny corpus", () => {
  it("measures our search, cold starts with and without the persisted index, and both baselines", () => {
    const [size] = run.sizes;
    expect(size!.ours).toMatchObject({ ok: true, result: { articles: 40 } });
    expect(size!.cold.noCache).toEqual([expect.objectContaining({ ok: true })]);
    expect(size!.cold.withCache).toEqual([expect.objectContaining({ ok: true })]);
    expect(size!.baselines.map((b) => [b.engine, "ok" in b && b.ok])).toEqual([
      ["minisearch", true],
      ["scan", true],
    ]);
  });

  it("writes RESULTS.md with a row per size, the baselines, quality and targets", () => {
    expect(report).toMatch(/^\| 40 \| \d+ MB \| [\d.]+ (ms|s) \|/m);
    expect(report).toMatch(/^\| 40 \| minisearch \|/m);
    expect(report).toMatch(/^\| 40 \| scan \|/m);
    expect(report).toContain("## Quality on the bundled library (4 articles, judged queries)");
    expect(report).toContain("## Targets");
    expect(report).not.toContain("failed");
  });

  it("reads sizes such as 10_000 from the command line and rejects nonsense", () => {
    expect(parseBenchArgs(["--sizes", "1000,10_000"]).sizes).toEqual([1000, 10_000]);
    expect(() => parseBenchArgs(["--sizes", "ten"])).toThrow(/--sizes/);
  });
});
