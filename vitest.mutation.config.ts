import { defineConfig } from "vitest/config";

// The suite Stryker runs for each mutant (stryker.config.json). It leaves out what cannot kill a
// mutant of src/ or only repeats other suites at far greater cost: the benchmark smoke test
// (bench/, not src/) and the fixture regeneration test (Python).
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/bench-smoke.test.ts", "test/regenerate.test.ts", "**/node_modules/**"],
    testTimeout: 60_000,
  },
});
