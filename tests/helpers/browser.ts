/**
 * Real headless Chromium for the web pages' specs, driven by playwright-core
 * (which never downloads a browser): Debian's `chromium` package, installed
 * by .ci/run when missing, or CHROMIUM_PATH.
 */
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";
import { describe, type TestOptions } from "vitest";

/** Where Chromium is looked for, in order. */
const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable"];

/** The Chromium executable, or undefined. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return [env.CHROMIUM_PATH, ...CANDIDATES].find((p): p is string => Boolean(p) && existsSync(p!));
}

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

/** Start headless Chromium (one per test file; close it in afterAll). */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error("no Chromium found: apt-get install -y chromium, or set CHROMIUM_PATH");
  return chromium.launch({
    executablePath,
    headless: true,
    timeout: 60_000,
    // As root (CI containers) Chromium needs --no-sandbox; a small /dev/shm crashes tabs without the second flag.
    args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
  });
}
