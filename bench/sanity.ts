/**
 * The guard that makes the timings comparable: before anything is timed, every implementation's
 * output must equal onnxruntime's within torch.testing.assert_close's float32 defaults. onnxruntime is
 * the shared reference because it is an independent implementation of the same RNN; if the check
 * fails the bench stops, since it would be timing different computations.
 */
import { compareTensors } from "../src/core/compare/assert-close.js";
import { Tensor } from "../src/core/tensor/tensor.js";
import type { ImplementationName } from "./impl/types.js";
import { describeShape, numDirections, type Workload } from "./workloads.js";

export class SanityError extends Error {
  override name = "SanityError";
}

export function checkSameComputation(
  w: Workload,
  implementation: ImplementationName,
  actual: Float32Array,
  reference: Float32Array,
): void {
  const shape = [w.seqLen, w.batch, numDirections(w) * w.hiddenSize];
  const name = `${w.name} output`;
  if (actual.length !== reference.length) {
    throw new SanityError(
      `${implementation} and onnxruntime disagree on ${name}: ${actual.length} vs ${reference.length} elements (expected shape [${shape.join(", ")}])`,
    );
  }
  // Copies, so later runs that reuse an implementation's output buffer cannot alter what was checked.
  const c = compareTensors(new Tensor(actual.slice(), shape), new Tensor(reference.slice(), shape), { name });
  if (!c.passed) {
    throw new SanityError(
      `${implementation} output differs from onnxruntime on workload ${w.name} (${describeShape(w)}), so the timings would not compare the same computation:\n${c.message}`,
    );
  }
}
