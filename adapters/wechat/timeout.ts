/** A call to WeChat that did not answer in time. */
export class TimeoutError extends Error {
  override readonly name = "TimeoutError";
}

/**
 * Settle with `promise`, or reject with a {@link TimeoutError} after `ms`.
 * Puppets talk to WeChat over networks that can hang; nothing may wait on
 * them forever. The underlying call is not cancelled (puppets offer no way
 * to), so a timed-out send may still arrive.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
