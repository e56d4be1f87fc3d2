/** Told how far a long job has come: `done` of `total` items. */
export type OnProgress = (done: number, total: number) => void;

/**
 * `report`, passed on only when `done` reaches another `1/parts` of `total`
 * (and always at the total): a job may report every item, and whoever
 * reads it (a terminal line, a log) still gets at most `parts + 1` updates.
 * Counted in items, not in time, so what is reported depends only on the
 * work. A count lower than the last one starts a new run of the job.
 */
export function inSteps(parts: number, report: OnProgress): OnProgress {
  let reported = -1;
  let last = -1;
  return (done, total) => {
    if (done < last) reported = -1;
    last = done;
    const share = done >= total ? parts : Math.floor((done * parts) / total);
    if (share <= reported) return;
    reported = share;
    report(done, total);
  };
}
