/**
 * The reader-written judged set on the real archive (bench/judged/reader-set.json):
 * each query typed into a private chat with a bot over `dir`, judged on
 * what the chat shows. Reported per kind and per split (tune / held-out),
 * with the share of confident answers that were wrong.
 *   tsx bench/reader-set.ts <articles dir> [--misses] [--kind K]
 */
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { Core } from "../src/bot/core.ts";
import { t } from "../src/bot/strings.ts";
import { openSnapshot } from "../src/catalog/live.ts";
import type { Incoming } from "../src/chat/message.ts";
import { silentLogger } from "../src/log.ts";
import { openSqliteStore } from "../src/store/sqlite.ts";
import { isEntryPoint } from "./entry.ts";

/** One judged query of the reader set. */
export interface ReaderQuery {
  query: string;
  kind: string;
  relevant: string[];
  split: "tune" | "held-out";
  account?: string;
}

/** What the chat showed for one query. */
export interface Shown {
  titles: string[];
  notFound: boolean;
  hedged: boolean;
}

/** Figures of one group of queries. */
export interface ReaderRow {
  kind: string;
  split: string;
  queries: number;
  /** Answerable: right article among the first 3 shown. No-answer: answered 没有找到. */
  at3: number;
  /** Answerable: right article shown first. */
  first: number;
  /** Confident answers (「找到」, not hedged) whose first 3 hold no right article, of all confident answers. */
  confidentWrong: number;
  misses: string[];
}

export const READER_SET = new URL("./judged/reader-set.json", import.meta.url);

export function readReaderSet(): ReaderQuery[] {
  return JSON.parse(readFileSync(READER_SET, "utf8")) as ReaderQuery[];
}

/** Ask a bot over `dir` every query, in a private chat, and keep what it showed. */
export async function askAll(dir: string, queries: readonly ReaderQuery[]): Promise<Map<string, Shown>> {
  const snapshot = await openSnapshot(dir, silentLogger());
  const tmp = await mkdtemp(path.join(os.tmpdir(), "reader-set-"));
  const store = await openSqliteStore(path.join(tmp, "bot.sqlite"));
  try {
    const bot = new Core({
      library: () => snapshot,
      store,
      clock: { now: () => new Date("2026-12-08T00:00:00Z") },
      log: silentLogger(),
      triggers: ["?"],
      adminIds: [],
      timeZone: "Asia/Shanghai",
      defaultPushTime: "07:30",
    });
    const shown = new Map<string, Shown>();
    for (const q of queries) {
      const message: Incoming = {
        platform: "console",
        chatId: "judge",
        userId: "judge",
        text: q.query,
        isGroup: false,
        mentioned: false,
      };
      const [reply] = await bot.handle(message);
      shown.set(q.query, {
        titles: reply?.kind === "articles" ? reply.articles.map((a) => a.title) : [],
        notFound: reply?.kind === "text" && reply.text.startsWith("没有找到"),
        hedged: reply?.kind === "articles" && reply.heading === t.perhaps,
      });
    }
    return shown;
  } finally {
    await store.close();
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Figures per kind and split, plus "all" rows per split. */
export function judge(queries: readonly ReaderQuery[], shown: Map<string, Shown>): ReaderRow[] {
  const groups = new Map<string, ReaderQuery[]>();
  for (const q of queries) {
    for (const key of [`${q.kind}|${q.split}`, `answerable|${q.split}`, `${q.kind}|both`, `answerable|both`]) {
      if (key.startsWith("answerable") && q.relevant.length === 0) continue;
      groups.set(key, [...(groups.get(key) ?? []), q]);
    }
  }
  return [...groups].map(([key, qs]) => {
    const [kind, split] = key.split("|") as [string, string];
    let at3 = 0;
    let first = 0;
    let confident = 0;
    let wrong = 0;
    const misses: string[] = [];
    for (const q of qs) {
      const s = shown.get(q.query)!;
      const rank = s.titles.findIndex((title) => q.relevant.includes(title));
      const ok = q.relevant.length === 0 ? s.notFound : rank >= 0 && rank < 3;
      if (ok) at3++;
      else
        misses.push(
          `${q.query} → ${s.notFound ? "没有找到" : `${s.hedged ? "(可能) " : ""}${s.titles.slice(0, 3).join(" / ")}`}`,
        );
      if (rank === 0) first++;
      if (s.titles.length > 0 && !s.hedged) {
        confident++;
        if (rank < 0 || rank >= 3) wrong++;
      }
    }
    return {
      kind,
      split,
      queries: qs.length,
      at3: at3 / qs.length,
      first: first / qs.length,
      confidentWrong: confident ? wrong / confident : 0,
      misses,
    };
  });
}

/** A Markdown table of the rows, answerable kinds first, then no-answer, then the totals. */
export function formatReaderRows(rows: readonly ReaderRow[]): string {
  const kinds = [...new Set(rows.map((r) => r.kind))].sort((a, b) => order(a) - order(b) || a.localeCompare(b));
  const cell = (kind: string, split: string) => {
    const r = rows.find((x) => x.kind === kind && x.split === split);
    if (!r) return "– | –";
    return kind === "no-answer" ? `${pct(r.at3)} 没有找到 | –` : `${pct(r.at3)} | ${pct(r.first)}`;
  };
  const count = (kind: string, split: string) => rows.find((x) => x.kind === kind && x.split === split)?.queries ?? 0;
  const lines = kinds.map(
    (k) => `| ${k} | ${count(k, "tune")} + ${count(k, "held-out")} | ${cell(k, "tune")} | ${cell(k, "held-out")} |`,
  );
  const wrong = (split: string) =>
    pct(rows.find((x) => x.kind === "answerable" && x.split === split)?.confidentWrong ?? 0);
  return [
    "| kind | queries (tune + held-out) | tune: in first 3 | tune: first | held-out: in first 3 | held-out: first |",
    "|---|---|---|---|---|---|",
    ...lines,
    `| confident answers that were wrong (answerable) | | ${wrong("tune")} | | ${wrong("held-out")} | |`,
  ].join("\n");
}

function order(kind: string): number {
  return kind === "answerable" ? 2 : kind === "no-answer" ? 1 : 0;
}

function pct(x: number): string {
  return `${(100 * x).toFixed(0)} %`;
}

if (isEntryPoint(import.meta.url)) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { misses: { type: "boolean" }, kind: { type: "string" }, split: { type: "string" } },
  });
  const dir = positionals[0] ?? "/tmp/real/articles";
  let queries = readReaderSet();
  const started = performance.now();
  const shown = await askAll(dir, queries);
  const rows = judge(queries, shown);
  console.log(formatReaderRows(rows));
  console.log(`(${queries.length} queries in ${Math.round(performance.now() - started)} ms)`);
  if (values.misses) {
    queries = queries.filter(
      (q) => (!values.kind || q.kind === values.kind) && (!values.split || q.split === values.split),
    );
    for (const r of rows.filter(
      (x) =>
        x.split === (values.split ?? "tune") && x.kind !== "answerable" && (!values.kind || x.kind === values.kind),
    )) {
      console.log(`\n## ${r.kind} (${r.split})`);
      for (const m of r.misses) console.log(`- ${m}`);
    }
  }
}
