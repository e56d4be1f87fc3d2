/** A query with the titles a person would accept as the answer (none for no-answer queries). */
export interface JudgedQuery {
  query: string;
  kind: string;
  relevant: string[];
}

/** What a search engine under evaluation returns for one query. */
export interface EngineAnswer {
  titles: string[];
  /** The engine says it found nothing worth showing (the reader gets 没有找到). */
  lowConfidence?: boolean;
  /** The titles are shown as possibly related only (「没有完全对得上的…」), not as answers. */
  hedged?: boolean;
}

/** Quality figures of one kind of query. */
export interface Quality {
  kind: string;
  queries: number;
  /** Share of queries with a relevant title in the top 3 (for no-answer: share not answered with confidence). */
  recallAt3: number;
  /** Mean reciprocal rank of the first relevant title (no-answer: same as recallAt3). */
  mrr: number;
  /** Queries that failed, for diagnosis. */
  misses: string[];
}

/**
 * Score an engine on a judged query set, per kind of query and overall.
 * A no-answer query counts as correct when the engine returns nothing,
 * says 没有找到, or shows its titles only as possibly related; an
 * answerable one counts wherever its titles are shown, hedged or not.
 */
export function evaluate(judged: JudgedQuery[], engine: (q: string) => EngineAnswer): Quality[] {
  const byKind = new Map<string, { hits: number; rr: number; n: number; misses: string[] }>();
  const all = { hits: 0, rr: 0, n: 0, misses: [] as string[] };
  for (const j of judged) {
    const answer = engine(j.query);
    const rr = reciprocalRank(j, answer);
    const hit = j.relevant.length === 0 ? rr === 1 : rr >= 1 / 3;
    for (const acc of [byKind.get(j.kind) ?? { hits: 0, rr: 0, n: 0, misses: [] }, all]) {
      acc.n++;
      acc.rr += rr;
      if (hit) acc.hits++;
      else acc.misses.push(j.query);
      if (acc !== all) byKind.set(j.kind, acc);
    }
  }
  const row = (kind: string, a: typeof all): Quality => ({
    kind,
    queries: a.n,
    recallAt3: a.hits / a.n,
    mrr: a.rr / a.n,
    misses: a.misses,
  });
  return [...[...byKind].map(([k, a]) => row(k, a)), row("all", all)];
}

function reciprocalRank(j: JudgedQuery, answer: EngineAnswer): number {
  if (j.relevant.length === 0) return answer.titles.length === 0 || answer.lowConfidence || answer.hedged ? 1 : 0;
  if (answer.lowConfidence) return 0;
  const rank = answer.titles.findIndex((t) => j.relevant.includes(t));
  return rank < 0 ? 0 : 1 / (rank + 1);
}

/** A compact table of quality figures for reports. */
export function formatQuality(rows: Quality[]): string {
  const lines = rows.map((r) => `| ${r.kind} | ${r.queries} | ${r.recallAt3.toFixed(2)} | ${r.mrr.toFixed(2)} |`);
  return ["| kind | queries | recall@3 | MRR |", "|---|---|---|---|", ...lines].join("\n");
}
