import { defineConfig, mergeConfig } from "vitest/config";
import base from "./vitest.mutation.config.js";

/**
 * vitest.mutation.config.ts without its slowest end-to-end files (each runs whole fixture sets;
 * together about 270 s of the ~350 s), for a folder run that must finish on a shared machine: a
 * mutant that only these files would kill counts as survived, so its score is a lower bound. Used for
 * the 2026-12-02 measurement of core/compare (docs/mutation.md) through stryker.fast.config.json:
 *   npx stryker run stryker.fast.config.json --mutate 'src/core/compare/assert-close.ts'
 */
export default mergeConfig(
  base,
  defineConfig({
    test: {
      exclude: [
        "test/parity-onnx.test.ts",
        "test/cli-check.test.ts",
        "test/report-over-time.test.ts",
        "test/fixtures-fuzz.test.ts",
        "test/onnx-weights.test.ts",
        "test/hostile-paths.test.ts",
        "test/report-html.test.ts",
        "test/examples.test.ts",
        // It reads src/ as text, and in Stryker's sandbox that text is instrumented.
        "test/errors-deliberate.test.ts",
      ],
    },
  }),
);
