import { defineConfig } from "vitest/config";
import base from "./vitest.mutation.config.js";

/**
 * The suite for mutants of the arithmetic and the modules (src/core/kernels, src/core/nn): the
 * tests that run them directly and the parity suite over every bundled torch fixture, without the
 * harness's own tests (CLI, readers, reports, ONNX import, fixture validation), which reach the
 * same arithmetic only through these modules and the same fixtures. A kernels mutant is covered by
 * nearly every test of the full suite, so each survivor or timeout re-ran all of them: 11 mutants a
 * minute with the fast suite on the quiet 2-core machine. A mutant only the left-out tests would
 * kill counts as survived, so the score is a lower bound.
 *   npx stryker run stryker.core.config.json --mutate 'src/core/kernels/gemm.ts' --concurrency 2
 */
// Spread, not mergeConfig: mergeConfig would append this include list to the base's test/**.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: [
        "test/kernels-*.test.ts",
        "test/nn-*.test.ts",
        "test/hostile-wasm.test.ts",
        "test/hostile-tensor.test.ts",
        "test/hostile-limits.test.ts",
        "test/parity.test.ts",
        "test/parity-negative.test.ts",
        "test/parity-negative-gated.test.ts",
        "test/onnx-lstm-gru.test.ts",
        "test/onnx-backend.test.ts",
        // moduleFromOnnx (src/core/nn/from-onnx.ts): overrides, and float64 graphs loaded as float64.
        "test/onnx-weights.test.ts",
    ],
  },
});
