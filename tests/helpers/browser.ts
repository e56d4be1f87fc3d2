/**
 * Real headless Chromium for the web pages' specs, driven by playwright-core
 * (which never downloads a browser): Debian's `chromium` package, installed
 * by .ci/run when missing, or CHROMIUM_PATH.
 */
import { describe, type TestOptions } from "vitest";
import { findChromium } from "./chromium.ts";

export { launchBrowser } from "./chromium.ts";

/** Why browser specs are skipped here; never under `CI=true`, where a missing browser must fail the run. */
function skipReason(): string | undefined {
  if (process.env.CI === "true" || findChromium()) return undefined;
  return "browser specs skipped: no Chromium found; install it with `apt-get install -y chromium` or set CHROMIUM_PATH";
}

const SKIP = skipReason();
if (SKIP) console.warn(SKIP);

/** `describe` for browser specs: skipped with the hint where no Chromium exists (outside CI). */
export function describeBrowser(name: string, fn: () => void, options: TestOptions = {}): void {
  if (SKIP) describe.skip(`${name} (${SKIP})`, options, fn);
  else describe(name, options, fn);
}
