import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { serializeArticle } from "../src/importer/write.ts";
import type { FrontMatter } from "../src/library/article.ts";
import { summarize } from "../src/library/summarize.ts";
import { isEntryPoint } from "./entry.ts";
import { between, pick, seeded, type Random } from "./prng.ts";
import { readSource, type SourceMaterial } from "./source.ts";

/** Where generated corpora live by default (git-ignored). */
export const CORPUS_ROOT = fileURLToPath(new URL("./corpus/", import.meta.url));
/** The library the corpus is recombined from. */
export const SOURCE_DIR = fileURLToPath(new URL("../data/articles/", import.meta.url));
/** Written next to the articles; a dotfile, so the library loader ignores it. */
export const MANIFEST = ".corpus.json";
/** Bump when the generated articles change shape, so old corpora are rebuilt. */
const FORMAT = 1;

/** Body length bounds, in characters. */
export const MIN_BODY = 1000;
export const MAX_BODY = 5000;
const FIRST_DAY = Date.UTC(2008, 0, 1);
const LAST_DAY = Date.UTC(2026, 9, 31);
const DAY_MS = 86_400_000;

/** What a corpus directory holds; equal manifests mean equal corpora. */
export interface Manifest {
  format: number;
  articles: number;
  seed: number;
  /** Number of real articles the corpus was recombined from. */
  sourceArticles: number;
}

/** One generated article: its file name (without `.md`), front matter and body. */
export interface GeneratedArticle {
  id: string;
  frontMatter: FrontMatter;
  body: string;
}

/**
 * Make `n` realistic articles by recombining sentences, clauses, words,
 * zen images and covers of real ones. Deterministic for a given seed and
 * material; titles are unique.
 */
export function* generateArticles(n: number, material: SourceMaterial, seed = 1): Generator<GeneratedArticle> {
  const random = seeded(seed);
  const titles = new Set<string>();
  const width = String(Math.max(n - 1, 0)).length;
  for (let i = 0; i < n; i++) {
    const paragraphs = makeParagraphs(random, material);
    const body = paragraphs.join("\n\n");
    const frontMatter: FrontMatter = {
      title: uniqueTitle(random, material, titles),
      date: new Date(FIRST_DAY + between(random, 0, (LAST_DAY - FIRST_DAY) / DAY_MS) * DAY_MS)
        .toISOString()
        .slice(0, 10),
      url: `https://mp.weixin.qq.com/s/bench-${i}`,
      // The opening paragraph is all a summary reads; summarising the whole body costs 10× more.
      summary: summarize(paragraphs[0]!),
      cover: material.covers.length > 0 && random() < 0.9 ? pick(random, material.covers) : undefined,
      author: "和菜头",
      account: "槽边往事",
      zen: material.zens.length > 0 && random() < 0.85 ? pick(random, material.zens) : undefined,
    };
    yield { id: `a${String(i).padStart(width, "0")}`, frontMatter, body };
  }
}

/** Paragraphs of 1–6 random sentences, now and then an image, until a random length in [MIN_BODY, MAX_BODY]. */
function makeParagraphs(random: Random, material: SourceMaterial): string[] {
  const target = between(random, MIN_BODY, MAX_BODY);
  const paragraphs: string[] = [];
  // Length of the joined body: paragraphs and the blank lines between them.
  let length = 0;
  const fits = (text: string) => MAX_BODY - length - (paragraphs.length > 0 ? 2 : 0) - text.length;
  const add = (text: string) => {
    length += text.length + (paragraphs.length > 0 ? 2 : 0);
    paragraphs.push(text);
  };
  while (length < target) {
    let paragraph = "";
    for (let s = between(random, 1, 6); s > 0; s--) paragraph += pick(random, material.sentences);
    // Never overshoot the maximum: the last paragraph is cut to fit.
    const room = fits(paragraph);
    if (paragraph.length + room <= 0) break;
    add(room < 0 ? paragraph.slice(0, paragraph.length + room) : paragraph);
    const image = material.images.length > 0 && random() < 0.1 ? pick(random, material.images) : undefined;
    if (image && fits(image) >= 0) add(image);
  }
  return paragraphs;
}

/** A clause, a pair of words or a real title reused with a twist; suffixed when already taken. */
function uniqueTitle(random: Random, material: SourceMaterial, taken: Set<string>): string {
  const r = random();
  let title =
    r < 0.5 && material.clauses.length > 0
      ? pick(random, material.clauses)
      : r < 0.85 && material.words.length > 0
        ? `${pick(random, material.words)}${pick(random, ["和", "与", "的", "之", "里的"])}${pick(random, material.words)}`
        : `${pick(random, material.titles)}${material.words.length > 0 ? `：${pick(random, material.words)}` : ""}`;
  if (taken.has(title) && material.words.length > 0) title = `${title}·${pick(random, material.words)}`;
  for (let k = 2; taken.has(title); k++) title = `${title.replace(/（\d+）$/, "")}（${k}）`;
  taken.add(title);
  return title;
}

/**
 * Write a corpus of `n` articles into `dir` (replacing what was there)
 * unless its manifest says it already holds exactly that corpus.
 * Resolves to true when files were written.
 */
export async function ensureCorpus(
  dir: string,
  n: number,
  options: { seed?: number; sourceDir?: string } = {},
): Promise<boolean> {
  const material = await readSource(options.sourceDir ?? SOURCE_DIR);
  const manifest: Manifest = {
    format: FORMAT,
    articles: n,
    seed: options.seed ?? 1,
    sourceArticles: material.articles,
  };
  if (JSON.stringify(readManifest(dir)) === JSON.stringify(manifest)) return false;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const a of generateArticles(n, material, manifest.seed)) {
    writeFileSync(path.join(dir, `${a.id}.md`), serializeArticle(a.frontMatter, a.body));
  }
  writeFileSync(path.join(dir, MANIFEST), `${JSON.stringify(manifest)}\n`);
  return true;
}

/** The manifest of a generated corpus, or undefined when `dir` holds none. */
export function readManifest(dir: string): Manifest | undefined {
  try {
    return JSON.parse(readFileSync(path.join(dir, MANIFEST), "utf8")) as Manifest;
  } catch {
    return undefined;
  }
}

/** `tsx bench/generate.ts --n 10000 [--out dir] [--seed 1]` */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      n: { type: "string", default: "1000" },
      out: { type: "string" },
      seed: { type: "string", default: "1" },
    },
  });
  const n = Number(values.n);
  const dir = values.out ?? path.join(CORPUS_ROOT, String(n));
  const started = performance.now();
  const wrote = await ensureCorpus(dir, n, { seed: Number(values.seed) });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    wrote ? `wrote ${n} articles to ${dir} in ${seconds} s\n` : `${dir} already holds this corpus\n`,
  );
}

if (isEntryPoint(import.meta.url)) await main();
