import type { Incoming, Platform, Reply } from "../chat/message.ts";
import type { LibrarySnapshot } from "../catalog/live.ts";
import type { Clock } from "../clock.ts";
import type { Logger } from "../log.ts";
import type { Store } from "../store/store.ts";
import { Answers, PAGE_SIZE } from "./answers.ts";
import type { CommandTable } from "./command.ts";
import { commandTable, type AdminActions } from "./commands.ts";
import { Pipeline, type RequestContext, type Stage } from "./pipeline.ts";
import type { ChatRateLimiter } from "./rate-limit.ts";
import type { GroupPolicyConfig } from "../config.ts";
import { Groups, groupPolicy } from "./groups.ts";
import { chatGone, chatMoved, type GoneChat } from "./gone-chats.ts";
import { Platforms } from "./platform.ts";
import { addressing, admission, dispatch, emptyText, parsing } from "./stages.ts";
import { t } from "./strings.ts";
import { Subscriptions } from "./subscriptions.ts";
import { UserError } from "./user-error.ts";

/** What the core needs; everything is passed in, nothing is global. */
export interface CoreDeps {
  /** The library being served (re-read on every request, so reloads apply at once). */
  library: () => LibrarySnapshot;
  store: Store;
  clock: Clock;
  log: Logger;
  /** Prefixes that address the bot in groups, e.g. `?` and `？` (a group's admins may set others). */
  triggers: string[];
  /** Which groups the bot serves (GROUP_POLICY, ALLOWED_GROUPS); default: every group (`open`). */
  groups?: GroupPolicyConfig;
  /** The platforms' traits (their modules' fields: buttons, link setting, default group policy); none: every platform the same, with the defaults. */
  platforms?: Platforms;
  /** Bot admins, as `platform:userId` or bare user id. */
  adminIds: string[];
  /** Time zone of "today" (image of the day, push). */
  timeZone: string;
  /** The default push time shown to new subscribers (HH:MM). */
  defaultPushTime: string;
  admin?: AdminActions;
  random?: () => number;
  /** Per-chat flood protection; none: every request is answered. */
  rateLimit?: ChatRateLimiter;
  /**
   * Stages run after a request is parsed and before its command (e.g. a
   * group's policy: which commands a group allows), in order.
   */
  policies?: Stage[];
  /** Told about every request once it is handled (structured logs, metrics). */
  observe?: (handled: Handled) => void;
}

/** What the core did with one request, for its observer. */
export interface Handled {
  msg: Incoming;
  /** The command the request asked for; undefined when it was not for the bot, empty or limited. */
  command?: string;
  /** The chat was flooding: `warn` got the slow-down, `drop` got nothing. */
  limited?: "warn" | "drop";
  replies: Reply[];
  /** Time to answer, in milliseconds. */
  ms: number;
  /** Set when handling failed unexpectedly (the chat got {@link t.failed} instead). */
  error?: unknown;
}

/**
 * The core: every request — a message, a paging button, an inline query,
 * an admin command — enters through {@link Core.handle} and passes one
 * pipeline: addressing → admission (flood control) → parsing → group
 * policy (is this group served) → the empty-text hint → policies → the
 * command (authority, then its handler), observed once at the end. Each
 * stage keeps what it found out on the request (`pipeline.ts`), so nothing
 * is read twice.
 * Platform-neutral: adapters translate updates into {@link Incoming} and
 * render the replies.
 */
export class Core {
  /**
   * The reading answers over the served library (search, 最新 …), for
   * front ends that are not chats (the web's reading room), so they rank
   * and quote exactly like the chat. Chat requests go through {@link handle}.
   */
  readonly answers: Answers;
  /** Group control (GROUP_POLICY, each group's settings), for the web console's list of groups. */
  readonly groups: Groups;
  /** The command table, for platforms that publish a command menu (Telegram). */
  readonly commands: CommandTable;
  private readonly pipeline: (ctx: RequestContext) => Promise<Reply[]>;

  constructor(private readonly deps: CoreDeps) {
    this.answers = new Answers(deps);
    const groups = (this.groups = new Groups({
      ...deps,
      groups: deps.groups ?? { policy: "open", allowed: [] },
      platforms: deps.platforms ?? new Platforms(),
      pageSize: PAGE_SIZE,
      accounts: () => deps.library().library.accounts.map((a) => a.name),
    }));
    const table = (this.commands = commandTable({
      answers: this.answers,
      subscriptions: new Subscriptions(deps),
      channels: deps,
      groups,
      admin: deps.admin,
    }));
    this.pipeline = Pipeline.start()
      .use(addressing((ctx) => groups.triggersOf(ctx), table))
      .use(admission(deps.rateLimit, deps.adminIds))
      .use(parsing(table))
      .use(groupPolicy(groups, deps.adminIds))
      .use(emptyText())
      .useEach(deps.policies ?? [])
      .use(dispatch(deps.adminIds))
      .build();
  }

  /**
   * Answer a request: the replies to send, none when it was not for the
   * bot (group chatter without mention or trigger) or was dropped by flood
   * control. Never rejects: this is the pipeline's one error boundary. A
   * {@link UserError} (a refusal) becomes its sentence; anything else (the
   * store's disk is full) becomes a short apology, and the observer logs it
   * with the request.
   */
  async handle(msg: Incoming): Promise<Reply[]> {
    const started = performance.now();
    const ctx: RequestContext = { msg };
    const handled: Omit<Handled, "ms"> = { msg, replies: [] };
    try {
      handled.replies = await this.pipeline(ctx);
    } catch (err) {
      if (err instanceof UserError) handled.replies = [{ kind: "text", text: err.message }];
      else Object.assign(handled, { error: err, replies: [{ kind: "text", text: t.failed }] });
    }
    if (ctx.command) handled.command = ctx.command.spec.name;
    if (ctx.limited) handled.limited = ctx.limited;
    this.deps.observe?.({ ...handled, ms: performance.now() - started });
    return handled.replies;
  }

  /**
   * What an adapter learnt outside any request: a chat that blocked or
   * removed the bot, or a forum topic that was closed, goes from every
   * subscription ({@link chatGone}); resolves to how many were removed.
   * Adapters have no store of their own to write this to.
   */
  chatGone(chat: GoneChat): Promise<number> {
    return chatGone(this.deps.store, chat);
  }

  /** A group that lives on under a new chat id keeps its daily push ({@link chatMoved}); false when it had none. */
  chatMoved(platform: Platform, from: string, to: string): Promise<boolean> {
    return chatMoved(this.deps.store, platform, from, to);
  }
}
