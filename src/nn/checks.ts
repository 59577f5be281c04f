import { ModuleError } from "../errors.js";
import type { DType } from "../tensor/dtype.js";
import { Tensor } from "../tensor/tensor.js";

/**
 * A JS caller can pass anything; fail with a message rather than a TypeError deep in a kernel.
 * A Tensor from another copy of this package (say dist/ next to src/) fails `instanceof` but has
 * everything forward uses; a bare `{ data, shape }` does not (no `ndim`, `dtype` or `size`).
 */
export function requireTensor(owner: string, name: string, value: unknown): asserts value is Tensor {
  if (value instanceof Tensor) return;
  if (typeof value === "object" && value !== null) {
    const v = value as Partial<Record<"data" | "shape" | "ndim" | "dtype" | "size", unknown>>;
    if (
      (v.data instanceof Float32Array || v.data instanceof Float64Array) &&
      Array.isArray(v.shape) &&
      typeof v.ndim === "number" &&
      typeof v.dtype === "string" &&
      typeof v.size === "function"
    ) {
      return;
    }
  }
  throw new ModuleError(`${owner}: expected ${name} to be a Tensor, got ${value === null ? "null" : typeof value}`);
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

/** A shape as Python prints a tuple, the "expected" half of torch's hidden-size message. */
export function pythonTuple(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
}
