/**
 * Articles known only from the list page: a title, a date, a link and
 * perhaps a digest, but no backup of the text (the backup site stopped
 * early, or left a placeholder). Served as such — findable by title, with
 * the link — rather than not at all; a backup that arrives later replaces
 * the listing.
 */
import type { FrontMatter } from "../library/article.ts";
import type { ListEntry } from "./list-page.ts";

/**
 * The front matter of a listing: what the list page gives, marked
 * `listed_only`. The digest becomes the summary only when the page has
 * one: there is no text to summarise. Undefined when the entry has no
 * date, which every article needs.
 */
export function listedFrontMatter(entry: ListEntry, account: string | undefined): FrontMatter | undefined {
  if (!entry.date) return undefined;
  return { title: entry.title, date: entry.date, url: entry.url, listed_only: true, summary: entry.summary, account };
}
