import { readFileSync } from "node:fs";
import { latency, type Latency } from "./stats.ts";

/** Kinds of queries in the benchmark sets (the last two: a real archive's, see real-queries.ts). */
export type QueryKind = "chinese" | "latin" | "long" | "no-match" | "judged" | "phrase";

/** One benchmark query. */
export interface BenchQuery {
  kind: QueryKind;
  text: string;
}

/**
 * The fixed, mixed query set every engine answers: Chinese keywords that
 * occur in the corpus, Latin words, long sentences people type, and
 * queries nothing matches. Fixed so runs compare.
 */
export const BENCH_QUERIES: readonly BenchQuery[] = [
  ...[
    "墨荷",
    "呼吸机",
    "北漂",
    "无人驾驶",
    "高考志愿",
    "草台班子",
    "土豆",
    "七月半",
    "超慢跑",
    "蓝牙音箱",
    "罗振宇",
    "猫弟",
  ].map((text) => ({ kind: "chinese" as const, text })),
  ...["AI", "Midjourney", "iPhone", "ChatGPT", "AI视频", "Apple Watch"].map((text) => ({
    kind: "latin" as const,
    text,
  })),
  ...[
    "记得有篇文章讲AI做的视频为什么独特，是哪篇",
    "那篇讲照相机和绘画之间关系的文章",
    "在北京租房住了十六年之后对这座城市有什么看法",
    "高考结束以后应该怎样填报志愿才不会后悔",
    "为什么说坚持写作公众号其实是在难为自己",
  ].map((text) => ({ kind: "long" as const, text })),
  ...["量子计算机", "火星殖民地税收", "xyzzyplugh", "区块链挖矿教程", "奥林匹克滑雪"].map((text) => ({
    kind: "no-match" as const,
    text,
  })),
];

/** Latency per kind of query (those in the set) and over all of them. */
export type QueryLatencies = Partial<Record<QueryKind, Latency>> & { all: Latency };

/**
 * Answer the queries once to warm up (for at most a quarter of the
 * budget), then `reps` times more, timing each answer. Once `budgetMs` is
 * spent only kinds without a sample yet are still timed, so a slow engine
 * gets fewer samples, never a slower bench. `answer` may be async.
 */
export async function timeQueries(
  answer: (q: string, i: number) => unknown,
  reps: number,
  budgetMs = 20_000,
  queries: readonly BenchQuery[] = BENCH_QUERIES,
): Promise<QueryLatencies> {
  const samples = new Map<QueryKind | "all", number[]>();
  const bucket = (key: QueryKind | "all") => samples.get(key) ?? samples.set(key, []).get(key)!;
  const warming = performance.now();
  let i = 0;
  for (const q of queries) if (performance.now() - warming < budgetMs / 4) await answer(q.text, i++);
  const started = performance.now();
  for (let r = 0; r < reps; r++) {
    for (const q of queries) {
      if (performance.now() - started > budgetMs && samples.has(q.kind)) continue;
      const before = performance.now();
      await answer(q.text, i++);
      const ms = performance.now() - before;
      bucket("all").push(ms);
      bucket(q.kind).push(ms);
    }
  }
  return Object.fromEntries([...samples].map(([kind, s]) => [kind, latency(s)])) as QueryLatencies;
}

/** The query set of a run: read from `file` (written by real-queries.ts) when given, else {@link BENCH_QUERIES}. */
export function querySet(file: string | undefined): readonly BenchQuery[] {
  return file ? (JSON.parse(readFileSync(file, "utf8")) as BenchQuery[]) : BENCH_QUERIES;
}
