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
const FIELD_ORDER: Array<keyof FrontMatter> = [
  "title",
  "date",
  "url",
  "listed_only",
  "summary",
  "tags",
  "cover",
  "author",
  "account",
  "zen",
];

/**
 * Longest base name we produce, in UTF-8 bytes: file systems limit names
 * to 255 bytes (a CJK character takes 3), and the importer adds `-N.md`
 * and, while writing, a temporary suffix.
 */
export const MAX_NAME_BYTES = 190;

/** Names Windows reserves whatever the extension (`CON.md` cannot be created there). */
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i;

/**
 * The front-matter key that marks a file as written by the importer (its
 * value names the account it came from): the importer replaces only files
 * it owns.
 */
export const IMPORTED_FROM = "imported_from";

/**
 * The article file's text: YAML front matter (quoted by js-yaml wherever a
 * title with `:`, quotes or `《》` needs it, so every value round-trips)
 * and the body. Dates stay strings: YAML would otherwise read them as
 * timestamps. Long values are not folded, which keeps diffs readable.
 */
export function serializeArticle(fm: FrontMatter, body: string, importedFrom?: string): string {
  const data: Record<string, unknown> = {};
  for (const key of FIELD_ORDER) if (fm[key] !== undefined) data[key] = fm[key];
  if (importedFrom !== undefined) data[IMPORTED_FROM] = importedFrom;
  // gray-matter hands its options to js-yaml's safeDump; its typings don't list them.
  const options = { lineWidth: -1 } as Parameters<typeof matter.stringify>[2];
  return matter.stringify(`${body.trim()}\n`, data, options);
}

/**
 * A file name (without `.md`) for a title: keeps Chinese and other
 * letters, replaces characters that are illegal on Windows or in paths
 * (`/\:*?"<>|`) and control characters with `_`, avoids names the
 * file system treats specially (leading dot, trailing dot or space,
 * reserved device names) and stays within {@link MAX_NAME_BYTES}.
 */
export function safeFileName(title: string): string {
  const name = title
    .normalize("NFC")
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this replaces
    .replace(/[/\\:*?"<>|\u0000-\u001f\u007f]/g, "_")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^\.+/, "_");
  const cut = cutToBytes(name, MAX_NAME_BYTES).replace(/[. ]+$/, "");
  if (RESERVED.test(cut)) return `_${cut}`;
  return cut || "untitled";
}

/** The longest prefix of `s` (whole code points) that fits in `max` UTF-8 bytes. */
export function cutToBytes(s: string, max: number): string {
  let bytes = 0;
  let end = 0;
  for (const ch of s) {
    bytes += Buffer.byteLength(ch);
    if (bytes > max) break;
    end += ch.length;
  }
  return s.slice(0, end);
}

/** The file's text, or undefined when there is no such file. */
export async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

/**
 * Write `content` to `file` unless the file already holds exactly that.
 * Writes go to a temporary file first and are renamed into place, so a
 * crash never leaves a half-written article for the bot to load.
 */
export async function writeIfChanged(file: string, content: string): Promise<WriteOutcome> {
  const existing = await readIfExists(file);
  if (existing === content) return "unchanged";
  await writeAtomic(file, content);
  return existing === undefined ? "new" : "updated";
}

/** Write `content` to a temporary file beside `file` and rename it into place: readers see the old or the new file, never half of one. */
export async function writeAtomic(file: string, content: string): Promise<void> {
  const tmp = `${file}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await writeFile(tmp, content, "utf8");
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}
