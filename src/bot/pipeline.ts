import type { Reply } from "../chat/message.ts";
import type { Invocation } from "./command.ts";
import type { Request } from "./request.ts";

/**
 * One request on its way through the core, and what the stages have
 * learned about it so far. Each fact is found once, by the stage that owns
 * it, and kept here for the stages after it (and the observer): the types
 * below say which stage has set which fact, so a later stage reads it
 * without checking or asserting.
 */
export interface RequestContext extends Request {
  /** Set by addressing: the text meant for the bot, without a group's trigger prefix. */
  text?: string;
  /** Set by admission when the chat (or, for buttons and inline queries, the user) is over its flood limit. */
  limited?: "warn" | "drop";
  /** Set by parsing: the command asked for and the words after it. */
  command?: Invocation;
}

/** After addressing: the request is for the bot, and this is its text. */
export interface Addressed extends RequestContext {
  text: string;
}

/** After parsing: the command the request asks for; undefined when it says nothing (an empty @mention). */
export interface Parsed extends Addressed {
  command: Invocation | undefined;
}

/** After the empty-text hint: a command to run (what policies and the command stage see). */
export interface Commanded extends Parsed {
  command: Invocation;
}

/**
 * One step of the request pipeline: answer the request itself (returning
 * the replies), or hand it on with `next()` and return what came back.
 * `C` is what the stages before it have found out; a stage that finds out
 * more hands the same context on, with its facts, as `next(ctx)` typed `D`
 * (`next(Object.assign(ctx, { text }))`). A stage may throw a
 * {@link UserError} to refuse with a sentence; the pipeline's one error
 * boundary turns it into the reply.
 */
export type Stage<C extends RequestContext = Commanded, D extends C = C> = (
  ctx: C,
  next: Next<C, D>,
) => Promise<Reply[]>;

/** Hands the request on: with the context unchanged, `next()`; with new facts, `next(ctx)` typed by them. */
type Next<C, D> = [C] extends [D] ? (ctx?: D) => Promise<Reply[]> : (ctx: D) => Promise<Reply[]>;

/** A stage whose types were checked where the pipeline was put together ({@link Pipeline}). */
// biome-ignore lint/suspicious/noExplicitAny: each stage's context was checked against the stages before it by Pipeline.use
type AnyStage = Stage<any, any>;

/**
 * Run `stages` in order; a request that passes them all gets no reply. A
 * stage that calls `next()` twice would run the rest of the pipeline twice
 * (two answers, two subscriptions): like grammY and hono, that is refused
 * with an error naming the stage, a programming mistake caught in tests.
 */
export function compose(stages: readonly AnyStage[]): (ctx: RequestContext) => Promise<Reply[]> {
  const run = (ctx: RequestContext, i: number): Promise<Reply[]> => {
    const stage = stages[i];
    if (!stage) return Promise.resolve([]);
    let called = false;
    return stage(ctx, (handed?: RequestContext) => {
      if (called)
        return Promise.reject(new Error(`pipeline stage ${i} (${stage.name || "anonymous"}) called next() twice`));
      called = true;
      return run(handed ?? ctx, i + 1);
    });
  };
  return (ctx) => run(ctx, 0);
}

/**
 * The stages of a pipeline, in order, each checked against what the stages
 * before it found out: a stage that needs the command (`Stage<Commanded>`)
 * cannot be put before parsing.
 */
export class Pipeline<C extends RequestContext> {
  private constructor(private readonly stages: readonly AnyStage[]) {}

  /** A pipeline that starts from a bare request. */
  static start(): Pipeline<RequestContext> {
    return new Pipeline([]);
  }

  /** Then `stage`, which may add facts (`D`). */
  use<D extends C>(stage: Stage<C, D>): Pipeline<D> {
    return new Pipeline<D>([...this.stages, stage]);
  }

  /** Then each of `stages`, in order, none adding facts. */
  useEach(stages: readonly Stage<C>[]): Pipeline<C> {
    return new Pipeline<C>([...this.stages, ...stages]);
  }

  /** The pipeline as one function. */
  build(): (ctx: RequestContext) => Promise<Reply[]> {
    return compose(this.stages);
  }
}
