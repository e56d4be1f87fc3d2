import type { LibrarySnapshot } from "../catalog/live.ts";
import type { ImageReply } from "../chat/message.ts";
import { isDigest } from "../library/library.ts";
import { imageOfDay } from "../zen/gallery.ts";
import { t } from "./strings.ts";

/**
 * The 禅定时刻 image of `day` (YYYY-MM-DD) as a reply — the one owner of it,
 * for the 「禅定」 command and the daily push alike: the image, its caption
 * and the article it closes. `onThisDay` (the push) adds a 「那年今日」 line
 * when an article appeared on this calendar day in an earlier year.
 * Undefined when the library has no zen images.
 */
export function zenReply(
  snapshot: Pick<LibrarySnapshot, "gallery" | "library">,
  day: string,
  options: { onThisDay?: boolean } = {},
): ImageReply | undefined {
  const image = imageOfDay(snapshot.gallery, day);
  if (!image) return undefined;
  const caption = [t.zenCaption(image.title)];
  if (options.onThisDay) {
    const past = snapshot.library
      .onThisDay(day.slice(5), Number(day.slice(0, 4)))
      .find((a) => !isDigest(a) && a.id !== image.article.id);
    if (past) caption.push(t.onThisDay(past.date.slice(0, 4), past.title, past.url));
  }
  return {
    kind: "image",
    url: image.image,
    caption: caption.join("\n"),
    article: { title: image.article.title, url: image.article.url },
  };
}
