/**
 * The float64 modules' tanh, sigmoid and exp (src/core/kernels/tanh-f64.ts) are built from basic
 * arithmetic so every engine computes the same bits (the browser parity run checks Chromium against
 * Node). Here: they stay within a few ulp of V8's Math functions over the whole range, the special
 * values come out as Math gives them, and no kernel calls an implementation-approximated Math
 * function or `**` (which would make results engine-dependent again).
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { POW2_FRAC, pow2 } from "../src/core/kernels/tanh-f32.js";
import { expFull, sigmoidF64, tanhF64 } from "../src/core/kernels/tanh-f64.js";

const EPS = 2 ** -52;

/** Deterministic uniform samples in [lo, hi). */
function samples(n: number, lo: number, hi: number, seed = 1): number[] {
  let s = seed;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out.push(lo + ((hi - lo) * s) / 2147483648);
  }
  return out;
}

function worstRelative(f: (x: number) => number, g: (x: number) => number, xs: readonly number[]): number {
  let worst = 0;
  for (const x of xs) {
    const want = g(x);
    if (want === 0) continue;
    worst = Math.max(worst, Math.abs(f(x) - want) / Math.abs(want));
  }
  return worst;
}

describe("engine-independent float64 transcendental functions", () => {
  it("expFull is within 4 ulp of Math.exp over the normal range, and gives 0, subnormals and Infinity at the ends", () => {
    expect(worstRelative(expFull, Math.exp, samples(200_000, -708, 709))).toBeLessThan(4 * EPS);
    expect(worstRelative(expFull, Math.exp, samples(20_000, -1, 1, 7))).toBeLessThan(4 * EPS);
    for (const y of [-744, -740, -720, -709.5]) expect(Math.abs(expFull(y) - Math.exp(y))).toBeLessThanOrEqual(Math.max(Math.exp(y) * 4 * EPS, 2 * 2 ** -1074));
    expect([expFull(0), expFull(710), expFull(Infinity), expFull(-746), expFull(-Infinity)]).toEqual([1, Infinity, Infinity, 0, 0]);
    expect(expFull(NaN)).toBeNaN();
  });

  it("tanhF64 is within 16 ulp of Math.tanh, keeps -0, and is ±1 from |x| = 20", () => {
    expect(worstRelative(tanhF64, Math.tanh, samples(200_000, -25, 25))).toBeLessThan(16 * EPS);
    expect(worstRelative(tanhF64, Math.tanh, samples(50_000, -0.1, 0.1, 3))).toBeLessThan(16 * EPS);
    expect(worstRelative(tanhF64, Math.tanh, [1e-300, 5e-324, -1e-10, 0.049999999, 0.05, 19.99, -19.99])).toBeLessThan(16 * EPS);
    expect(Object.is(tanhF64(-0), -0)).toBe(true);
    expect([tanhF64(20), tanhF64(-20), tanhF64(Infinity), tanhF64(-Infinity), tanhF64(1e308)]).toEqual([1, -1, 1, -1, 1]);
    expect(tanhF64(NaN)).toBeNaN();
  });

  it("tanhF64's Taylor series (|x| < 0.05) is within 4 ulp of Math.tanh: every term of it counts", () => {
    // Measured 2 ulp at worst; flipping the sign of its x^11 or x^13 term gives 13 ulp.
    expect(worstRelative(tanhF64, Math.tanh, samples(50_000, -0.05, 0.05, 5))).toBeLessThan(4 * EPS);
  });

  it("sigmoidF64 is within 8 ulp of 1 / (1 + Math.exp(-x)), 0 and 1 at the ends, NaN stays NaN", () => {
    const ref = (x: number) => 1 / (1 + Math.exp(-x));
    expect(worstRelative(sigmoidF64, ref, samples(200_000, -700, 700))).toBeLessThan(8 * EPS);
    expect([sigmoidF64(-Infinity), sigmoidF64(-800), sigmoidF64(800), sigmoidF64(Infinity), sigmoidF64(0)]).toEqual([0, 0, 1, 1, 0.5]);
    expect(sigmoidF64(NaN)).toBeNaN();
  });

  it("the tables are what their formulas give in this engine: POW2_FRAC = 2^(j/32), pow2(e) = 2^e exactly", () => {
    for (let j = 0; j < 32; j++) expect(POW2_FRAC[j]).toBe(2 ** (j / 32));
    for (let e = -1022; e <= 1023; e++) if (pow2(e) !== 2 ** e) throw new Error(`pow2(${e}) = ${pow2(e)}`);
  });
});

const kernels = join(resolve(dirname(fileURLToPath(import.meta.url)), ".."), "src", "core", "kernels");
/** Math functions ECMA-262 leaves implementation-approximated, i.e. engines may round them differently. */
const APPROXIMATED = /\bMath\.(?:tanh|exp|expm1|log|log1p|log2|log10|pow|sin|cos|tan|asin|acos|atan|atan2|sinh|cosh|asinh|acosh|atanh|cbrt|hypot)\b|\*\*/;

export function approximatedCalls(text: string): string[] {
  return text
    .split("\n")
    .map((line, i) => [i + 1, line.replace(/\/\/.*$/, "")] as const)
    // 2 ** <integer literal> (a size constant) is exact; any other ** is pow.
    .filter(([, line]) => !/^\s*(?:\*|\/\*)/.test(line) && APPROXIMATED.test(line.replace(/\b2 \*\* \d+\b/g, "")))
    .map(([n, line]) => `${n}: ${line.trim()}`);
}

describe("the kernels compute with exactly rounded operations only", () => {
  it.each(readdirSync(kernels).filter((f) => f.endsWith(".ts")))("%s", (file) => {
    expect(approximatedCalls(readFileSync(join(kernels, file), "utf8"))).toEqual([]);
  });
  it("the check finds Math.tanh, Math.exp and ** in code, not in comments", () => {
    expect(approximatedCalls("const a = Math.tanh(x);\n// Math.exp(x)\n * Math.pow\nconst b = 2 ** k;\nconst c = Math.expm1(1);\nconst d = 2 ** 32;").map((l) => l.split(":")[0])).toEqual(["1", "4", "5"]);
  });
});
