import { mb, ms, table } from "./format.ts";
import { coldRatio, medianCold, ours, sizeLabel, type BenchRun, type SizeResult } from "./results.ts";

/** A figure the issues promise, at one corpus size. */
interface Target {
  /** A generated corpus of this many articles, or "real": the archive given with --corpus. */
  articles: number | "real";
  what: string;
  /** Issue that sets it. */
  source: string;
  limit: number;
  unit: "ms" | "MB" | "×";
  measure(size: SizeResult, run: BenchRun): number | undefined;
}

const TARGETS: Target[] = [
  {
    articles: "real",
    what: "cold start with persisted index ÷ empty library",
    source: "#14",
    limit: 1.3,
    unit: "×",
    measure: (s, run) => coldRatio(s, run),
  },
  {
    articles: "real",
    what: "first build (no cache)",
    source: "#14",
    limit: 30_000,
    unit: "ms",
    measure: (s) => ours(s)?.buildMs,
  },
  {
    articles: "real",
    what: "reload after 10 new files",
    source: "#14",
    limit: 2000,
    unit: "ms",
    measure: (s) => ours(s)?.incrementalMs,
  },
  {
    articles: "real",
    what: "serving RSS",
    source: "#14",
    limit: 500,
    unit: "MB",
    measure: (s) => ours(s)?.servingRssMb,
  },
  {
    articles: "real",
    what: "query p50",
    source: "#14",
    limit: 2,
    unit: "ms",
    measure: (s) => ours(s)?.queries.all.p50,
  },
  {
    articles: "real",
    what: "query p99",
    source: "#14",
    limit: 10,
    unit: "ms",
    measure: (s) => ours(s)?.queries.all.p99,
  },
  {
    articles: 10_000,
    what: "query p99",
    source: "#6, #8",
    limit: 10,
    unit: "ms",
    measure: (s) => ours(s)?.queries.all.p99,
  },
  { articles: 10_000, what: "query p50", source: "#8", limit: 2, unit: "ms", measure: (s) => ours(s)?.queries.all.p50 },
  {
    articles: 10_000,
    what: "cold start with persisted index",
    source: "#6",
    limit: 1000,
    unit: "ms",
    measure: (s) => medianCold(s.cold.withCache),
  },
  { articles: 10_000, what: "index build", source: "#8", limit: 30_000, unit: "ms", measure: (s) => ours(s)?.buildMs },
  {
    articles: 10_000,
    what: "serving RSS",
    source: "#8",
    limit: 500,
    unit: "MB",
    measure: (s) => ours(s)?.servingRssMb,
  },
  {
    articles: 100_000,
    what: "starts and answers: peak RSS",
    source: "#14",
    limit: 2048,
    unit: "MB",
    measure: (s) => ours(s)?.peakRssMb,
  },
];

/** Each target of a measured size: limit, measured value, met or not. */
export function targetsTable(run: BenchRun): string {
  const rows = TARGETS.flatMap((t) => {
    const size = run.sizes.find((s) => (t.articles === "real" ? s.real : !s.real && s.articles === t.articles));
    if (!size) return [];
    const value = t.measure(size, run);
    const show =
      t.unit === "ms"
        ? ms
        : t.unit === "MB"
          ? mb
          : (v: number | undefined) => (v === undefined ? "—" : `×${v.toFixed(2)}`);
    const verdict = value === undefined ? "not measured" : value <= t.limit ? "met" : "**missed**";
    return [
      [
        t.articles === "real" ? sizeLabel(size) : t.articles.toLocaleString("en"),
        t.what,
        t.source,
        `≤ ${show(t.limit)}`,
        show(value),
        verdict,
      ],
    ];
  });
  return rows.length > 0
    ? table(["articles", "target", "issue", "limit", "measured", "verdict"], rows)
    : "_no target size measured_";
}
