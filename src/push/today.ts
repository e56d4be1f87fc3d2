import type { ImageReply, TextReply } from "../chat/message.ts";
import { t } from "../bot/strings.ts";

/**
 * The push without its picture, for when the image cannot be fetched:
 * the caption and a line linking the article, as plain text. (The push
 * itself is `zenReply` of the day, with its 「那年今日」 line.)
 */
export function textFallback(reply: ImageReply): TextReply {
  const from = reply.article ? [`${t.zenFrom(reply.article.title)} ${reply.article.url ?? ""}`.trim()] : [];
  return { kind: "text", text: [reply.caption, ...from].join("\n") };
}
