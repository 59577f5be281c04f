import { TensorError } from "../errors.js";
import { flattenNested, nestedShape, unflatten, type NestedArray, type NestedNumbers } from "./nested.js";
import { allocate, dtypeOf, isDType, type DType, type FloatArray } from "./dtype.js";

/** Number of elements of a shape; the empty shape is a scalar with one element. */
export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** torch's shape check: the same number of dims, each the same size. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/** A float typed array's dtype, or null for anything else. */
function floatDtype(data: unknown): DType | null {
  if (data instanceof Float32Array) return "float32";
  if (data instanceof Float64Array) return "float64";
  return null;
}

/** typeof, except that null is "null": how refusals name a value of the wrong type. */
export function typeName(value: unknown): string {
  return value === null ? "null" : typeof value;
}

/**
 * Why `value` cannot be used as a Tensor, or null when it can ("got …" when it is not one at all): its data a Float32Array or
 * Float64Array, its shape non-negative integers whose product is the data's length, its dtype the
 * data's. A Tensor built here always is (its shape cannot change, see the class); a Tensor whose
 * `data` was reassigned, or one from another copy of this package, or a hand-made object with the
 * same members, is checked in full, `ndim` and `size` included, because the kernels trust the
 * shape and would read past, or short of, the data (a stale input on the WebAssembly path).
 */
export function tensorProblem(value: unknown): string | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return `got ${typeName(value)}`;
  const v = value as Partial<Record<"data" | "shape" | "ndim" | "dtype" | "size", unknown>>;
  const own = value instanceof Tensor;
  if (own && value.consistent()) return null;
  const dtype = floatDtype(v.data);
  if (dtype === null) return own ? "its data is not a Float32Array or a Float64Array" : "got object";
  const data = v.data as FloatArray;
  if (!own && (!Array.isArray(v.shape) || typeof v.ndim !== "number" || typeof v.dtype !== "string" || typeof v.size !== "function")) {
    return "got object";
  }
  const shape = v.shape as readonly unknown[];
  let n = 1;
  for (const d of shape) {
    if (typeof d !== "number" || !Number.isSafeInteger(d) || d < 0) return `its shape has an invalid dimension ${String(d)}`;
    n *= d;
  }
  const dims = shape as readonly number[];
  if (n !== data.length) return `shape ${formatShape(dims)} needs ${n} elements, but the data has ${data.length}`;
  if (v.dtype !== dtype) return `its dtype is ${String(v.dtype)}, but its data is ${dtype}`;
  if (!own) {
    if (v.ndim !== dims.length) return `its ndim is ${String(v.ndim)}, but its shape is ${formatShape(dims)}`;
    const size = v.size as (dim: number) => unknown;
    for (let i = 0; i < dims.length; i++) {
      if (size.call(value, i) !== dims[i] || size.call(value, i - dims.length) !== dims[i]) {
        return `its size(${i}) is not shape[${i}] = ${dims[i]}`;
      }
    }
  }
  return null;
}

/**
 * A dense, contiguous, row-major tensor. Only what the recurrent modules need: no strides,
 * no views, no broadcasting. The dtype follows the backing array, as in torch.from_numpy.
 *
 * The shape is fixed at construction, at run time too (not only in the .d.ts): `shape` has no
 * setter, and each read returns a copy of a private array, so writing into it changes nothing.
 * A copy, not Object.freeze: freezing costs ~47 ns per tensor, a third of a tutorial-sized forward
 * pass (docs/benchmark.md, Kernel notes); measured on the tutorial forward (3×1×4, hidden 2)
 * reading both results' shapes, freezing on first read cost more than copying on every read
 * (docs/benchmark.md, "Tensor validation"). `data` stays a plain field (its elements are the caller's to write); a
 * reassigned `data` is caught by {@link tensorProblem} at every public entry.
 */
export class Tensor {
  readonly data: FloatArray;
  readonly dtype: DType;
  /** The shape, never handed out (`shape` returns copies), so nothing outside this class can change it. */
  private readonly dims: number[];
  /** numel(dims), kept so the check at every public entry is one comparison, not a loop. */
  private readonly count: number;

  constructor(data: FloatArray, shape: readonly number[]) {
    if (!(data instanceof Float32Array || data instanceof Float64Array)) {
      throw new TensorError("Tensor data must be a Float32Array or a Float64Array");
    }
    if (!Array.isArray(shape)) throw new TensorError("Tensor shape must be an array of integers");
    for (const d of shape) {
      if (!Number.isSafeInteger(d) || d < 0) {
        throw new TensorError(`Tensor shape ${formatShape(shape)} has an invalid dimension ${d}`);
      }
    }
    const expected = numel(shape);
    if (data.length !== expected) {
      throw new TensorError(
        `Tensor shape ${formatShape(shape)} needs ${expected} elements, but the data has ${data.length}`,
      );
    }
    this.data = data;
    this.dims = shape.slice();
    this.count = expected;
    this.dtype = dtypeOf(data);
  }

  /** Data, dtype and shape agree (the fast path of tensorProblem: only `data` and `dtype` can have been reassigned). */
  consistent(): boolean {
    const data: unknown = this.data;
    const dtype = data instanceof Float32Array ? "float32" : data instanceof Float64Array ? "float64" : null;
    return dtype !== null && dtype === this.dtype && (data as FloatArray).length === this.count;
  }

  /** The dimensions: a fresh copy on every read (see the class comment). */
  get shape(): readonly number[] {
    return this.dims.slice();
  }

  /**
   * A tensor from nested arrays, like torch.tensor(values, dtype=...): `Tensor.from([[1, 2], [3, 4]])`
   * has shape [2, 2]; a number gives a 0-d tensor. Every level must be rectangular.
   */
  static from(values: NestedNumbers, dtype: DType = "float32"): Tensor {
    if (!isDType(dtype)) throw new TensorError(`Tensor.from: dtype must be "float32" or "float64", got ${String(dtype)}`);
    const shape = nestedShape(values);
    const data = allocate(dtype, numel(shape));
    flattenNested(values, shape, data);
    return new Tensor(data, shape);
  }

  /** The values as nested arrays of numbers, like torch's Tensor.tolist() (a number when 0-d). */
  toArray(): NestedArray {
    return unflatten(this.data, this.dims);
  }

  static zeros(shape: readonly number[], dtype: DType = "float32"): Tensor {
    return new Tensor(allocate(dtype, numel(shape)), shape);
  }

  get ndim(): number {
    return this.dims.length;
  }

  numel(): number {
    return this.data.length;
  }

  /** Size of dimension `dim`; negative dims count from the end, as in torch. */
  size(dim: number): number {
    const shape = this.dims;
    const d = dim < 0 ? shape.length + dim : dim;
    const s = shape[d];
    if (s === undefined) {
      throw new TensorError(
        `Dimension out of range (expected to be in range of [${-shape.length}, ${shape.length - 1}], but got ${dim})`,
      );
    }
    return s;
  }

  /** A tensor that shares this one's data under another shape with the same element count. */
  reshape(shape: readonly number[]): Tensor {
    return new Tensor(this.data, shape);
  }

  clone(): Tensor {
    return new Tensor(this.data.slice(), this.dims);
  }
}
