import type { AdapterModule } from "../bot/adapter.ts";
import { Platforms } from "../bot/platform.ts";
import type { Env } from "../env.ts";
import { redactSecrets, secretsFromEnv } from "../log.ts";
import { firstLineOf } from "../util/errors.ts";
import { CONSOLE, PLATFORMS } from "../../adapters/index.ts";

/** A platform that is configured: its module and the settings it read from the environment. */
export interface Configured {
  module: AdapterModule;
  config: unknown;
}

/**
 * The platforms configured in `env`, each with its own settings (every
 * adapter module checks its variables, configured or not).
 * @throws ConfigError naming each bad variable
 */
export function configurePlatforms(env: Env): Configured[] {
  return PLATFORMS.flatMap((module) => {
    const config = module.configure(env);
    return config === undefined ? [] : [{ module, config }];
  });
}

/**
 * The traits of every platform the bot knows (adapters/index.ts: those it
 * runs on and the terminal chat), `configured` first: a platform started
 * beside them (a test's) is known by its own module's traits.
 */
export function knownPlatforms(configured: readonly AdapterModule[] = []): Platforms {
  return new Platforms([...configured, ...PLATFORMS, CONSOLE]);
}

/** This process's secrets, to scrub from logs and error lines: the core's and every known platform's `secretVariables`. */
export function processSecrets(
  env: NodeJS.ProcessEnv = process.env,
  platforms: Platforms = knownPlatforms(),
): string[] {
  return secretsFromEnv(env, platforms.secretVariables());
}

/** An error as one line: its message, never its stack, and never a secret it quotes (stderr bypasses the logger). */
export function errorLine(err: unknown): string {
  return redactSecrets(firstLineOf(err), processSecrets());
}
