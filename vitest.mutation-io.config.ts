import { defineConfig } from "vitest/config";
import base from "./vitest.mutation.config.js";

/**
 * The suite of the "io" mutation group (stryker.io.config.json): src/core/format, src/node/readers,
 * src/node/report and src/node/cli. These files only read, validate and write; the tests below are
 * the ones that exercise them directly, with the torch parity suite's negative tests. Without the
 * parity runs over every bundled fixture (cli-check, examples, parity, parity-onnx): each covers
 * every reader line, so a surviving reader mutant would re-run thousands of fixture tests. Nor
 * errors-deliberate: it reads src/ as text, and in Stryker's sandbox that text is instrumented. A mutant
 * only those files would kill counts as survived, so the group's score is a lower bound.
 */
// Spread, not mergeConfig: mergeConfig would append this include list to the base one.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: [
      "test/fixtures-manifest.test.ts",
      "test/fixtures-validation.test.ts",
      "test/fixtures-validation-v2.test.ts",
      "test/fixtures-fuzz.test.ts",
      "test/format-limits.test.ts",
      "test/limits-documented.test.ts",
      "test/format-refusals-manifest-config.test.ts",
      "test/format-refusals-shapes-packed.test.ts",
      "test/format-refusals-fields-tensor.test.ts",
      "test/hostile-limits.test.ts",
      "test/hostile-msgpack.test.ts",
      "test/msgpack-decode-refusals.test.ts",
      "test/msgpack-scan.test.ts",
      "test/hostile-paths.test.ts",
      "test/hostile-tensor.test.ts",
      "test/hostile-reports.test.ts",
      "test/readers-bounded.test.ts",
      "test/readers-refusals.test.ts",
      "test/safetensors.test.ts",
      "test/parity-reader.test.ts",
      "test/tensor-nested.test.ts",
      "test/layout.test.ts",
      "test/report-github.test.ts",
      "test/report-junit-json-summary.test.ts",
      "test/report-summary-worst.test.ts",
      "test/report-columns-format.test.ts",
      "test/report-pretty-html-exact.test.ts",
      "test/report-run-check.test.ts",
      "test/report-table-inputs-exact.test.ts",
      "test/report-html.test.ts",
      "test/report-html-passing-exact.test.ts",
      "test/report-write-reasons.test.ts",
      "test/report-over-time.test.ts",
      "test/report-github-over-time-exact.test.ts",
      "test/expectations.test.ts",
      "test/expectations-html.test.ts",
      "test/cli-reporters.test.ts",
      "test/cli-reporters-exact.test.ts",
      "test/cli-refusals-exact.test.ts",
      "test/cli-options.test.ts",
      "test/cli-hostile.test.ts",
      "test/cli-writes-progress-exact.test.ts",
      "test/report-link-target.test.ts",
      "test/cli-inspect.test.ts",
      "test/cli-inspect-exact.test.ts",
      "test/cli-check-oracles.test.ts",
      "test/cli-check-exact.test.ts",
      "test/cli-check-packed.test.ts",
      "test/adapter-cli.test.ts",
      "test/version.test.ts",
      "test/parity-negative.test.ts",
      "test/parity-negative-gated.test.ts",
    ],
  },
});
