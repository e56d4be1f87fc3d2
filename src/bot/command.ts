import type { Incoming, Reply } from "../chat/message.ts";
import type { Request } from "./request.ts";

/** Who may run a command. */
export type Authority =
  /** Everybody, everywhere. */
  | "anyone"
  /**
   * In a group, its admins (the adapter says who: {@link Incoming.isGroupAdmin})
   * and the bot admins; in a private chat, anyone (it is their own chat).
   */
  | "group_admin"
  /** Only the bot admins of ADMIN_IDS. */
  | "bot_admin";

/** Who sees a command in a platform's command menu. */
export type MenuAudience = "everyone" | "group_admins";

/** One entry of a platform's command menu. */
export interface MenuEntry {
  command: string;
  description: string;
  audience: MenuAudience;
}

/** What a command's handler gets: the message, the command's arguments, and the request's facts to share (its group's settings). */
export interface CommandCall<A> {
  msg: Incoming;
  args: A;
  request: Request;
}

/**
 * One command of the bot, declared: its name, every word and slash form
 * that calls it, who may run it, its line in 帮助, how it reads the words
 * after it, and what it does. See `commands.ts` for the table.
 */
export interface CommandSpec<A = string> {
  /** The name logs, metrics and observers see (`search`, `subscribe` …). */
  name: string;
  /**
   * Words that call it, matched case-insensitively: slash forms (`/latest`,
   * a Telegram `@botname` suffix is ignored) and Chinese words (`最新`).
   * Two-word forms (`订阅 新文章`) are tried before one-word ones.
   */
  aliases: readonly string[];
  authority: Authority;
  /** The refusal for someone without the authority; default per authority. */
  refusal?: string;
  /**
   * Its entries in a platform's command menu (Telegram's list under `/`):
   * slash command without the `/` (one of `aliases`) → a short description.
   */
  menu?: Readonly<Record<string, string>>;
  /** Who the menu shows them to: everyone (default), or group admins, in the groups they administer. */
  menuFor?: MenuAudience;
  /** Its line in 帮助 (without the leading `· `); commands without one are not listed. */
  help?: (triggers: readonly string[]) => string;
  /**
   * Reads the words after the command. Without it the command takes none,
   * and a command word followed by other words (「最新消息」) is a search.
   */
  args?: (rest: string) => A;
  /** Answer the command; throw a {@link UserError} to refuse with a sentence. */
  run(call: CommandCall<A>): Promise<Reply | Reply[]> | Reply | Reply[];
}

/** A command as the table holds it: arguments of any type, read and handed on by the pipeline alone. */
// biome-ignore lint/suspicious/noExplicitAny: each spec's argument type is checked where it is declared (defineCommand)
export type AnyCommand = CommandSpec<any>;

/** A command a request asked for, with its arguments read. */
export interface Invocation {
  spec: AnyCommand;
  args: unknown;
}

/** Declare a command, its argument type checked between `args` and `run`. */
export function defineCommand<A = undefined>(spec: CommandSpec<A>): AnyCommand {
  return spec;
}

/**
 * The commands of the bot, looked up by alias. Text that calls no command
 * is `fallback` (a search) with the whole text as its argument.
 */
export class CommandTable {
  private readonly byAlias = new Map<string, AnyCommand>();
  private readonly byName = new Map<string, AnyCommand>();

  constructor(
    readonly commands: readonly AnyCommand[],
    private readonly fallback: string,
  ) {
    for (const spec of commands) {
      if (this.byName.has(spec.name)) throw new Error(`command ${spec.name} is declared twice`);
      this.byName.set(spec.name, spec);
      for (const alias of spec.aliases) {
        const key = alias.toLowerCase();
        if (this.byAlias.has(key))
          throw new Error(`alias ${alias} calls both ${this.byAlias.get(key)!.name} and ${spec.name}`);
        this.byAlias.set(key, spec);
      }
      for (const command of Object.keys(spec.menu ?? {})) {
        if (!spec.aliases.includes(`/${command}`))
          throw new Error(`menu entry /${command} is not an alias of ${spec.name}`);
      }
    }
    if (!this.byName.get(fallback)?.args) throw new Error(`the fallback command ${fallback} must take arguments`);
  }

  /** The command called `name`. */
  get(name: string): AnyCommand {
    const spec = this.byName.get(name);
    if (!spec) throw new Error(`no command ${name}`);
    return spec;
  }

  /**
   * The command `text` asks for. A slash command may carry a `@botname`
   * suffix (Telegram groups); anything that is not a command is the
   * fallback (a search) for the whole text.
   */
  parse(text: string): Invocation {
    const trimmed = text.trim();
    const [head, rest] = splitHead(trimmed);
    const command = head.replace(/^(\/\w+)@\w+$/, "$1").toLowerCase();
    const [second, afterSecond] = splitHead(rest);
    const pair = second ? this.byAlias.get(`${command} ${second.toLowerCase()}`) : undefined;
    const spec = pair ?? this.byAlias.get(command);
    const words = pair ? afterSecond : rest;
    if (!spec) return this.invoke(this.get(this.fallback), trimmed);
    if (spec.args) return this.invoke(spec, words);
    // "最新消息" or "随机 数字" read as a search, not as a command with junk after it.
    if (words && !command.startsWith("/")) return this.invoke(this.get(this.fallback), trimmed);
    return { spec, args: undefined };
  }

  /** Whether `text` starts with one of the bot's slash commands (`/latest`, `/search@bot …`), not just with `/`. */
  isSlashCommand(text: string): boolean {
    const head = /^\/[A-Za-z_]{1,32}(?:@\w{1,64})?(?=\s|$)/.exec(text.trim())?.[0];
    return head !== undefined && this.byAlias.has(head.replace(/@\w+$/, "").toLowerCase());
  }

  /** 帮助: `intro`, then the help line of each command that has one, in the table's order. */
  help(intro: string, triggers: readonly string[]): string {
    return [intro, ...this.commands.flatMap((c) => (c.help ? [`· ${c.help(triggers)}`] : []))].join("\n");
  }

  /** The command menu, in the table's order (the same as 帮助's). */
  menu(): MenuEntry[] {
    return this.commands.flatMap((c) =>
      Object.entries(c.menu ?? {}).map(([command, description]) => ({
        command,
        description,
        audience: c.menuFor ?? "everyone",
      })),
    );
  }

  private invoke(spec: AnyCommand, words: string): Invocation {
    return { spec, args: spec.args!(words) };
  }
}

/** `"订阅 21:30"` → `["订阅", "21:30"]`; the rest keeps its inner spacing. */
function splitHead(text: string): [string, string] {
  const match = /^(\S+)(?:\s+([\s\S]*))?$/.exec(text);
  return [match?.[1] ?? "", (match?.[2] ?? "").trim()];
}
