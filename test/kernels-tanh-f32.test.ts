import { describe, expect, it } from "vitest";
import { tanhF32 } from "../src/core/kernels/tanh-f32.js";

// Math.tanh rounded to float32 is what the float32 path computed before tanhF32, so agreement
// with it keeps that path's torch parity (test/parity.test.ts runs both dtypes). Every float32
// value agrees; the default run samples, RNN_PARITY_TANH_SWEEP=1 checks all 4.3e9 (about 80 s).
const EXHAUSTIVE = process.env["RNN_PARITY_TANH_SWEEP"] === "1";
const POSITIVE_INFINITY_BITS = 0x7f800000;

/** Bit patterns from `start` to +Infinity, `step` apart, of both signs, where tanhF32 disagrees. */
function disagreements(start: number, step: number): number[] {
  const f32 = new Float32Array(1);
  const bits = new Uint32Array(f32.buffer);
  const found: number[] = [];
  for (let b = start; b <= POSITIVE_INFINITY_BITS; b += step) {
    for (const sign of [0, 0x80000000]) {
      bits[0] = (b | sign) >>> 0;
      const x = f32[0]!;
      if (!Object.is(Math.fround(tanhF32(x)), Math.fround(Math.tanh(x)))) found.push(bits[0]);
    }
  }
  return found;
}

describe("tanhF32", () => {
  it("rounds to the same float32 as Math.tanh on a sample of every 1009th bit pattern", () => {
    expect(disagreements(0, 1009)).toEqual([]);
  });

  it("rounds the input that a Taylor cutoff of 0.01 got wrong, and its neighbours, as Math.tanh", () => {
    const start = new Uint32Array(new Float32Array([0.025892050936818123]).buffer)[0]! - 64;
    const f32 = new Float32Array(1);
    const bits = new Uint32Array(f32.buffer);
    for (let b = start; b < start + 128; b++) {
      bits[0] = b;
      for (const x of [f32[0]!, -f32[0]!]) expect(Math.fround(tanhF32(x))).toBe(Math.fround(Math.tanh(x)));
    }
  });

  it("keeps the special values", () => {
    for (const x of [0, -0, Infinity, -Infinity, 0.05, -0.05, 9.1, -9.1, 1e-40, -1e-45, 88]) {
      expect(Object.is(Math.fround(tanhF32(x)), Math.fround(Math.tanh(x)))).toBe(true);
    }
    expect(tanhF32(Number.NaN)).toBeNaN();
  });

  it.runIf(EXHAUSTIVE)("rounds to the same float32 as Math.tanh on every float32", () => {
    expect(disagreements(0, 1)).toEqual([]);
  }, 600_000);
});
