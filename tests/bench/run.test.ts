import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bench, parseBenchArgs } from "../../bench/run.ts";
import type { BenchRun } from "../../bench/results.ts";
import { listMarkdown } from "../../src/library/load.ts";
import { fixtureLibrary } from "../helpers/bot.ts";
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
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("npm run bench, on a tiny corpus", () => {
  it("measures our search, cold starts with and without the persisted index, and both baselines", () => {
    const [size] = run.sizes;
    expect(size!.ours).toMatchObject({ ok: true, result: { articles: 40 } });
    expect(size!.cold.noCache).toEqual([expect.objectContaining({ ok: true })]);
    expect(size!.cold.withCache).toEqual([expect.objectContaining({ ok: true })]);
    expect(size!.baselines.map((b) => [b.engine, "ok" in b && b.ok])).toEqual([
      ["minisearch + jieba", true],
      ["scan", true],
    ]);
  });

  it("writes RESULTS.md with a row per size, the baselines, quality and targets", () => {
    expect(report).toMatch(/^\| 40 \| \d+ MB \| [\d.]+ (ms|s) \|/m);
    expect(report).toMatch(/^\| 40 \| minisearch \+ jieba \|/m);
    expect(report).toMatch(/^\| 40 \| scan \|/m);
    expect(report).toContain("## Quality on the bundled library (4 articles, judged queries)");
    expect(report).toContain("## Targets");
    expect(report).not.toContain("failed");
  });

  it("reads sizes such as 10_000 from the command line and rejects nonsense", () => {
    expect(parseBenchArgs(["--sizes", "1000,10_000"]).sizes).toEqual([1000, 10_000]);
    expect(() => parseBenchArgs(["--sizes", "ten"])).toThrow(/--sizes/);
    expect(parseBenchArgs(["--corpus", "x"]).sizes).toEqual([100_000]);
  });
});

describe("npm run bench -- --corpus <real archive>", () => {
  let archive = "";
  let real: BenchRun;
  let realReport = "";
  let before: string[] = [];

  beforeAll(async () => {
    archive = path.join(dir, "archive");
    await cp(fixtureLibrary("accounts"), archive, { recursive: true });
    before = await listMarkdown(archive);
    const out = path.join(dir, "REAL.md");
    real = await bench({
      ...parseBenchArgs(["--corpus", archive, "--sizes", "none"]),
      out,
      reps: 1,
      coldRuns: 1,
      qualityData: HARDENING_LIBRARY,
      log: () => {},
    });
    realReport = await readFile(out, "utf8");
  }, 300_000);

  it("measures the archive as it is, with its judged queries and sampled phrases, and leaves its articles untouched", async () => {
    const [size] = real.sizes;
    expect(size).toMatchObject({ real: true, articles: 150, ours: { ok: true } });
    const o = size!.ours.ok ? size!.ours.result : undefined;
    expect(o!.queries.judged!.samples).toBeGreaterThanOrEqual(200);
    expect(o!.queries.phrase!.samples).toBeGreaterThan(100);
    expect(o!.incrementalMs).toBeGreaterThan(0);
    expect(await listMarkdown(archive)).toEqual(before);
    expect(realReport).toMatch(/^\| 150 \(real\) \| \d+ MB \|/m);
    expect(realReport).toContain("| 150 (real) | cold start with persisted index ÷ empty library | #14 |");
  });
});
