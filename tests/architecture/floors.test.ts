import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ICruiseResult, IConfiguration } from "dependency-cruiser";
import { describe, expect, it } from "vitest";

/**
 * The floors of docs/architecture.md, proven on the code: every import runs down (or stays on its floor), no
 * module is in a circle, the core does not know the adapters, adapters do not know each other. The rules live in
 * .dependency-cruiser.cjs (also run by `npm run lint`); the second spec proves they catch what they forbid.
 */

// A checkout whose node_modules predates dependency-cruiser skips with a hint; under CI=true (`.ci/run`, after
// `npm ci`) a missing package fails the run instead of hiding it.
const depcruise = await import("dependency-cruiser").catch((err: unknown) => {
  if (process.env.CI === "true") throw err;
  return undefined;
});
const SKIP = depcruise ? "" : " (skipped: dependency-cruiser is not installed; run npm install)";
if (SKIP) console.warn(`floors${SKIP}`);

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const config = createRequire(import.meta.url)(path.join(ROOT, ".dependency-cruiser.cjs")) as IConfiguration;

/** The rule broken by each import that breaks one, as `rule: from → to`. */
async function violations(baseDir: string, tsConfig?: string): Promise<string[]> {
  const options = {
    ...config.options,
    ruleSet: { forbidden: config.forbidden },
    validate: true,
    baseDir,
    tsConfig: tsConfig ? { fileName: tsConfig } : undefined,
  };
  const { output } = await depcruise!.cruise(
    ["src", "adapters", "bin"].filter((d) => existsSync(path.join(baseDir, d))),
    options,
  );
  const result = output as ICruiseResult;
  return result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort();
}

describe.skipIf(!depcruise)(`the floors${SKIP}`, () => {
  it("hold for the code: no import runs up a floor, none goes round in a circle", async () => {
    expect(await violations(ROOT, path.join(ROOT, "tsconfig.json"))).toEqual([]);
  });

  it("are enforced: a back arrow, a circle, the core importing an adapter, adapters importing each other and a folder on no floor are each caught", async () => {
    const broken = await violations(path.join(ROOT, "tests/fixtures/architecture/back-arrows"));
    expect(broken).toEqual([
      "adapters-apart: adapters/one/index.ts → adapters/two/index.ts",
      "core-knows-no-adapter: src/push/push.ts → adapters/two/index.ts",
      "floor-5-imports-up: src/store/store.ts → src/bot/handler.ts",
      "imports-what-is-on-no-floor: src/bot/handler.ts → src/stray/stray.ts",
      // One report per circle, at the import that closes it.
      "no-circular: src/bot/handler.ts → src/store/store.ts",
    ]);
  });
});
