import { ModuleError } from "../errors.js";
import type { DType } from "../tensor/dtype.js";
import { tensorProblem, type Tensor } from "../tensor/tensor.js";

/**
 * A JS caller can pass anything; fail with a message rather than a TypeError deep in a kernel, or
 * worse, a result computed from the wrong elements. A Tensor from another copy of this package
 * (say dist/ next to src/) fails `instanceof` but has everything forward uses, and passes when its
 * members agree; a bare `{ data, shape }` does not (no `ndim`, `dtype` or `size`). Data whose
 * length is not the shape's product is refused on every path (see tensorProblem).
 */
export function requireTensor(owner: string, name: string, value: unknown): asserts value is Tensor {
  const problem = tensorProblem(value);
  if (problem === null) return;
  throw new ModuleError(
    problem.startsWith("got ") ? `${owner}: expected ${name} to be a Tensor, ${problem}` : `${owner}: ${name} is not a valid Tensor: ${problem}`,
  );
}

/**
 * torch raises "RNN input dtype (torch.float64) does not match weight dtype (torch.float32)" for
 * the input and an opaque matmul error for hx; both get the first form here, naming the tensor.
 */
export function requireDtype(owner: string, name: string, actual: DType, weight: DType): void {
  if (actual === weight) return;
  throw new ModuleError(
    `${owner} ${name} dtype (${actual}) does not match weight dtype (${weight}). ` +
      `Convert ${name} to ${weight}, or create the module with dtype: "${actual}"`,
  );
}

/** Number.isInteger as a type guard: a `typeof value !== "number"` in front of it only repeated it. */
export const isInteger = (value: unknown): value is number => Number.isInteger(value);
/** Number.isSafeInteger as a type guard (see isInteger). */
export const isSafeInteger = (value: unknown): value is number => Number.isSafeInteger(value);

/** A shape as Python prints a tuple, the "expected" half of torch's hidden-size message. */
export function pythonTuple(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
}
