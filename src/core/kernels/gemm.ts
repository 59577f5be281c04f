import type { FloatArray } from "../tensor/dtype.js";
import { gemmABtF32 } from "./gemm-f32.js";

/**
 * C = A · Bᵀ + bias, with A (m × k), B (n × k), C (m × n), bias (n) or null. Matrices are strided
 * row-major: element (i, p) of A is `a[aOff + i * lda + p]`, so callers can address one
 * direction's columns of a sequence buffer, or a batch-first tensor, without copying.
 *
 * A Float32Array C goes to gemmABtF32 (gemm-f32.ts), which accumulates in float32 as the
 * WebAssembly f32x4 kernel does; everything below is the float64 kernel.
 *
 * Numerics: every dot product accumulates in float64 (JS numbers), from p = 0 to k − 1 in order,
 * then adds the bias (addmm's `bias + A @ Bᵀ`), and is rounded once by the store into C's typed
 * array. The blocking below changes which dot products run together, never the order inside one,
 * so the result does not depend on the block a element falls in.
 *
 * Speed: a 4 × 4 register block (16 accumulators in locals) loads 8 elements per 16 multiply-adds,
 * against 5 per 4 for a 1 × 4 block; V8 keeps most accumulators in registers and this measured
 * about 2x faster than 1 × 4 at the benchmark shapes (docs/benchmark.md, "Kernel notes").
 * Arguments are primitives and arrays only, so a call allocates nothing.
 */
export function gemmABt(
  m: number,
  n: number,
  k: number,
  a: FloatArray,
  aOff: number,
  lda: number,
  b: FloatArray,
  bOff: number,
  ldb: number,
  bias: FloatArray | null,
  c: FloatArray,
  cOff: number,
  ldc: number,
): void {
  if (c instanceof Float32Array) {
    gemmABtF32(m, n, k, a, aOff, lda, b, bOff, ldb, bias, c, cOff, ldc);
    return;
  }
  const m4 = m - (m & 3);
  const n4 = n - (n & 3);
  let i = 0;
  for (; i < m4; i += 4) {
    const aRow = aOff + i * lda;
    const cRow = cOff + i * ldc;
    let j = 0;
    for (; j < n4; j += 4) block4x4(k, a, aRow, lda, b, bOff + j * ldb, ldb, bias, j, c, cRow + j, ldc);
    for (; j < n; j++) block4x1(k, a, aRow, lda, b, bOff + j * ldb, bias, j, c, cRow + j, ldc);
  }
  for (; i < m; i++) {
    const aRow = aOff + i * lda;
    const cRow = cOff + i * ldc;
    let j = 0;
    for (; j < n4; j += 4) block1x4(k, a, aRow, b, bOff + j * ldb, ldb, bias, j, c, cRow + j);
    for (; j < n; j++) {
      const bRow = bOff + j * ldb;
      let s = 0;
      for (let p = 0; p < k; p++) s += a[aRow + p]! * b[bRow + p]!;
      if (bias !== null) s += bias[j]!;
      c[cRow + j] = s;
    }
  }
}

/** Rows a0..a0+3·lda of A against rows b0..b0+3·ldb of B into the 4 × 4 block of C at c0. */
function block4x4(
  k: number,
  a: FloatArray,
  a0: number,
  lda: number,
  b: FloatArray,
  b0: number,
  ldb: number,
  bias: FloatArray | null,
  j: number,
  c: FloatArray,
  c0: number,
  ldc: number,
): void {
  const a1 = a0 + lda;
  const a2 = a1 + lda;
  const a3 = a2 + lda;
  const b1 = b0 + ldb;
  const b2 = b1 + ldb;
  const b3 = b2 + ldb;
  let s00 = 0, s01 = 0, s02 = 0, s03 = 0;
  let s10 = 0, s11 = 0, s12 = 0, s13 = 0;
  let s20 = 0, s21 = 0, s22 = 0, s23 = 0;
  let s30 = 0, s31 = 0, s32 = 0, s33 = 0;
  for (let p = 0; p < k; p++) {
    const w0 = b[b0 + p]!;
    const w1 = b[b1 + p]!;
    const w2 = b[b2 + p]!;
    const w3 = b[b3 + p]!;
    let x = a[a0 + p]!;
    s00 += x * w0; s01 += x * w1; s02 += x * w2; s03 += x * w3;
    x = a[a1 + p]!;
    s10 += x * w0; s11 += x * w1; s12 += x * w2; s13 += x * w3;
    x = a[a2 + p]!;
    s20 += x * w0; s21 += x * w1; s22 += x * w2; s23 += x * w3;
    x = a[a3 + p]!;
    s30 += x * w0; s31 += x * w1; s32 += x * w2; s33 += x * w3;
  }
  if (bias !== null) {
    const d0 = bias[j]!;
    const d1 = bias[j + 1]!;
    const d2 = bias[j + 2]!;
    const d3 = bias[j + 3]!;
    s00 += d0; s01 += d1; s02 += d2; s03 += d3;
    s10 += d0; s11 += d1; s12 += d2; s13 += d3;
    s20 += d0; s21 += d1; s22 += d2; s23 += d3;
    s30 += d0; s31 += d1; s32 += d2; s33 += d3;
  }
  let r = c0;
  c[r] = s00; c[r + 1] = s01; c[r + 2] = s02; c[r + 3] = s03;
  r += ldc;
  c[r] = s10; c[r + 1] = s11; c[r + 2] = s12; c[r + 3] = s13;
  r += ldc;
  c[r] = s20; c[r + 1] = s21; c[r + 2] = s22; c[r + 3] = s23;
  r += ldc;
  c[r] = s30; c[r + 1] = s31; c[r + 2] = s32; c[r + 3] = s33;
}

/** One row of A against four rows of B (the m % 4 leftover rows, and batch-1 calls). */
function block1x4(
  k: number,
  a: FloatArray,
  a0: number,
  b: FloatArray,
  b0: number,
  ldb: number,
  bias: FloatArray | null,
  j: number,
  c: FloatArray,
  c0: number,
): void {
  const b1 = b0 + ldb;
  const b2 = b1 + ldb;
  const b3 = b2 + ldb;
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  for (let p = 0; p < k; p++) {
    const x = a[a0 + p]!;
    s0 += x * b[b0 + p]!;
    s1 += x * b[b1 + p]!;
    s2 += x * b[b2 + p]!;
    s3 += x * b[b3 + p]!;
  }
  if (bias !== null) {
    s0 += bias[j]!;
    s1 += bias[j + 1]!;
    s2 += bias[j + 2]!;
    s3 += bias[j + 3]!;
  }
  c[c0] = s0;
  c[c0 + 1] = s1;
  c[c0 + 2] = s2;
  c[c0 + 3] = s3;
}

/** Four rows of A against one row of B (the n % 4 leftover columns). */
function block4x1(
  k: number,
  a: FloatArray,
  a0: number,
  lda: number,
  b: FloatArray,
  b0: number,
  bias: FloatArray | null,
  j: number,
  c: FloatArray,
  c0: number,
  ldc: number,
): void {
  const a1 = a0 + lda;
  const a2 = a1 + lda;
  const a3 = a2 + lda;
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  for (let p = 0; p < k; p++) {
    const w = b[b0 + p]!;
    s0 += a[a0 + p]! * w;
    s1 += a[a1 + p]! * w;
    s2 += a[a2 + p]! * w;
    s3 += a[a3 + p]! * w;
  }
  if (bias !== null) {
    const d = bias[j]!;
    s0 += d;
    s1 += d;
    s2 += d;
    s3 += d;
  }
  c[c0] = s0;
  c[c0 + ldc] = s1;
  c[c0 + 2 * ldc] = s2;
  c[c0 + 3 * ldc] = s3;
}
