import { mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { importBackups } from "../src/importer/import.ts";
import type { Article, Zen } from "../src/library/article.ts";
import { isDigest } from "../src/library/library.ts";
import { loadLibrary } from "../src/library/load.ts";
import { segmenter } from "../src/search/segmenter.ts";

/** The raw sample the importer reads, for when data/articles is still empty (the importer tests' fixture). */
export const RAW_BACKUPS = fileURLToPath(new URL("../tests/fixtures/importer/corpus/槽边往事", import.meta.url));

/** Pieces of real articles that generated articles are recombined from. */
export interface SourceMaterial {
  /** Number of real articles the material comes from. */
  articles: number;
  /** Whole sentences of article bodies (with their closing punctuation). */
  sentences: string[];
  /** Short clauses (4–12 characters), for titles. */
  clauses: string[];
  /** Words of two to four Han characters, for titles. */
  words: string[];
  titles: string[];
  zens: Zen[];
  covers: string[];
  /** Markdown image paragraphs found in bodies. */
  images: string[];
}

const SENTENCE = /[^。！？!?…\n]+[。！？!?…]+["”’」』）)]*/g;
const CLAUSE_BREAK = /[，。！？、：；,.!?:;「」“”‘’《》（）()…—\s]+/;
const IMAGE_LINE = /^!\[[^\]]*\]\([^)\s]+\)$/;

/**
 * Read the material of a front-matter library (`dir`); when it holds no
 * article yet, import the raw 小懒 backups into a temp dir first.
 */
export async function readSource(dir: string, rawBackups = RAW_BACKUPS): Promise<SourceMaterial> {
  const direct = (await hasMarkdown(dir)) ? await loadLibrary(dir) : undefined;
  if (direct && direct.articles.length > 0) return materialOf(direct.articles);
  const tmp = await mkdtemp(path.join(os.tmpdir(), "bench-source-"));
  try {
    await importBackups({ backupDir: rawBackups, listPage: `${rawBackups}.md`, outDir: tmp });
    return materialOf((await loadLibrary(tmp)).articles);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

async function hasMarkdown(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).some((f) => f.endsWith(".md"));
  } catch {
    return false;
  }
}

/** Cut real articles into reusable pieces; the order is stable, so generation is deterministic. */
export function materialOf(articles: readonly Article[]): SourceMaterial {
  const sentences: string[] = [];
  const images: string[] = [];
  for (const a of articles) {
    for (const paragraph of a.body.split(/\n{2,}/).map((p) => p.trim())) {
      if (IMAGE_LINE.test(paragraph)) images.push(paragraph);
      // Links and list items of digest posts are navigation, not prose.
      else if (!paragraph.includes("](")) sentences.push(...(paragraph.match(SENTENCE) ?? []).map((s) => s.trim()));
    }
  }
  const prose = sentences.filter((s) => /\p{Script=Han}/u.test(s));
  const clauses = unique(prose.flatMap((s) => s.split(CLAUSE_BREAK)).filter((c) => c.length >= 4 && c.length <= 12));
  const text = [...articles.map((a) => a.title), ...prose].join("\n");
  const words = unique(
    segmenter()
      .cut(text, true)
      .filter((w) => /^\p{Script=Han}{2,4}$/u.test(w)),
  );
  return {
    articles: articles.length,
    sentences: prose,
    clauses,
    words,
    // Digest titles would turn generated articles into digests, which rank and list differently.
    titles: articles.filter((a) => !isDigest(a)).map((a) => a.title),
    zens: articles.flatMap((a) => (a.zen ? [a.zen] : [])),
    covers: articles.flatMap((a) => (a.cover ? [a.cover] : [])),
    images,
  };
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}
