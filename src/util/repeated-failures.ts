import { firstLineOf } from "./errors.ts";

/** How often one failure class may write a line. */
export const REPEAT_WINDOW_MS = 60_000;

/** Longest error message that names a failure class (the rest of a long message is detail, not class). */
const CLASS_CHARS = 120;

/** Runs `run` after `ms`; must not keep the process alive (the default unrefs its timer). */
export type Schedule = (run: () => void, ms: number) => void;

const unrefTimer: Schedule = (run, ms) => void setTimeout(run, ms).unref();

interface OpenWindow {
  /** Failures of the class since its last line. */
  count: number;
  /** Writes the summary line for `count` failures, with the latest failure's fields. */
  summarize: (count: number) => void;
}

/**
 * Failures grouped by class, a line per class per minute. When the disk
 * is full every chat's every request fails the same way, and logging each
 * with its stack writes megabytes onto that full disk: the first failure
 * of a class is written in full, the rest of its minute only counted, and
 * the count written at the end of the minute (the class stays open while
 * it keeps failing: one line a minute). A class that stayed quiet for a
 * minute is forgotten, so its next failure is written in full again.
 */
export class RepeatedFailures {
  private readonly open = new Map<string, OpenWindow>();

  constructor(
    private readonly windowMs = REPEAT_WINDOW_MS,
    private readonly schedule: Schedule = unrefTimer,
  ) {}

  /**
   * One failure of class `key`: true when it is to be written now, false
   * when it was counted (`summarize` then writes its minute's count later).
   */
  seen(key: string, summarize: (count: number) => void): boolean {
    const window = this.open.get(key);
    if (window) {
      window.count++;
      window.summarize = summarize;
      return false;
    }
    this.open.set(key, { count: 0, summarize });
    this.schedule(() => this.close(key), this.windowMs);
    return true;
  }

  private close(key: string): void {
    const window = this.open.get(key);
    if (!window) return;
    if (window.count === 0) return void this.open.delete(key);
    const { count } = window;
    window.count = 0;
    this.schedule(() => this.close(key), this.windowMs);
    window.summarize(count);
  }
}

/**
 * The class of a thrown value: its code when it has one (`SQLITE_FULL`,
 * `ENOSPC`, `ECONNRESET`: the same for every chat it hits), else its name
 * and the first line of its message, cut (SQL and YAML errors quote their
 * input below the first line).
 */
export function failureClass(err: unknown): string {
  const code = (err as { code?: unknown } | null | undefined)?.code;
  if (typeof code === "string" || typeof code === "number") return String(code);
  const name = err instanceof Error ? err.name : typeof err;
  return `${name}: ${firstLineOf(err).slice(0, CLASS_CHARS)}`;
}
