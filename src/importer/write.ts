/**
 * Article files on disk: front-matter serialisation, safe file names and an
 * idempotent write (identical content is never rewritten, so re-running an
 * import leaves modification times, and git, alone).
 */
import { randomBytes } from "node:crypto";
import { readFile, rename, unlink, writeFile } from "node:fs/promises";
import matter from "gray-matter";
import type { FrontMatter } from "../library/article.ts";

/** What a write did. */
export type WriteOutcome = "new" | "updated" | "unchanged";

/** Field order in the written front matter: what a reader wants to see first. */
const FIELD_ORDER: Array<keyof FrontMatter> = ["title", "date", "url", "summary", "tags", "cover", "author", "account", "zen"];

/** Longest file name we produce, in UTF-16 units: CJK takes 3 bytes each of the usual 255-byte limit. */
const MAX_NAME = 80;

/**
 * The article file's text: YAML front matter (quoted by js-yaml wherever a
 * title with `:`, quotes or `《》` needs it, so every value round-trips)
 * and the body. Dates stay strings: YAML would otherwise read them as
 * timestamps. Long values are not folded, which keeps diffs readable.
 */
export function serializeArticle(fm: FrontMatter, body: string): string {
  const data: Record<string, unknown> = {};
  for (const key of FIELD_ORDER) if (fm[key] !== undefined) data[key] = fm[key];
  // gray-matter hands its options to js-yaml's safeDump; its typings don't list them.
  const options = { lineWidth: -1 } as Parameters<typeof matter.stringify>[2];
  return matter.stringify(`${body.trim()}\n`, data, options);
}

/**
 * A file name (without `.md`) for a title: keeps Chinese and other
 * letters, replaces characters that are illegal on Windows or in paths
 * (`/\:*?"<>|`) and control characters with `_`, and avoids names the
 * file system treats specially (leading dot, trailing dot or space).
 */
export function safeFileName(title: string): string {
  const name = title
    .normalize("NFC")
    .replace(/[/\\:*?"<>|\u0000-\u001f\u007f]/g, "_")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^\.+/, "_");
  const cut = [...name].slice(0, MAX_NAME).join("").replace(/[. ]+$/, "");
  return cut || "untitled";
}

/**
 * Write `content` to `file` unless the file already holds exactly that.
 * Writes go to a temporary file first and are renamed into place, so a
 * crash never leaves a half-written article for the bot to load.
 */
export async function writeIfChanged(file: string, content: string): Promise<WriteOutcome> {
  let existing: string | undefined;
  try {
    existing = await readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  if (existing === content) return "unchanged";
  const tmp = `${file}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await writeFile(tmp, content, "utf8");
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  return existing === undefined ? "new" : "updated";
}
