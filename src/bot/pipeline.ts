import type { Incoming, Reply } from "../chat/message.ts";
import type { Invocation } from "./command.ts";

/** One request on its way through the core, and what each stage has learned about it so far. */
export interface RequestContext {
  readonly msg: Incoming;
  /** Set by addressing: the text meant for the bot, without a group's trigger prefix. */
  text?: string;
  /** Set by admission when the chat (or, for buttons and inline queries, the user) is over its flood limit. */
  limited?: "warn" | "drop";
  /** Set by parsing: the command asked for and the words after it. */
  command?: Invocation;
}

/**
 * One step of the request pipeline: answer the request itself (returning
 * the replies), or hand it on with `next()` and return what came back.
 * A stage may throw a {@link UserError} to refuse with a sentence; the
 * pipeline's one error boundary turns it into the reply.
 */
export type Stage = (ctx: RequestContext, next: () => Promise<Reply[]>) => Promise<Reply[]>;

/**
 * Run `stages` in order; a request that passes them all gets no reply. A
 * stage that calls `next()` twice would run the rest of the pipeline twice
 * (two answers, two subscriptions): like grammY and hono, that is refused
 * with an error naming the stage, a programming mistake caught in tests.
 */
export function compose(stages: readonly Stage[]): (ctx: RequestContext) => Promise<Reply[]> {
  const run = (ctx: RequestContext, i: number): Promise<Reply[]> => {
    const stage = stages[i];
    if (!stage) return Promise.resolve([]);
    let called = false;
    return stage(ctx, () => {
      if (called) return Promise.reject(new Error(`pipeline stage ${i} (${stage.name || "anonymous"}) called next() twice`));
      called = true;
      return run(ctx, i + 1);
    });
  };
  return (ctx) => run(ctx, 0);
}
