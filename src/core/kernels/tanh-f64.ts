/**
 * tanh and the logistic sigmoid for float64 modules, from +, −, ·, / and floor only, so every
 * JavaScript engine computes the same bits. Math.tanh and Math.exp are "implementation-approximated"
 * (ECMA-262): Node 20's V8 11.3 and Chromium 156's V8 differ on 58 of 200,000 random tanh inputs
 * and 18,641 exp inputs by an ulp, which made 184 float64 cases of the browser parity run differ
 * from Node's (test/browser-parity.test.ts). The float32 path (tanh-f32.ts) was already exact.
 *
 * Accuracy: a few ulp (about 3e-16 relative, the 2^(j/32) table's rounding dominating; tanh near
 * the 0.05 cutoff about 3e-15, the cancellation in 1 − e), against assert_close's float64 rtol 1e-7.
 * Test: test/kernels-tanh-f64.test.ts.
 */
import { INV_LN2_32, LN2_32_HI, POW2_FRAC, pow2 } from "./tanh-f32.js";

/**
 * ln 2 − Math.LN2 (the standard tail of ln 2 beyond double precision). tanh-f32.ts's LN2_32_LO is
 * Math.LN2/32 − LN2_32_HI, whose own error (2e-18) times k (up to 3.3e4 here) would cost 7e-14
 * relative; with the tail, the low part is right to about 1e-25.
 */
const LN2_TAIL = 2.319046813846299558e-17;
const LN2_32_LO_FULL = Math.LN2 / 32 - LN2_32_HI + LN2_TAIL / 32;

/** 2^i for i = -540..513 (index i + 540): e^y = p · 2^(j/32) · 2^m1 · 2^m2 with both halves of m in range. */
const POW2_HALF = new Float64Array(1054).map((_, i) => pow2(i - 540));

/**
 * e^y for every double: k = floor(y · 32/ln2 + 0.5) = 32m + j, r = y − k·ln2/32 (|r| <= ln2/64),
 * the degree-6 Taylor polynomial of e^r (relative error below 3e-18), and 2^m applied as two
 * halves so neither power leaves the normal range (results from subnormals to overflow, as
 * Math.exp gives them up to rounding). Beyond ±746 the result is 0 or Infinity outright.
 */
export function expFull(y: number): number {
  if (y > 710) return Infinity;
  if (y < -746) return 0;
  // NaN passes the tests above and propagates: floor(NaN) is NaN, and an int conversion of it 0.
  const k = Math.floor(y * INV_LN2_32 + 0.5);
  const r = y - k * LN2_32_HI - k * LN2_32_LO_FULL;
  const m = k >> 5;
  const m1 = m >> 1;
  const r2 = r * r;
  const p = 1 + r + r2 * (1 / 2 + r * (1 / 6)) + r2 * r2 * (1 / 24 + r * (1 / 120) + r2 * (1 / 720));
  return p * POW2_FRAC[k & 31]! * POW2_HALF[m1 + 540]! * POW2_HALF[m - m1 + 540]!;
}

/** tanh(x) in float64: the odd Taylor series below 0.05, (1 − e^−2x)/(1 + e^−2x) up to 20, ±1 beyond. */
export function tanhF64(x: number): number {
  const a = Math.abs(x);
  if (a < 0.05) {
    // Taylor series to x^15 (the first omitted term is below 1e-23 relative here); keeps -0 and
    // the relative accuracy of tiny x, where 1 − e cancels.
    const x2 = x * x;
    const tail = 62 / 2835 + x2 * (-1382 / 155925 + x2 * (21844 / 6081075 + x2 * (-929569 / 638512875)));
    return x * (1 + x2 * (-1 / 3 + x2 * (2 / 15 + x2 * (-17 / 315 + x2 * tail))));
  }
  // |x| >= 20: 1 − tanh < 8.5e-18, under half an ulp of 1 (2^-54), so the result is ±1.
  if (a >= 20) return x > 0 ? 1 : -1;
  // NaN fails both comparisons above and propagates through expFull.
  const e = expFull(-2 * x);
  return (1 - e) / (1 + e);
}

/** 1 / (1 + e^−x) in float64; NaN stays NaN, e^−x's overflow gives 0 as the limit should. */
export function sigmoidF64(x: number): number {
  return 1 / (1 + expFull(-x));
}
