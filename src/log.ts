import pino, { type Logger } from "pino";

export type { Logger };

/**
 * The process logger: pretty, human-readable lines on a terminal, JSON
 * lines otherwise (for log collectors). Secrets are redacted by key name.
 */
export function createLogger(options: { level?: string; pretty?: boolean; destination?: pino.DestinationStream } = {}): Logger {
  const pretty = options.pretty ?? Boolean(process.stderr.isTTY);
  const base: pino.LoggerOptions = {
    level: options.level ?? "info",
    redact: { paths: ["token", "*.token", "config.telegramToken", "config.wechatyToken", "config.databaseUrl"], censor: "[secret]" },
  };
  if (options.destination) return pino(base, options.destination);
  if (pretty) {
    return pino({ ...base, transport: { target: "pino-pretty", options: { destination: 2, translateTime: "SYS:HH:MM:ss" } } });
  }
  return pino(base, pino.destination(2));
}

/** A logger that drops everything, for tests that do not inspect logs. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
