import pg from "pg";
import type { Logger } from "../log.ts";

/** Connection tuning of the PostgreSQL store; every field has a default. */
export interface PoolOptions {
  /** Connections per process. Default 10 (a push claims with up to 8 sends in flight). */
  max?: number;
  /** Give up connecting after this long. Default 10 s. */
  connectTimeoutMs?: number;
  /** The server cancels any statement running longer. Default 15 s. */
  statementTimeoutMs?: number;
  /** Attempts after a lost connection, for statements that are safe to repeat. Default 2. */
  retries?: number;
}

/**
 * Keep-alive probes the server sends on our sessions: a host that vanished
 * (power loss, network cut — no FIN ever arrives) is noticed within about
 * a minute instead of the OS default of over two hours, and so is freed
 * the push lock its session held.
 */
const SERVER_KEEPALIVE = "-c tcp_keepalives_idle=30 -c tcp_keepalives_interval=10 -c tcp_keepalives_count=3";

/**
 * A node-postgres pool with deadlines on connecting, on every statement
 * and on idle transactions, and TCP keep-alive both ways so a dead server,
 * or a dead instance holding a lock, is noticed. Errors of idle
 * connections are logged instead of crashing the process; the pool
 * replaces them.
 */
export function createPool(url: string, log: Logger, options: PoolOptions = {}): pg.Pool {
  const statementMs = options.statementTimeoutMs ?? 15_000;
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    statement_timeout: statementMs,
    query_timeout: statementMs + 5_000,
    idle_in_transaction_session_timeout: 60_000,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    options: SERVER_KEEPALIVE,
    application_name: "article-bot",
  });
  pool.on("error", (err) => log.warn({ err: err.message }, "idle PostgreSQL connection failed; it will be replaced"));
  return pool;
}

/**
 * Run one statement, again on a fresh connection when the connection was
 * lost before an answer came (server restart, network cut). Only for
 * statements whose repetition is harmless: every store write is an
 * upsert or an update to a fixed state, and a claim repeated by the same
 * owner is granted again.
 */
export async function query<Row extends pg.QueryResultRow>(
  pool: pg.Pool,
  text: string,
  values: unknown[] = [],
  retries = 2,
): Promise<pg.QueryResult<Row>> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await pool.query<Row>(text, values);
    } catch (err) {
      if (attempt >= retries || !isConnectionError(err)) throw err;
      await new Promise((resolve) => setTimeout(resolve, 200 * (attempt + 1)));
    }
  }
}

/** SQLSTATE classes and socket errors that mean "the connection went away", not "the statement is wrong". */
const CONNECTION_CODES = /^(08|57P0[1-3]|ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT)/;

/** Whether `err` is a lost or refused connection rather than a failed statement. */
export function isConnectionError(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  if (typeof e?.code === "string" && CONNECTION_CODES.test(e.code)) return true;
  return (
    typeof e?.message === "string" && /Connection terminated|timeout exceeded when trying to connect/i.test(e.message)
  );
}
