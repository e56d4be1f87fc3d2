/**
 * What went wrong, as text: an `Error`'s message, or whatever else was
 * thrown, as a string. `catch (err)` gives `unknown`, and a library may
 * reject with a string or a plain object; casting to `Error` then reads
 * `undefined`.
 */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The first line of {@link messageOf}: for one-line logs and reports (YAML and SQL errors quote the input below). */
export function firstLineOf(err: unknown): string {
  return messageOf(err).split("\n")[0]!;
}

/** The thrown value as an `Error`, for APIs that take one (releasing a pooled connection as broken). */
export function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
