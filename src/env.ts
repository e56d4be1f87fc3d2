import { z } from "zod";

/**
 * Reading configuration from environment variables with zod, shared by the
 * core's configuration (`config.ts`) and each adapter's own schema
 * (`adapters/<platform>/module.ts`): the same blank-means-unset rule and
 * the same error, naming each bad variable without echoing its value.
 */

/** The environment, as `process.env` or a test's object. */
export type Env = Record<string, string | undefined>;

/** Thrown when the environment is invalid; the message lists every problem. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/** An empty or blank variable counts as unset (a `.env` line `NAME=`). */
export const blankAsUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

/** A trimmed string, or undefined when unset or blank. */
export const optionalString = z.preprocess(blankAsUndefined, z.string().trim().optional());

/**
 * Parse `env` with `schema`.
 * @throws ConfigError naming each bad variable (never echoing its value)
 */
export function parseEnv<S extends z.ZodType>(schema: S, env: Env): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n  ${lines.join("\n  ")}`);
  }
  return parsed.data;
}
