import { defineConfig } from "vitest/config";
import base from "./vitest.mutation.config.js";

/**
 * The suite of the "data" mutation group (stryker.data.config.json): src/core/tensor and
 * src/core/onnx, the values every module computes on and the ONNX graphs they are read from. The
 * tests that build, decode and refuse them directly (tensor, ONNX decoding and weights, the module
 * tests that construct Tensors, the onnxruntime oracle's session code) and the negative parity
 * tests, without the end-to-end runs over every bundled fixture (parity, parity-onnx, cli-check,
 * examples): a Tensor or decoder line is covered by each of their thousands of tests, so every
 * surviving mutant would re-run all of them. A mutant only those files would kill counts as
 * survived, so the group's score is a lower bound.
 *   npx stryker run stryker.data.config.json --mutate 'src/core/onnx/onnx-tensor.ts' --concurrency 2
 */
// Spread, not mergeConfig: mergeConfig would append this include list to the base one.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: [
      "test/onnx-*.test.ts",
      "test/nn-*.test.ts",
      "test/kernels-*.test.ts",
      "test/compare-*.test.ts",
      "test/tensor-nested.test.ts",
      "test/tensor-core.test.ts",
      "test/hostile-tensor.test.ts",
      "test/hostile-limits.test.ts",
      "test/hostile-wasm.test.ts",
      "test/format-refusals-fields-tensor.test.ts",
      "test/readers-refusals.test.ts",
      "test/oracle-ort-*.test.ts",
      "test/cli-inspect*.test.ts",
      "test/parity-negative.test.ts",
      "test/parity-negative-gated.test.ts",
    ],
  },
});
