/** A call that did not settle in time. */
export class TimeoutError extends Error {
  override readonly name = "TimeoutError";
}

/**
 * Settle with `promise`, or reject with a {@link TimeoutError} after `ms`.
 * Networks and puppets can hang; nothing may wait on them forever. The
 * underlying call is not cancelled (most offer no way to), so a timed-out
 * send may still arrive.
 */
export function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Whether `promise` settled (either way) within `ms`: for draining at shutdown, where running late is an answer, not an error. */
export function settledWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return withDeadline(
    promise.then(
      () => true,
      () => true,
    ),
    ms,
    "",
  ).catch(() => false);
}
