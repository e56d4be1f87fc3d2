import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { listMarkdown } from "../src/library/load.ts";
import { markdownToText } from "../src/library/markdown.ts";
import type { JudgedQuery } from "../src/search/evaluate.ts";
import { between, pick, seeded } from "./prng.ts";
import type { BenchQuery } from "./queries.ts";

/** The judged queries written against real articles of the archive (tests/fixtures/library/accounts is a sample of it). */
const JUDGED = new URL("../tests/fixtures/search/judged-accounts.json", import.meta.url);

/**
 * The query set for a real archive: every judged query, plus `phrases`
 * phrases of 2–6 Han characters cut from random sentences of random
 * articles (what a reader half-remembers), chosen by a seeded PRNG so
 * runs compare. Written to `out` as JSON for the measuring processes.
 */
export async function writeRealQueries(dir: string, out: string, phrases = 1000, seed = 1): Promise<number> {
  const judged = (JSON.parse(readFileSync(JUDGED, "utf8")) as JudgedQuery[]).map(
    (j): BenchQuery => ({ kind: "judged", text: j.query }),
  );
  const files = await listMarkdown(dir);
  const random = seeded(seed);
  const sampled: BenchQuery[] = [];
  for (let tries = 0; sampled.length < phrases && tries < phrases * 20 && files.length > 0; tries++) {
    const raw = readFileSync(path.join(dir, pick(random, files)), "utf8");
    const body = raw.replace(/^---[\s\S]*?\n---\n/, "");
    const runs = markdownToText(body).match(/\p{Script=Han}{4,}/gu) ?? [];
    if (runs.length === 0) continue;
    const run = [...pick(random, runs)];
    const length = Math.min(run.length, between(random, 2, 6));
    const start = between(random, 0, run.length - length);
    sampled.push({ kind: "phrase", text: run.slice(start, start + length).join("") });
  }
  const queries = [...judged, ...sampled];
  writeFileSync(out, JSON.stringify(queries));
  return queries.length;
}
