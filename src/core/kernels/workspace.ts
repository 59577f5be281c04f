import { allocate, type DType, type FloatArray } from "../tensor/dtype.js";

/** Scratch slots of a module. Numbered, not named: a lookup is an array index, not a hash. */
export const Slot = {
  Ih: 0,
  Pre: 1,
  Zeros: 2,
  Layer0: 3,
  Layer1: 4,
  /** A layer-direction's running h and c (packed batches need them apart from the output). */
  State: 5,
  Cell: 6,
  /** h0 and c0 of a packed call, permuted into sorted order. */
  Hx: 7,
  Cx: 8,
} as const;
export type Slot = (typeof Slot)[keyof typeof Slot];

/**
 * Grow-only scratch buffers, reused across forward calls so a steady stream of same-sized
 * inputs allocates nothing but the returned tensors. A buffer may be longer than asked for;
 * kernels only touch the prefix they need.
 */
export class Workspace {
  private readonly buffers: (FloatArray | undefined)[] = [];

  constructor(readonly dtype: DType) {}

  get(slot: Slot, length: number): FloatArray {
    const existing = this.buffers[slot];
    if (existing !== undefined && existing.length >= length) return existing;
    const fresh = allocate(this.dtype, length);
    this.buffers[slot] = fresh;
    return fresh;
  }

  /**
   * A buffer of at least `length` zeros. It is filled only when allocated, so callers must treat
   * it as read-only (kernels only read an initial hidden state).
   */
  zeros(length: number): FloatArray {
    return this.get(Slot.Zeros, length);
  }
}
