import { createInterface } from "node:readline";
import { commandLogLevel, loadConfig } from "../config.ts";
import type { SearchIndex, SearchResult } from "../search/index.ts";
import { LibraryCache } from "../catalog/cache.ts";
import { openSnapshot } from "../catalog/live.ts";
import { createLogger } from "../log.ts";
import { processSecrets } from "./platforms.ts";
import { parseOrUsage } from "./args.ts";
import { indexingLine, terminalProgress } from "./progress.ts";

const USAGE = `usage: article-bot search [<query>] [--json] [--limit N] [--data <dir>]

Searches the library as the bot does. Without a query, reads one query per
stdin line and prints one JSON line per query.
  --json          the result as JSON (one object; see README for the fields)
  --limit N       at most N results (default 10)
  --data <dir>    data directory (must exist)
  -h, --help      this help`;

/** One line of `search --json` output: a stable contract for evaluation tools. */
export interface SearchJson {
  query: string;
  low_confidence: boolean;
  /** Low confidence, but the first result stands out: the bot offers it as 「也许是这篇」. */
  tentative: boolean;
  total: number;
  results: Array<{ id: string; title: string; url: string | null; date: string; summary: string; score: number }>;
}

/**
 * `article-bot search <query> [--limit N] [--json]`. Without a query it
 * reads one query per stdin line and prints one JSON line per query.
 */
export async function run(args: string[]): Promise<number> {
  const parsed = parseOrUsage(args, { limit: { type: "string" }, json: { type: "boolean" } }, USAGE);
  if ("exitCode" in parsed) return parsed.exitCode;
  const { values, positionals } = parsed.args;
  const limit = values.limit === undefined ? 10 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1) {
    process.stderr.write("--limit must be a positive whole number\n");
    return 2;
  }
  const config = loadConfig(values.data ? { ...process.env, DATA_DIR: values.data } : process.env);
  const log = createLogger({ level: commandLogLevel(process.env), secrets: processSecrets() });
  const { index } = await openSnapshot(
    config.articlesDir,
    log,
    LibraryCache.for(config.articlesDir),
    terminalProgress(process.stderr, indexingLine),
  );
  const query = positionals.join(" ").trim();
  if (query) {
    const json = toJson(query, index, limit);
    process.stdout.write(values.json ? `${JSON.stringify(json, null, 2)}\n` : formatText(json));
    return 0;
  }
  for await (const line of createInterface({ input: process.stdin, terminal: false })) {
    if (line.trim()) process.stdout.write(`${JSON.stringify(toJson(line.trim(), index, limit))}\n`);
  }
  return 0;
}

/** Search and shape the result as the CLI's JSON contract. */
export function toJson(query: string, index: SearchIndex, limit: number): SearchJson {
  const result: SearchResult = index.search(query, { limit });
  return {
    query,
    low_confidence: result.lowConfidence,
    tentative: result.tentative,
    total: result.total,
    results: result.hits.map((h) => ({
      id: h.article.id,
      title: h.article.title,
      url: h.article.url ?? null,
      date: h.article.date,
      summary: h.article.summary,
      score: Number(h.score.toFixed(4)),
    })),
  };
}

function formatText(json: SearchJson): string {
  if (json.results.length === 0) return `no results for "${json.query}"\n`;
  const lines = json.results.map((r, i) => `${i + 1}. ${r.title} (${r.date}) score=${r.score}\n   ${r.url ?? ""}`);
  const note = json.low_confidence ? "(low confidence: nothing matches well)\n" : "";
  return `${note}${lines.join("\n")}\n`;
}
