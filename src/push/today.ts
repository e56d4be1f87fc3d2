import { isDigest } from "../library/library.ts";
import type { LibrarySnapshot } from "../catalog/live.ts";
import type { ImageReply, TextReply } from "../chat/message.ts";
import { t } from "../bot/strings.ts";
import { imageOfDay } from "../zen/gallery.ts";

/**
 * The push of `day` (YYYY-MM-DD): the 禅定时刻 image of the day — the same
 * choice as the 「禅定」 command — with its caption, the article it closes,
 * and a 「那年今日」 line when an article appeared on this calendar day in
 * an earlier year. Undefined when the library has no zen images.
 */
export function dailyPush(snapshot: LibrarySnapshot, day: string): ImageReply | undefined {
  const image = imageOfDay(snapshot.gallery, day);
  if (!image) return undefined;
  const past = snapshot.library
    .onThisDay(day.slice(5), Number(day.slice(0, 4)))
    .find((a) => !isDigest(a) && a.id !== image.article.id);
  const caption = [t.zenCaption(image.title)];
  if (past) caption.push(t.onThisDay(past.date.slice(0, 4), past.title, past.url));
  return {
    kind: "image",
    url: image.image,
    caption: caption.join("\n"),
    article: { title: image.article.title, url: image.article.url },
  };
}

/**
 * The push without its picture, for when the image cannot be fetched:
 * the caption and a line linking the article, as plain text.
 */
export function textFallback(reply: ImageReply): TextReply {
  const from = reply.article ? [`${t.zenFrom(reply.article.title)} ${reply.article.url ?? ""}`.trim()] : [];
  return { kind: "text", text: [reply.caption, ...from].join("\n") };
}
