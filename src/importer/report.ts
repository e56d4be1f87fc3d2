/**
 * The operator-facing text of an import report: counts first, then one line
 * per file that needs a look.
 */
import type { ImportReport } from "./import.ts";

/** Render a report as plain text for the terminal (ends with a newline). */
export function formatReport(r: ImportReport, outDir: string): string {
  const imported = r.imported.new.length + r.imported.updated.length + r.imported.unchanged.length;
  const lines = [
    `backups: ${r.total}${r.account ? ` (account ${r.account}${r.accountFrom === "folder name" ? ": the folder's name; --account NAME to change it" : ""})` : ""}`,
    `imported: ${imported} (new ${r.imported.new.length}, updated ${r.imported.updated.length}, unchanged ${r.imported.unchanged.length}) → ${outDir}`,
    `skipped: ${r.skipped.length}`,
    ...r.skipped.map((s) => `  ${s.file}: ${s.reason}`),
    ...(r.notRead.length ? [`not read: ${r.notRead.length}`, ...r.notRead.map((s) => `  ${s.file}: ${s.reason}`)] : []),
    `without date: ${r.withoutDate.length}${r.withoutDate.length ? " (skipped: date is required)" : ""}`,
    ...r.withoutDate.map((f) => `  ${f}`),
    `without zen: ${r.withoutZen.length}${r.withoutZen.length ? " (imported without a 禅定时刻 image)" : ""}`,
    ...r.withoutZen.map((f) => `  ${f}`),
  ];
  const listed = r.listedOnly.new.length + r.listedOnly.updated.length + r.listedOnly.unchanged.length;
  if (listed || r.listedSkipped.length) {
    lines.push(
      `listed only (no backup: title, date and link from the list page): ${listed} (new ${r.listedOnly.new.length}, updated ${r.listedOnly.updated.length}, unchanged ${r.listedOnly.unchanged.length})`,
      ...r.listedSkipped.map((s) => `  not listed: ${s.file}: ${s.reason}`),
    );
  }
  if (r.notInList.length)
    lines.push(`not on the list page: ${r.notInList.length}`, ...r.notInList.map((f) => `  ${f}`));
  if (r.listDuplicates.length) {
    lines.push(
      `listed twice on the list page (first entry used): ${r.listDuplicates.length}`,
      ...r.listDuplicates.map((t) => `  ${t}`),
    );
  }
  return `${lines.join("\n")}\n`;
}
