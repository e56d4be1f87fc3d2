import { z } from "zod";

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD")
  .refine(isCalendarDate, "is not a real calendar date");

/** By round trip: Date.parse takes 2024-02-30 for March 1st instead of failing. */
function isCalendarDate(s: string): boolean {
  const t = Date.parse(`${s}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === s;
}

const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });

/** The 禅定时刻 image that closes an article. */
export const zenSchema = z.object({
  title: z.string().trim().min(1, "must not be empty"),
  image: httpUrl,
  creator: z.string().trim().optional(),
  model: z.string().trim().optional(),
});

/** Front matter of one article file (dates are read as plain strings). */
export const frontMatterSchema = z.object({
  title: z.string().trim().min(1, "must not be empty"),
  date: isoDate,
  url: httpUrl.optional(),
  summary: z.string().trim().optional(),
  tags: z.array(z.string().trim().min(1)).optional(),
  cover: httpUrl.optional(),
  author: z.string().trim().optional(),
  account: z.string().trim().optional(),
  zen: zenSchema.optional(),
  /**
   * Known only from the account's list page (title, date, link, perhaps a
   * digest): no backup of the text exists, so the file has no body.
   */
  listed_only: z.boolean().optional(),
});

export type FrontMatter = z.infer<typeof frontMatterSchema>;
export type Zen = z.infer<typeof zenSchema>;

/** An article without its body: what the library keeps in memory for every article. */
export type ArticleMeta = Omit<Article, "body">;

/** One article as the core sees it. */
export interface Article extends FrontMatter {
  /** Stable id: the file path relative to the library root, without `.md`. */
  id: string;
  /** Markdown body without front matter. */
  body: string;
  /** Summary from front matter, or the opening of the body. */
  summary: string;
}
