import { allocate, type DType, type FloatArray } from "../tensor/dtype.js";

/**
 * Grow-only scratch buffers, reused across forward calls so a steady stream of same-sized
 * inputs allocates nothing but the returned tensors. A buffer may be longer than asked for;
 * kernels only touch the prefix they need.
 */
export class Workspace {
  private readonly buffers = new Map<string, FloatArray>();

  constructor(readonly dtype: DType) {}

  get(name: string, length: number): FloatArray {
    const existing = this.buffers.get(name);
    if (existing !== undefined && existing.length >= length) return existing;
    const fresh = allocate(this.dtype, length);
    this.buffers.set(name, fresh);
    return fresh;
  }

  /** A buffer whose first `length` elements are zero. */
  zeros(name: string, length: number): FloatArray {
    const buf = this.get(name, length);
    buf.fill(0, 0, length);
    return buf;
  }
}
