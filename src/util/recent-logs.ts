/** One log line kept for the console. */
export interface RecentLine {
  /** ISO time. */
  at: string;
  level: "warn" | "error" | "fatal";
  msg: string;
  /** The line's other fields (component, platform, err…), as pino wrote them. */
  fields: Record<string, unknown>;
}

const LEVELS: Record<number, RecentLine["level"]> = { 40: "warn", 50: "error", 60: "fatal" };
/** Fields every line has; the console shows the rest. */
const PLUMBING = new Set(["level", "time", "msg", "pid", "hostname"]);
/** A hostile message (a chat text quoted in a warning) must not blow up the console page. */
const MAX_LINE_CHARS = 4_000;

/**
 * The last warn-and-above log lines of this process, for the web console.
 * It is a pino destination fed by the logger's multistream, so it sees a
 * line only after the logger scrubbed its secrets (src/log.ts).
 */
export class RecentLogs {
  private readonly lines: RecentLine[] = [];

  constructor(private readonly capacity = 200) {}

  /** pino's destination interface: one serialized JSON line per call. */
  write(chunk: string): void {
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(chunk) as Record<string, unknown>;
    } catch {
      return;
    }
    const level = LEVELS[Number(parsed.level)];
    if (!level) return;
    const fields: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(parsed)) if (!PLUMBING.has(k)) fields[k] = v;
    this.lines.push({
      at: new Date(Number(parsed.time) || Date.now()).toISOString(),
      level,
      msg: String(parsed.msg ?? "").slice(0, MAX_LINE_CHARS),
      fields,
    });
    if (this.lines.length > this.capacity) this.lines.shift();
  }

  /** Newest first. */
  list(): RecentLine[] {
    return [...this.lines].reverse();
  }
}
