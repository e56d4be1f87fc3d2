/**
 * The operator-facing text of a sync report: one line for the run, one per
 * account that changed, and one per file that needs a look.
 */
import type { SyncReport } from "./sync.ts";

const short = (commit: string | undefined) => (commit ? commit.slice(0, 10) : "none");

/** Render a sync report for the terminal or the log (ends with a newline). */
export function formatSyncReport(r: SyncReport): string {
  if (r.status === "up-to-date") return `up to date at ${short(r.commit)}: 0 new\n`;
  const lines: string[] = [];
  if (r.mode)
    lines.push(
      `${r.mode === "first" ? "first sync" : r.mode === "reclone" ? "history rewritten or source changed: cloned again" : "changes"} ${short(r.previous)} → ${short(r.commit)}`,
    );
  for (const a of r.accounts) {
    const imp = a.import;
    if (!imp && !a.error && a.gone.length === 0) continue;
    const listed = imp
      ? imp.listedOnly.new.length + imp.listedOnly.updated.length + imp.listedOnly.unchanged.length
      : 0;
    const counts = imp
      ? `new ${imp.imported.new.length}, updated ${imp.imported.updated.length}, unchanged ${imp.imported.unchanged.length}, skipped ${imp.skipped.length}${listed ? `; listed only (no backup) ${listed}, new ${imp.listedOnly.new.length}` : ""}`
      : "no backups to import";
    lines.push(`${a.account}: ${a.error ? `FAILED: ${a.error}` : counts}`);
    for (const s of imp?.skipped ?? []) lines.push(`  skipped ${s.file}: ${s.reason}`);
    for (const s of imp?.listedSkipped ?? []) lines.push(`  not listed: ${s.file}: ${s.reason}`);
    for (const f of a.gone)
      lines.push(`  gone from the source${a.pruned.length ? "" : " (article kept; --prune removes it)"}: ${f}`);
    for (const f of a.pruned) lines.push(`  removed: ${f}`);
  }
  for (const i of r.ignoredAccounts) lines.push(`ignored folder ${i.name}: ${i.reason}`);
  if (r.status === "failed")
    lines.push(
      `sync failed: ${r.error ?? "unknown error"}; the library is unchanged${r.accounts.length ? " except for the accounts above" : ""}`,
    );
  else
    lines.push(
      `total: ${r.newArticles} new, ${r.updated} updated, ${r.skipped} skipped${r.listedOnly ? `, ${r.listedOnly} new listed only (no backup)` : ""}`,
    );
  return `${lines.join("\n")}\n`;
}
