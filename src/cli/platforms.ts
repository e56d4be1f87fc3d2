import type { AdapterModule } from "../bot/adapter.ts";
import { Platforms } from "../bot/platform.ts";
import { secretsFromEnv } from "../log.ts";
import { CONSOLE, PLATFORMS } from "../../adapters/index.ts";

/**
 * The traits of every platform the bot knows (adapters/index.ts: those it
 * runs on and the terminal chat), `configured` first: a platform started
 * beside them (a test's) is known by its own module's traits.
 */
export function knownPlatforms(configured: readonly AdapterModule[] = []): Platforms {
  return new Platforms([...configured, ...PLATFORMS, CONSOLE]);
}

/** This process's secrets, to scrub from logs and error lines: the core's and every known platform's `secretVariables`. */
export function processSecrets(env: NodeJS.ProcessEnv = process.env, platforms: Platforms = knownPlatforms()): string[] {
  return secretsFromEnv(env, platforms.secretVariables());
}
