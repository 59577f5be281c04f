import type { FloatArray } from "../tensor/dtype.js";

/**
 * A strided row-major matrix view: element (i, k) lives at `data[offset + i * ld + k]`.
 * Views let callers address one direction's columns of a sequence buffer, or every
 * time step of a batch-first tensor, without copying.
 */
export interface MatrixView {
  data: FloatArray;
  offset: number;
  /** Distance between the starts of consecutive rows (the "leading dimension"). */
  ld: number;
}

/**
 * C = A · Bᵀ + bias, with A (m × k), B (n × k), C (m × n), bias (n) or null.
 *
 * Dot products accumulate in float64 (JS numbers) and are rounded once, by the store into C's
 * typed array. PyTorch's float32 GEMM accumulates in float32; rounding exactly at the points
 * where torch materialises a tensor keeps us within a few ulp of it, and nearer the exact value.
 * The bias is added after the dot product, as addmm's `beta * bias + A @ Bᵀ` does.
 *
 * Four rows of B are consumed together so each element of A is loaded once per four outputs;
 * the loop does no allocation.
 */
export function gemmABt(
  m: number,
  n: number,
  k: number,
  a: MatrixView,
  b: MatrixView,
  bias: FloatArray | null,
  c: MatrixView,
): void {
  const A = a.data;
  const B = b.data;
  const C = c.data;
  const n4 = n - (n % 4);
  for (let i = 0; i < m; i++) {
    const aRow = a.offset + i * a.ld;
    const cRow = c.offset + i * c.ld;
    let j = 0;
    for (; j < n4; j += 4) {
      const b0 = b.offset + j * b.ld;
      const b1 = b0 + b.ld;
      const b2 = b1 + b.ld;
      const b3 = b2 + b.ld;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let p = 0; p < k; p++) {
        const x = A[aRow + p]!;
        s0 += x * B[b0 + p]!;
        s1 += x * B[b1 + p]!;
        s2 += x * B[b2 + p]!;
        s3 += x * B[b3 + p]!;
      }
      if (bias !== null) {
        s0 += bias[j]!;
        s1 += bias[j + 1]!;
        s2 += bias[j + 2]!;
        s3 += bias[j + 3]!;
      }
      C[cRow + j] = s0;
      C[cRow + j + 1] = s1;
      C[cRow + j + 2] = s2;
      C[cRow + j + 3] = s3;
    }
    for (; j < n; j++) {
      const bRow = b.offset + j * b.ld;
      let s = 0;
      for (let p = 0; p < k; p++) s += A[aRow + p]! * B[bRow + p]!;
      if (bias !== null) s += bias[j]!;
      C[cRow + j] = s;
    }
  }
}
