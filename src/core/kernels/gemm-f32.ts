/**
 * The float32 GEMM in scalar JS, C = A · Bᵀ + bias, with the arithmetic of the WebAssembly f32x4
 * kernel (wasm-sgemm.ts) bit for bit, so that which of the two runs never changes a result:
 * every dot product accumulates in float32 from p = 0 to k − 1, `s = fround(s + fround(a·w))`
 * (a product of two float32 values is exact in float64, so fround gives the correctly rounded
 * float32 product; a float64 sum of two float32 values rounded by fround is the correctly
 * rounded float32 sum, since 53 >= 2·24 + 2), then `s = fround(s + bias)`, stored once.
 *
 * Arguments and blocking as gemmABt (gemm.ts), which dispatches here for a Float32Array C.
 */
const fr = Math.fround;

export function gemmABtF32(
  m: number,
  n: number,
  k: number,
  a: ArrayLike<number>,
  aOff: number,
  lda: number,
  b: ArrayLike<number>,
  bOff: number,
  ldb: number,
  bias: ArrayLike<number> | null,
  c: Float32Array,
  cOff: number,
  ldc: number,
): void {
  const n4 = n - (n & 3);
  for (let i = 0; i < m; i++) {
    const aRow = aOff + i * lda;
    const cRow = cOff + i * ldc;
    let j = 0;
    for (; j < n4; j += 4) block1x4(k, a, aRow, b, bOff + j * ldb, ldb, bias, j, c, cRow + j);
    for (; j < n; j++) {
      const bRow = bOff + j * ldb;
      let s = 0;
      for (let p = 0; p < k; p++) s = fr(s + fr(a[aRow + p]! * b[bRow + p]!));
      if (bias !== null) s = fr(s + bias[j]!);
      c[cRow + j] = s;
    }
  }
}

/**
 * One row of A against four rows of B. A 1 × 4 block, not gemmABt's 4 × 4: with two roundings
 * per multiply-add the 16 accumulators of a 4 × 4 block no longer stay in registers, and the
 * float32 scalar path only runs below the WebAssembly threshold (tiny products) or without
 * WebAssembly at all.
 */
function block1x4(
  k: number,
  a: ArrayLike<number>,
  a0: number,
  b: ArrayLike<number>,
  b0: number,
  ldb: number,
  bias: ArrayLike<number> | null,
  j: number,
  c: Float32Array,
  c0: number,
): void {
  const b1 = b0 + ldb;
  const b2 = b1 + ldb;
  const b3 = b2 + ldb;
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  for (let p = 0; p < k; p++) {
    const x = a[a0 + p]!;
    s0 = fr(s0 + fr(x * b[b0 + p]!));
    s1 = fr(s1 + fr(x * b[b1 + p]!));
    s2 = fr(s2 + fr(x * b[b2 + p]!));
    s3 = fr(s3 + fr(x * b[b3 + p]!));
  }
  if (bias !== null) {
    s0 = fr(s0 + bias[j]!);
    s1 = fr(s1 + bias[j + 1]!);
    s2 = fr(s2 + bias[j + 2]!);
    s3 = fr(s3 + bias[j + 3]!);
  }
  c[c0] = s0;
  c[c0 + 1] = s1;
  c[c0 + 2] = s2;
  c[c0 + 3] = s3;
}
