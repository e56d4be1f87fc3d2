import type { Core } from "../../src/bot/core.ts";
import { t } from "../../src/bot/strings.ts";
import type { EngineAnswer, JudgedQuery } from "../../src/search/evaluate.ts";
import { dm } from "./bot.ts";

/**
 * What a reader sees for each judged query, typed into a private chat: the
 * titles of the first page, or none (and `lowConfidence`) when the bot
 * says 没有找到; `hedged` when they come under 「没有完全对得上的…」.
 * This is recall "as shown", not as ranked.
 */
export async function shownAnswers(
  bot: Core,
  judged: readonly JudgedQuery[],
): Promise<Map<string, EngineAnswer & { notFound: boolean }>> {
  const answers = new Map<string, EngineAnswer & { notFound: boolean }>();
  for (const j of judged) {
    const [reply] = await bot.handle(dm(j.query, { chatId: "judge", userId: "judge" }));
    const titles = reply?.kind === "articles" ? reply.articles.map((a) => a.title) : [];
    const notFound = reply?.kind === "text" && reply.text.startsWith("没有找到");
    const hedged = reply?.kind === "articles" && reply.heading === t.perhaps;
    answers.set(j.query, { titles, lowConfidence: notFound, hedged, notFound });
  }
  return answers;
}
