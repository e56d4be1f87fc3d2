import type { ArticleCard, Reply } from "../../src/chat/message.ts";
import { byline } from "../../src/bot/cards.ts";
import { markSnippet } from "../../src/search/snippet.ts";

/**
 * Plain-text rendering of a reply, for the terminal and any platform
 * without rich formatting. Matched words in snippets are wrapped in 【】.
 */
export function renderPlain(reply: Reply): string {
  switch (reply.kind) {
    case "text":
      return reply.text;
    case "image":
      return [
        `🖼 ${reply.caption}`,
        reply.url,
        reply.article ? `出自《${reply.article.title}》 ${reply.article.url ?? ""}`.trim() : "",
      ]
        .filter(Boolean)
        .join("\n");
    case "articles": {
      const start = reply.page?.offset ?? 0;
      const items = reply.articles.map((a, i) => renderCard(a, start + i + 1));
      return [reply.heading, ...items, reply.footer ?? ""].filter(Boolean).join("\n\n");
    }
  }
}

function renderCard(a: ArticleCard, n: number): string {
  const lines = [`${n}. 《${a.title}》 ${byline(a)}`, `   ${a.snippet ? markSnippet(a.snippet) : a.summary}`];
  if (a.url) lines.push(`   ${a.url}`);
  return lines.join("\n");
}
