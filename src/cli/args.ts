import { existsSync } from "node:fs";
import path from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { messageOf } from "../util/errors.ts";

/** Options every command accepts. */
export const commonOptions = {
  data: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const satisfies ParseArgsConfig["options"];

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * Parse a command's arguments with node's own parser, adding the common
 * options. Unknown options are an error with a clear message.
 */
export function parseCommand<O extends Options>(args: string[], options: O) {
  return parseArgs({ args, options: { ...commonOptions, ...options }, allowPositionals: true, strict: true });
}

/** A command's parsed arguments, or the exit code when the command is already over. */
export type Parsed<O extends Options> = { args: ReturnType<typeof parseCommand<O>> } | { exitCode: number };

/**
 * Parse like {@link parseCommand}, handling what every command does alike:
 * `--help` prints `usage` (exit 0); an unknown or malformed flag prints the
 * problem and `usage` (exit 2); a `--data` directory that does not exist
 * is one line naming it (exit 2).
 */
export function parseOrUsage<O extends Options>(args: string[], options: O, usage: string): Parsed<O> {
  let parsed: ReturnType<typeof parseCommand<O>>;
  try {
    parsed = parseCommand(args, options);
  } catch (err) {
    process.stderr.write(`${messageOf(err)}\n\n${usage}\n`);
    return { exitCode: 2 };
  }
  const values = parsed.values as { help?: boolean; data?: string };
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return { exitCode: 0 };
  }
  if (values.data !== undefined && !existsSync(values.data)) {
    process.stderr.write(`article-bot: --data ${path.resolve(values.data)}: no such directory\n`);
    return { exitCode: 2 };
  }
  return { args: parsed };
}

/** The single `<file>` argument of a command, or undefined after printing what is wrong and `usage`. */
export function singleFile(positionals: string[], usage: string): string | undefined {
  if (positionals.length === 1) return path.resolve(positionals[0]!);
  process.stderr.write(
    `${positionals.length === 0 ? "missing <file>" : `unexpected argument: ${positionals[1]}`}\n\n${usage}\n`,
  );
  return undefined;
}
