/**
 * The sync inside `start`: runs {@link syncLibrary} on `SYNC_CRON` (and
 * once at start), one run at a time, and remembers the outcome for
 * `/stats` and `/healthz`. A failed run is logged and simply tried again
 * at the next tick; the library keeps serving what it has.
 */
import type { Clock } from "../clock.ts";
import { cronTicker, type Ticker } from "../cron.ts";
import type { Logger } from "../log.ts";
import { formatSyncReport } from "./report.ts";
import { readState } from "./state.ts";
import { failedReport, syncDirOf, syncLibrary, type SyncOptions, type SyncReport } from "./sync.ts";
import { messageOf } from "../util/errors.ts";

/** What the service needs; everything is passed in. */
export interface SyncServiceDeps {
  options: Omit<SyncOptions, "log" | "clock">;
  /** When to sync (`SYNC_CRON`), in `timeZone`. */
  cron: string;
  timeZone: string;
  clock: Clock;
  log: Logger;
  /** Default: a node-cron job on `cron`. */
  ticker?: Ticker;
  /** Told after every run that wrote articles, e.g. to reload the library at once. */
  onChanged?: (report: SyncReport) => Promise<void> | void;
}

/** One finished sync, as `/stats` and `/healthz` show it. */
export interface SyncOutcome {
  /** ISO time the run finished. */
  at: string;
  /** `synced`, `up-to-date` or `failed`. */
  result: SyncReport["status"];
  newArticles: number;
  /** New listings (list entries without a backup) that run wrote; absent when none. */
  listedOnly?: number;
  commit?: string;
  error?: string;
}

/** The service's view of syncing so far. */
export interface SyncStatus {
  last?: SyncOutcome;
  /** The last run that succeeded (kept across restarts in the sync state). */
  lastSuccess?: SyncOutcome;
  /** The last run's report as the operator reads it (per account, files skipped and why): the web console shows it. */
  lastReport?: string;
  running: boolean;
}

/** Runs the sync on a schedule inside the bot. */
export class SyncService {
  private current?: Promise<SyncReport>;
  private stopTicker?: () => void;
  private stopping = false;
  private last?: SyncOutcome;
  private lastSuccess?: SyncOutcome;
  private lastReport?: string;
  private readonly abort = new AbortController();

  constructor(private readonly deps: SyncServiceDeps) {}

  /** Read the last successful sync from disk, start the schedule and sync once now. */
  async start(): Promise<void> {
    const state = await readState(syncDirOf(this.deps.options.dataDir));
    if (state)
      this.lastSuccess = { at: state.syncedAt, result: "synced", newArticles: state.newArticles, commit: state.commit };
    const ticker = this.deps.ticker ?? cronTicker(this.deps.cron, this.deps.timeZone, this.deps.log, "sync");
    this.stopTicker = ticker(() => void this.run());
    this.deps.log.info(
      { cron: this.deps.cron, branch: this.deps.options.branch, accounts: this.deps.options.accounts },
      "sync scheduled",
    );
    void this.run();
  }

  /** Sync now, or join the run in progress. Never rejects: a failure is in the report. */
  run(): Promise<SyncReport | undefined> {
    if (this.stopping) return Promise.resolve(undefined);
    this.current ??= this.execute().finally(() => {
      this.current = undefined;
    });
    return this.current;
  }

  private async execute(): Promise<SyncReport> {
    const { log } = this.deps;
    let report: SyncReport;
    try {
      report = await syncLibrary({ ...this.deps.options, log, clock: this.deps.clock, signal: this.abort.signal });
    } catch (err) {
      // Options that can never work (bad account names): reported on every run until fixed.
      const now = this.deps.clock.now().toISOString();
      report = failedReport(now, now, messageOf(err));
    }
    const outcome: SyncOutcome = {
      at: report.finishedAt,
      result: report.status,
      newArticles: report.newArticles,
      ...(report.listedOnly > 0 && { listedOnly: report.listedOnly }),
      commit: report.commit,
      error: report.error,
    };
    this.last = outcome;
    this.lastReport = formatSyncReport(report);
    if (report.status === "failed") {
      log.error(
        { err: report.error },
        `sync failed; the library is unchanged and the next run tries again\n${formatSyncReport(report)}`,
      );
    } else {
      this.lastSuccess = outcome;
      if (report.status === "synced")
        log.info(
          { commit: report.commit, newArticles: report.newArticles, updated: report.updated },
          `sync finished\n${formatSyncReport(report)}`,
        );
      else log.debug({ commit: report.commit }, "sync: up to date");
    }
    if (
      report.newArticles + report.updated + report.listedOnly > 0 ||
      report.accounts.some((a) => a.pruned.length > 0)
    ) {
      await Promise.resolve(this.deps.onChanged?.(report)).catch((err: unknown) =>
        log.error({ err }, "after-sync step failed"),
      );
    }
    return report;
  }

  /** What `/stats` and `/healthz` show. */
  status(): SyncStatus {
    return {
      last: this.last,
      lastSuccess: this.lastSuccess,
      lastReport: this.lastReport,
      running: this.current !== undefined,
    };
  }

  /** Stop the schedule and a run in progress (git is killed; files already written stay, whole). */
  async stop(): Promise<void> {
    this.stopping = true;
    this.stopTicker?.();
    this.abort.abort();
    await this.current;
  }
}
