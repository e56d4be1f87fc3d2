/** What a table shows for a figure that was not measured. */
export const DASH = "—";

/** Milliseconds for a table: `0.42 ms`, `37 ms`, `12.3 s`. */
export function ms(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return DASH;
  if (value >= 1000) return `${(value / 1000).toFixed(1)} s`;
  return value < 10 ? `${value.toFixed(2)} ms` : `${Math.round(value)} ms`;
}

/** Megabytes for a table. */
export function mb(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? DASH : `${Math.round(value)} MB`;
}

/** How many times slower `other` is than `ours`: `×12`, `×0.8`. */
export function ratio(other: number | undefined, ours: number | undefined): string {
  if (other === undefined || ours === undefined || !(ours > 0) || !Number.isFinite(other)) return DASH;
  const r = other / ours;
  return `×${r >= 10 ? Math.round(r) : r.toFixed(1)}`;
}

/** A markdown table. */
export function table(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(" | ")} |`,
    `|${header.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ].join("\n");
}
