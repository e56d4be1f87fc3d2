import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    // A guard against a test that hangs, not a deadline any test races: tests wait for events (a log
    // line, an API call, a process exit) and a loaded 2-core machine may take many times the quiet
    // machine's time to get there. A time limit that is the point of a spec is measured in it.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    // Two cores: keep parallelism modest so timing-sensitive tests stay reliable.
    maxWorkers: 2,
  },
});
