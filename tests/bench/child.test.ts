import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureCorpus } from "../../bench/generate.ts";
import { startOurs, type SizePlan } from "../../bench/measure-size.ts";
import { HARDENING_LIBRARY } from "../hardening/fixtures.ts";

let dir = "";
let plan: SizePlan;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "bench-child-"));
  await ensureCorpus(dir, 20, { sourceDir: HARDENING_LIBRARY });
  plan = { articles: 20, dir, lean: true, reps: 1, coldRuns: 1, full: false, notes: [] };
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("a held bench worker", () => {
  it("indexes at once but times nothing until it is released", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let ready!: () => void;
    const readyNow = new Promise<void>((resolve) => (ready = resolve));
    let finished = false;
    const outcome = startOurs(plan, { release: gate, onReady: ready }).then((o) => ((finished = true), o));
    await readyNow;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(finished).toBe(false);
    release();
    expect(await outcome).toMatchObject({ ok: true, result: { articles: 20 } });
  });

  it("reports a worker that cannot measure as failed, with the reason", async () => {
    const missing = { ...plan, dir: path.join(dir, "does-not-exist") };
    const outcome = await startOurs(missing, { quiet: true });
    expect(outcome).toMatchObject({ ok: false, error: expect.stringMatching(/ENOENT|no such file/) });
  });
});
