/**
 * One 小懒 markdown backup of a WeChat official-account article → the
 * fields of our article format. Layout of a backup:
 *
 *   # title
 *   [**返回列表页**](/gzh/<account>)
 *   小懒自动备份，仅供查阅学习          (or 公众号【懒人搜索】备份，…)
 *   ![](cover image)
 *   article text …
 *   题图标题： **《…》** 创作者： … Prompt： …   ← footer starts here
 *   **槽边往事** **和菜头 出品** 【微信号】… 请你相信我…都是错的
 *   > **禅定时刻**  image, **《title》** **creator** **model**
 *   > **南派三叔专区** …   > **《槽边往事》专营店营业中** … (ads)
 */
import type { Zen } from "../library/article.ts";
import { IMAGE as MARKDOWN_IMAGE, markdownToText } from "../library/markdown.ts";
import { cleanBody, fixUrl, stripZeroWidth } from "./clean-body.ts";

/** What a backup yields; `problem` says why it cannot become an article. */
export interface ParsedBackup {
  title: string;
  body: string;
  cover?: string;
  zen?: Zen;
  /** From the footer's "<name> 出品" line. */
  author?: string;
  problem?: string;
}

/** Bodies shorter than this (in characters of plain text) are placeholders, not articles. */
export const MIN_BODY_CHARS = 50;

/** The first markdown image (not global: `exec` finds the first one); captures its URL. */
const IMAGE = new RegExp(MARKDOWN_IMAGE.source);

/**
 * Where the footer may start, earliest match wins. Several markers because
 * older backups lack some parts; all were seen in the sample.
 */
const FOOTER_MARKERS: RegExp[] = [
  /^[ \t]*题图(标题)?[:：]/m,
  // Bounded runs, and the name starts with a non-blank: `**a**` + spaces no longer backtracks for minutes.
  /\*\*[^*\n]{1,20}\*\*[\s*]{0,40}[^*\s][^*\n]{0,11}\s{1,10}出品\s{0,10}\*\*/,
  /【微信号】/,
  /请你相信我/,
  /^[ \t]*>.*禅定时刻/m,
  /^[ \t]*>.*南派三叔专区/m,
  /^[ \t]*>.*专营店/m,
];

/** Backup boilerplate lines above the article. */
const BOILERPLATE = [/^\[\*\*返回列表页\*\*\]\([^)]*\)\s*$/, /^.{0,30}备份，仅供查阅学习\s*$/];

/** Words that mark the model (tool) credit of a zen image rather than its creator. */
const MODEL_WORDS =
  /midjourney|niji|dall|stable ?diffusion|\bsdxl?\b|flux|sora|firefly|imagen|gpt|即梦|可灵|通义|摄影|相机|camera|iphone/i;

/**
 * Parse a backup. Pure: never throws; a backup that is not an article comes
 * back with `problem` set. `fallbackTitle` (the file name) is used when the
 * backup has no `# title` heading.
 */
export function parseBackup(markdown: string, fallbackTitle = ""): ParsedBackup {
  const { title, rest } = splitHeader(stripZeroWidth(markdown.replace(/\r\n?/g, "\n")), fallbackTitle);
  const cut = footerStart(rest);
  const footer = rest.slice(cut);
  const { cover, text } = takeCover(rest.slice(0, cut));
  const body = cleanBody(text);
  const result: ParsedBackup = { title, body, cover, zen: parseZen(footer), author: parseAuthor(footer) };
  result.problem = findProblem(result);
  return dropUndefined(result);
}

/** Split off the `# title` heading and the backup boilerplate under it. */
function splitHeader(md: string, fallbackTitle: string): { title: string; rest: string } {
  const lines = md.split("\n");
  let i = 0;
  while (i < lines.length && lines[i]!.trim() === "") i++;
  const heading = headingText(lines[i] ?? "");
  const title = heading ? unescapeMarkdown(heading) : fallbackTitle.trim();
  if (heading) i++;
  // The boilerplate sits within the first few lines; don't scan into the text.
  for (let seen = 0; i < lines.length && seen < 6; i++) {
    const line = lines[i]!.trim();
    if (line === "") continue;
    if (!BOILERPLATE.some((re) => re.test(line))) break;
    seen++;
  }
  return { title, rest: lines.slice(i).join("\n") };
}

/** The text of a `# title` line (closing `#`s dropped), or undefined for any other line. */
function headingText(line: string): string | undefined {
  const m = /^#[ \t]+(\S.*)$/.exec(line.trim());
  // The lookbehind starts only at the first blank of a run: linear on a title padded with spaces.
  return m ? m[1]!.replace(/(?<![ \t])[ \t]+#+$/, "").trim() : undefined;
}

function unescapeMarkdown(s: string): string {
  return s.replace(/\\([\\`*_{}[\]()#+\-.!|])/g, "$1").trim();
}

/** Index where the footer starts, or the end of the text when there is none. */
function footerStart(text: string): number {
  let cut = text.length;
  for (const re of FOOTER_MARKERS) {
    const m = re.exec(text);
    if (m && m.index < cut) cut = m.index;
  }
  return cut;
}

/**
 * The header image: an image before any text. It becomes `cover` and leaves
 * the body, which then starts with the first words of the article.
 */
function takeCover(text: string): { cover?: string; text: string } {
  const m = IMAGE.exec(text);
  if (!m || text.slice(0, m.index).trim() !== "") return { text };
  return { cover: httpUrl(fixUrl(m[1]!)), text: text.slice(m.index + m[0].length) };
}

/**
 * The 禅定时刻 block: its first image, then `《title》` and the credits as
 * bold runs (`**creator** **model**`). Text before the image (one backup has
 * a short piece there) is not part of the credits.
 */
export function parseZen(footer: string): Zen | undefined {
  const start = /^[ \t]*>.*禅定时刻.*$/m.exec(footer);
  if (!start) return undefined;
  const after = footer.slice(start.index + start[0].length);
  const end = /^[ \t]*>/m.exec(after);
  const block = end ? after.slice(0, end.index) : after;
  const img = IMAGE.exec(block);
  const image = img ? httpUrl(fixUrl(img[1]!)) : undefined;
  if (!img || !image) return undefined;
  const credits = block.slice(img.index + img[0].length);
  const title = zenTitle(credits);
  if (!title) return undefined;
  const fields = creditFields(credits.slice(credits.indexOf("》") + 1));
  return dropUndefined({ title: title.text, image, ...assignCredits(fields) });
}

/**
 * The first `《…》` after the image. Emphasis markers inside it are noise
 * (`**《拈花指****》**`), except that between two Latin words they stood
 * for a space (`《Here**We Stand…》`).
 */
function zenTitle(credits: string): { text: string } | undefined {
  const m = /《([^《》]*)》/.exec(credits);
  if (!m) return undefined;
  const text = m[1]!
    .replace(/(?<=[A-Za-z0-9])[*_]+(?=[A-Za-z0-9])/g, " ")
    .replace(/[*_]+/g, "")
    .replace(/\s+/g, " ")
    .trim();
  return text ? { text } : undefined;
}

/** Credits are bold runs; split on emphasis markers and line ends. */
function creditFields(s: string): string[] {
  return s
    .split(/[*_]{2,}|\n/)
    .map((f) => f.replace(/\\/g, "").trim())
    .filter((f) => f !== "" && !f.startsWith("--") && [...f].length <= 40);
}

/**
 * Creator comes first and model second, except when only the second field
 * names a person: whichever field mentions a known tool is the model.
 */
function assignCredits(fields: string[]): { creator?: string; model?: string } {
  const [a, b] = fields;
  if (a === undefined) return {};
  if (b === undefined) return MODEL_WORDS.test(a) ? { model: a } : { creator: a };
  return MODEL_WORDS.test(a) && !MODEL_WORDS.test(b) ? { creator: b, model: a } : { creator: a, model: b };
}

/** `和菜头 出品` (possibly split across a wrapped line) → `和菜头`. */
function parseAuthor(footer: string): string | undefined {
  const m = /\*\*\s{0,10}([^*\s][^*\n]{0,19}?)\s{1,10}出品\s{0,10}\*\*/.exec(footer);
  return m ? m[1]!.trim() : undefined;
}

/** Why this backup is not an article, if it is not. */
function findProblem(p: ParsedBackup): string | undefined {
  if (!p.title) return "no title (no `# title` heading and no file name)";
  const text = markdownToText(p.body).replace(/\s+/g, "");
  if (/^(none|null|undefined)?$/i.test(text)) {
    return text ? `empty backup (placeholder "${text}")` : "empty backup (no article text)";
  }
  const chars = [...text].length;
  if (chars < MIN_BODY_CHARS) return `body too short to be an article (${chars} characters of text)`;
  return undefined;
}

/** A URL the schema accepts, or nothing. */
function httpUrl(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:" ? url : undefined;
  } catch {
    return undefined;
  }
}

function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
