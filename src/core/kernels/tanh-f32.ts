/**
 * tanh and the logistic sigmoid for float32 modules, in float64 arithmetic that the WebAssembly
 * gate kernels (wasm-gates.ts) repeat operation for operation on f64x2 lanes: a JS double and a
 * WebAssembly f64 lane round every +, −, ·, / identically (IEEE 754 binary64, round to nearest
 * even), so the float32 results of the two paths are the same bits (test/kernels-gates.test.ts).
 *
 * tanhF32 rounded to float32 equals Math.fround(Math.tanh(x)) for every float32 x: checked
 * exhaustively over all 4,278,190,082 non-NaN bit patterns (about 80 s in Node;
 * `RNN_PARITY_TANH_SWEEP=1 npx vitest run test/kernels-tanh-f32.test.ts`). The double returned is
 * within 4.5e-15 relative of Math.tanh (largest just above the 0.05 cutoff), so only an exact
 * tanh that close to a float32 rounding boundary could round differently; none does. It is
 * arithmetic V8 inlines (about 11.5 ns against 16-17 ns for Math.tanh, an out-of-line C++ call).
 * float64 modules use tanh-f64.ts (the same exp, over the whole double range).
 *
 * Neither is torch's float32 tanh (a vectorised approximation): on the 165,381,406 float32
 * inputs with 0.01 <= |x| < 9.1, torch 2.13's CPU kernel differs from fround(Math.tanh) on
 * 107,186 (0.065%), each by one float32 ulp, far inside assert_close's tolerance.
 */

/**
 * 2^(j/32) for j = 0..31: exp(y) = 2^m · 2^(j/32) · e^r. The WebAssembly kernels hold a copy.
 * Literals, not `2 ** (j / 32)`: `**` is implementation-approximated, so another engine could
 * build another table (and compute other results than Node). These are the values V8 11.3 (Node
 * 20) computes, so nothing changed when they became literals; four (j = 15, 20, 23, 24) are an
 * ulp from the correctly rounded 2^(j/32), well inside the error budget above.
 */
export const POW2_FRAC = Float64Array.from([
  1, 1.0218971486541166, 1.0442737824274138, 1.0671404006768237,
  1.0905077326652577, 1.1143867425958924, 1.1387886347566916, 1.1637248587775775,
  1.189207115002721, 1.215247359980469, 1.241857812073484, 1.2690509571917332,
  1.2968395546510096, 1.3252366431597413, 1.3542555469368927, 1.3839098819638318,
  1.4142135623730951, 1.4451808069770467, 1.4768261459394993, 1.5091644275934228,
  1.542210825407941, 1.5759808451078865, 1.6104903319492543, 1.6457554781539647,
  1.6817928305074292, 1.718619298122478, 1.7562521603732995, 1.7947090750031072,
  1.8340080864093424, 1.8741676341103, 1.9152065613971474, 1.9571441241754002,
]);

/** 2^e for an integer e in the normal range [-1022, 1023], from its exponent bits (no `**`). */
export function pow2(e: number): number {
  const bits = new DataView(new ArrayBuffer(8));
  bits.setUint32(0, (e + 1023) << 20);
  return bits.getFloat64(0);
}

/** 2^m for m = -64..191 (index m + 64); the kernels build the same powers from exponent bits. */
const POW2_INT = new Float64Array(256).map((_, i) => pow2(i - 64));
export const INV_LN2_32 = 32 / Math.LN2;
// ln2/32 split so that k · LN2_32_HI is exact for the |k| < 2^13 used here (24 + 13 bits).
export const LN2_32_HI = Math.fround(Math.LN2 / 32);
export const LN2_32_LO = Math.LN2 / 32 - LN2_32_HI;
/** Where sigmoidF32 clamps −x: outside [-20, 110] every float32 sigmoid is 1 or 0 already. */
export const SIGMOID_LO = -20;
export const SIGMOID_HI = 110;

/**
 * e^y for -860 < y·32/ln2 < 6100 (the callers' ranges): k = floor(y · 32/ln2 + 0.5) = 32m + j,
 * r = y − k·ln2/32 with |r| <= ln2/64, where the degree-6 Taylor polynomial of e^r has relative
 * error below 3e-18. floor(t + 0.5), not Math.round, because WebAssembly has floor and the two
 * agree on every t these callers produce (they differ only at t = 0.49999999999999994 and past
 * 2^52). The WebAssembly copy: emitExp in wasm-gates.ts.
 */
export function expF64(y: number): number {
  const k = Math.floor(y * INV_LN2_32 + 0.5);
  const r = y - k * LN2_32_HI - k * LN2_32_LO;
  const j = k & 31;
  const r2 = r * r;
  const p = 1 + r + r2 * (1 / 2 + r * (1 / 6)) + r2 * r2 * (1 / 24 + r * (1 / 120) + r2 * (1 / 720));
  return p * POW2_FRAC[j]! * POW2_INT[(k >> 5) + 64]!;
}

export function tanhF32(x: number): number {
  const a = Math.abs(x);
  if (a < 0.05) {
    // Taylor series to x^15; the first omitted term is below 1e-23 relative here. The cutoff is
    // 0.05, not lower, because (1 − e)/(1 + e) below cancels for small x: with a cutoff of 0.01
    // its error reached 2e-14 relative and x = 0.025892050936818123 rounded to the wrong float32.
    const x2 = x * x;
    const tail = 62 / 2835 + x2 * (-1382 / 155925 + x2 * (21844 / 6081075 + x2 * (-929569 / 638512875)));
    return x * (1 + x2 * (-1 / 3 + x2 * (2 / 15 + x2 * (-17 / 315 + x2 * tail))));
  }
  // |x| >= 9.1: 1 - tanh < 2.5e-8, under half a float32 ulp of 1, so the float32 result is ±1.
  if (a >= 9.1) return x > 0 ? 1 : -1;
  // NaN fails both comparisons above and propagates through the formula below.
  // e = exp(-2x), from the signed x (not |x|): that keeps the sign out of a branch the CPU would mispredict.
  const e = expF64(-2 * x);
  return (1 - e) / (1 + e);
}

/**
 * The logistic sigmoid, 1 / (1 + e^−x) in float64, for float32 modules (the caller rounds once).
 * −x is clamped to [-20, 110] first, which changes no float32 result: for x >= 20 the sigmoid
 * is within 2.1e-9 of 1 (half a float32 ulp below 1 is 3e-8), for x <= -110 it is below
 * e^-110 < 2^-158, under half the smallest float32 subnormal (2^-150); both ends round the same
 * way clamped or not. Relative error about 3e-16 (the table entry's rounding dominates), so it
 * rounds to the float32 that `1 / (1 + Math.exp(-x))` rounds to except within 3e-16 of a
 * rounding boundary. NaN stays NaN.
 */
export function sigmoidF32(x: number): number {
  const y = -x;
  // Comparisons, not Math.min/max (6.5 against 7.7 ns per sigmoid): the kernels' f64x2.pmin/pmax
  // are these same selections, and a NaN, for which every comparison is false, passes through.
  return 1 / (1 + expF64(y < SIGMOID_LO ? SIGMOID_LO : y > SIGMOID_HI ? SIGMOID_HI : y));
}
