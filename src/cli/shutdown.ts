/** Why the process stops, and how it should exit. */
export interface StopRequest {
  reason: string;
  exitCode: number;
  /** One line for the operator (stderr), e.g. what to fix in the configuration. */
  message?: string;
}

/** Longest a stop may take after it was requested, before the process exits anyway. */
export const HARD_EXIT_MS = 9_000;

/**
 * The process's way to stop: the first SIGINT/SIGTERM (at any moment,
 * start-up included) or the first {@link request} aborts `signal` and
 * settles `requested`; a second signal exits at once. Whatever still runs
 * {@link HARD_EXIT_MS} after the request (a puppet that does not stop, a
 * library load that is not interruptible), the process exits then, so a
 * supervisor's SIGTERM is always obeyed within 10 s.
 */
export class Shutdown {
  readonly requested: Promise<StopRequest>;
  private readonly controller = new AbortController();
  private resolve: (request: StopRequest) => void = () => {};
  private first?: StopRequest;
  private readonly onSignal = (signal: NodeJS.Signals) => {
    if (this.first) {
      process.stderr.write(`article-bot: ${signal} again; exiting now\n`);
      process.exit(128 + (signal === "SIGINT" ? 2 : 15));
    }
    this.request(signal);
  };

  constructor(private readonly hardExitMs = HARD_EXIT_MS) {
    this.requested = new Promise((resolve) => (this.resolve = resolve));
    process.on("SIGINT", this.onSignal);
    process.on("SIGTERM", this.onSignal);
  }

  /** Aborted once a stop was requested. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Ask the process to stop; only the first request counts. */
  request(reason: string, exitCode = 0, message?: string): void {
    if (this.first) return;
    this.first = { reason, exitCode, message };
    this.controller.abort(new Error(reason));
    // Unref'd: a clean stop exits earlier by itself; this only ends a stop that hangs.
    setTimeout(() => {
      process.stderr.write(`article-bot: still stopping after ${this.hardExitMs / 1000} s (${reason}); exiting\n`);
      process.exit(exitCode);
    }, this.hardExitMs).unref();
    this.resolve(this.first);
  }

  /** Stop listening for signals (the process is about to end). */
  dispose(): void {
    process.off("SIGINT", this.onSignal);
    process.off("SIGTERM", this.onSignal);
  }
}
