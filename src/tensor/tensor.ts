import { allocate, dtypeOf, type DType, type FloatArray } from "./dtype.js";

/** Number of elements of a shape; the empty shape is a scalar with one element. */
export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/**
 * A dense, contiguous, row-major tensor. Only what the recurrent modules need: no strides,
 * no views, no broadcasting. The dtype follows the backing array, as in torch.from_numpy.
 */
export class Tensor {
  readonly data: FloatArray;
  readonly shape: readonly number[];
  readonly dtype: DType;

  constructor(data: FloatArray, shape: readonly number[]) {
    if (!(data instanceof Float32Array || data instanceof Float64Array)) {
      throw new TypeError("Tensor data must be a Float32Array or a Float64Array");
    }
    for (const d of shape) {
      if (!Number.isInteger(d) || d < 0) {
        throw new RangeError(`Tensor shape ${formatShape(shape)} has an invalid dimension ${d}`);
      }
    }
    const expected = numel(shape);
    if (data.length !== expected) {
      throw new RangeError(
        `Tensor shape ${formatShape(shape)} needs ${expected} elements, but the data has ${data.length}`,
      );
    }
    this.data = data;
    // A private copy, typed readonly; not Object.freeze, which costs a third of a tutorial-sized
    // forward pass (measured in docs/benchmark.md, Kernel notes).
    this.shape = shape.slice();
    this.dtype = dtypeOf(data);
  }

  static zeros(shape: readonly number[], dtype: DType = "float32"): Tensor {
    return new Tensor(allocate(dtype, numel(shape)), shape);
  }

  get ndim(): number {
    return this.shape.length;
  }

  numel(): number {
    return this.data.length;
  }

  /** Size of dimension `dim`; negative dims count from the end, as in torch. */
  size(dim: number): number {
    const d = dim < 0 ? this.shape.length + dim : dim;
    const s = this.shape[d];
    if (s === undefined) {
      throw new RangeError(
        `Dimension out of range (expected to be in range of [${-this.shape.length}, ${this.shape.length - 1}], but got ${dim})`,
      );
    }
    return s;
  }

  /** A tensor that shares this one's data under another shape with the same element count. */
  reshape(shape: readonly number[]): Tensor {
    return new Tensor(this.data, shape);
  }

  clone(): Tensor {
    return new Tensor(this.data.slice(), this.shape);
  }
}
