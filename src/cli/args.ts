import { parseArgs, type ParseArgsConfig } from "node:util";

/** Options every command accepts. */
export const commonOptions = {
  data: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const satisfies ParseArgsConfig["options"];

/**
 * Parse a command's arguments with node's own parser, adding the common
 * options. Unknown options are an error with a clear message.
 */
export function parseCommand<O extends NonNullable<ParseArgsConfig["options"]>>(args: string[], options: O) {
  return parseArgs({ args, options: { ...commonOptions, ...options }, allowPositionals: true, strict: true });
}
