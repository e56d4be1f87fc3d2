/**
 * A request the bot refuses or cannot carry out, with the sentence that
 * tells the user why (from `strings.ts`). The pipeline's error boundary
 * sends `message` as the reply; it is not a failure and is not logged as one.
 */
export class UserError extends Error {
  override readonly name = "UserError";
}
