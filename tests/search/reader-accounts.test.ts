import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import type { JudgedQuery } from "../../src/search/evaluate.ts";
import { fixtureLibrary, testBot } from "../helpers/bot.ts";
import { shownAnswers } from "../helpers/shown.ts";

/**
 * 95 queries written by readers of 75 articles of the four-account sample
 * of the real archive, in their own words and without seeing the bot's
 * answers: what an article is about, a detail of its body, an account's
 * name or 和菜头 before a topic, and 20 questions no article there answers
 * (checked against every article). The regression guard in CI of the
 * 392-query set the bench measures on the whole archive (bench/reader-set.ts).
 */
const judged = JSON.parse(
  readFileSync(new URL("../fixtures/search/reader-accounts.json", import.meta.url), "utf8"),
) as JudgedQuery[];
const { bot, snapshot, cleanup } = await testBot({}, fixtureLibrary("accounts"));
afterAll(cleanup);
const answers = await shownAnswers(bot, judged);

/** Share of each kind answered as the reader wanted (no-answer: a plain 没有找到), measured 2026-12-08; CI fails 0.03 below. */
const MEASURED: Record<string, number> = {
  description: 1,
  detail: 1,
  "account-topic": 1,
  "author-topic": 0.8,
  "no-answer": 0.35,
};

function shareRight(kind: string): { share: number; misses: string[] } {
  const of = judged.filter((j) => j.kind === kind);
  const misses = of.filter((j) => {
    const a = answers.get(j.query)!;
    return j.relevant.length === 0 ? !a.notFound : !a.titles.slice(0, 3).some((t) => j.relevant.includes(t));
  });
  return {
    share: 1 - misses.length / of.length,
    misses: misses.map((j) => `${j.query} → ${answers.get(j.query)!.titles.slice(0, 3).join(" / ") || "没有找到"}`),
  };
}

describe("search as readers ask, over four real accounts", () => {
  it("every judged answer is an article of the library", () => {
    const titles = new Set(snapshot.library.articles.map((a) => a.title));
    for (const j of judged) for (const t of j.relevant) expect(titles, j.query).toContain(t);
    expect(judged.filter((j) => j.relevant.length > 0).length).toBeGreaterThanOrEqual(75);
  });

  it.each(Object.keys(MEASURED))(
    "%s: the right article among the first 3 shown (no-answer: 没有找到) stays within 0.03 of the measured share",
    (kind) => {
      const { share, misses } = shareRight(kind);
      expect(share, `misses:\n${misses.join("\n")}`).toBeGreaterThanOrEqual(MEASURED[kind]! - 0.03);
    },
  );
});
