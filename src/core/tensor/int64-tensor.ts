import { TensorError } from "../errors.js";
import { formatShape, numel } from "./tensor.js";

/**
 * A torch.int64 tensor, as packed sequences use them (lengths, batch_sizes, sorted and unsorted
 * indices). Only read from fixtures and compared exactly, never computed with, so the values are
 * plain numbers: every one is a length or an index, and readers refuse anything a double cannot
 * hold exactly rather than round it.
 */
export class Int64Tensor {
  readonly dtype = "int64" as const;
  readonly data: readonly number[];
  readonly shape: readonly number[];

  constructor(data: readonly number[], shape: readonly number[]) {
    for (const v of data) {
      if (!Number.isSafeInteger(v)) throw new TensorError(`Int64Tensor values must be safe integers, got ${v}`);
    }
    if (data.length !== numel(shape)) {
      throw new TensorError(`Int64Tensor shape ${formatShape(shape)} needs ${numel(shape)} elements, but the data has ${data.length}`);
    }
    this.data = data.slice();
    this.shape = shape.slice();
  }

  /** A 1-d tensor of `values` (torch.tensor(values, dtype=torch.int64)). */
  static of(values: readonly number[]): Int64Tensor {
    return new Int64Tensor(values, [values.length]);
  }

  numel(): number {
    return this.data.length;
  }
}
