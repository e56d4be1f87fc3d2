import type pg from "pg";
import type { Logger } from "../log.ts";
import { LOCK_NAMESPACE } from "./postgres-schema.ts";
import type { StoreLock } from "./store.ts";
import { asError } from "../util/errors.ts";

/**
 * Try to take the session-level advisory lock `name` on a connection of
 * its own, kept out of the pool while the lock is held. PostgreSQL frees
 * the lock when that session ends, so a holder that dies (killed, host
 * gone, network cut noticed by keep-alive) loses it without any timeout
 * of ours, and another instance can take over at once.
 */
export async function tryAdvisoryLock(pool: pg.Pool, name: string, log: Logger): Promise<StoreLock | undefined> {
  const client = await pool.connect();
  // A checked-out client has no pool listener: an unhandled 'error' would crash the process.
  const onError = (err: Error) =>
    log.warn({ lock: name, err: err.message }, "connection holding a lock failed; the lock is lost");
  client.on("error", onError);
  const giveBack = (err?: Error) => {
    client.off("error", onError);
    client.release(err);
  };
  try {
    const { rows } = await client.query<{ locked: boolean }>(
      "SELECT pg_try_advisory_lock(hashtext($1), hashtext($2)) AS locked",
      [LOCK_NAMESPACE, name],
    );
    if (!rows[0]?.locked) {
      giveBack();
      return undefined;
    }
  } catch (err) {
    giveBack(asError(err));
    throw err;
  }
  let held = true;
  return {
    release: async () => {
      if (!held) return;
      held = false;
      try {
        await client.query("SELECT pg_advisory_unlock(hashtext($1), hashtext($2))", [LOCK_NAMESPACE, name]);
        giveBack();
      } catch (err) {
        // Closing the session frees the lock just as well.
        giveBack(asError(err));
      }
    },
  };
}
