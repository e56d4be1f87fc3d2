import type { Logger } from "../log.ts";
import { firstLineOf } from "../util/errors.ts";

/**
 * What `start` opened, closed in reverse order: the push stops before the
 * store it writes to, the store last. Each part is registered right after
 * it opened, so a start-up that fails halfway closes exactly what it had.
 */
export class Lifetime {
  private readonly closers: Array<{ name: string; close: () => Promise<void> }> = [];

  constructor(private readonly log: Logger) {}

  /** Register how to close something that is now open. */
  add(name: string, close: () => Promise<void>): void {
    this.closers.push({ name, close });
  }

  /** Close everything, last opened first; a part that fails to close is logged and the rest still close. */
  async close(): Promise<void> {
    for (const { name, close } of this.closers.splice(0).reverse()) {
      await close().catch((err: unknown) =>
        this.log.warn({ part: name, err: firstLineOf(err) }, "could not close cleanly"),
      );
    }
  }
}
