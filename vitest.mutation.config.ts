import { statSync } from "node:fs";
import { BaseSequencer, type TestSpecification } from "vitest/node";
import { defineConfig } from "vitest/config";

/**
 * The slowest test files (seconds for the whole file, measured 2026-12-02 with this config on the
 * shared 2-core machine), run last. Stryker's vitest runner runs a mutant's covering tests one
 * file at a time and stops at the first failure (bail 1), while vitest's own order puts the
 * longest files first: a mutant the fast unit tests kill would still wait ~60 s for
 * cli-check.test.ts's run over every bundled fixture. Fast files first, this list last, in order.
 */
const SLOW_LAST = [
  "test/nn-reload-weights.test.ts", // 2.4
  "test/onnx-recurrent-fuzz.test.ts", // 2.2
  "test/nn-forward-buffers.test.ts", // 3.0
  "test/parity-reader.test.ts", // 3.8
  "test/hostile-reports.test.ts", // 4.4
  "test/parity.test.ts", // 4.6
  "test/kernels-wasm.test.ts", // 5.4
  "test/hostile-wasm.test.ts", // 5.7
  "test/hostile-limits.test.ts", // 6.7
  "test/fixtures-manifest.test.ts", // 8.1
  "test/kernels-engine.test.ts", // 9.1
  "test/report-html.test.ts", // 10.0
  "test/hostile-paths.test.ts", // 13.7
  "test/onnx-weights.test.ts", // 16.8
  "test/fixtures-fuzz.test.ts", // 19.6
  "test/report-over-time.test.ts", // 26.3
  "test/examples.test.ts", // every bundled case through two example adapters (added after the measurement)
  "test/cli-check.test.ts", // 68.5
  "test/parity-onnx.test.ts", // 113.7
];

/** Fast files first (smallest first), then {@link SLOW_LAST}: a killed mutant stops early. */
class FastFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification): number => {
      const i = SLOW_LAST.findIndex((s) => f.moduleId.endsWith(s));
      return i < 0 ? -1 : i;
    };
    const size = (f: TestSpecification): number => {
      try {
        return statSync(f.moduleId).size;
      } catch {
        return 0;
      }
    };
    return [...files].sort((a, b) => rank(a) - rank(b) || (rank(a) < 0 ? size(a) - size(b) : 0));
  }
}

// The suite Stryker runs for each mutant (stryker.config.json). It leaves out what cannot kill a
// mutant of src/ or only repeats other suites at far greater cost: the benchmark smoke test
// (bench/, not src/), the fixture regeneration test (Python), and the browser parity run: it runs
// an esbuild bundle of src/ in Chromium, where Stryker's mutant switch and coverage do not reach,
// and its onnxruntime-web files are not in Stryker's sandbox.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: [
      "test/bench-smoke.test.ts",
      "test/regenerate.test.ts",
      "test/browser-parity.test.ts",
      "**/node_modules/**",
    ],
    testTimeout: 60_000,
    sequence: { sequencer: FastFirstSequencer },
    // Read by the few tests whose time bounds only hold uninstrumented (test/hostile-paths.test.ts).
    env: { RNN_PARITY_MUTATION: "1" },
  },
});
