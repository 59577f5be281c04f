import { describe, expect, it } from "vitest";
import { gemmABt } from "../src/kernels/gemm.js";
import { instantiateKernels, packTransposed } from "../src/kernels/wasm-gemm.js";
import { tanhF32 } from "../src/kernels/tanh-f32.js";
import { RNN } from "../src/nn/rnn.js";
import { Tensor } from "../src/tensor/tensor.js";
import { mulberry32 } from "../src/nn/parameters.js";

// Internal consistency only: parity with PyTorch is proven by test/parity.test.ts, which runs
// fixtures through both kernels (the small ones on the scalar path, the larger on WebAssembly).
// Here the two kernels must agree bit for bit, so that claim transfers between them.

function fill<T extends Float32Array | Float64Array>(a: T, random: () => number, scale = 1): T {
  for (let i = 0; i < a.length; i++) a[i] = (2 * random() - 1) * scale;
  return a;
}

describe("WebAssembly GEMM", () => {
  const kernels = instantiateKernels();

  it("is available on Node 20 (SIMD)", () => {
    expect(kernels).not.toBeNull();
  });

  for (const [m, n, k, dtype, bias] of [
    [4, 4, 1, "float32", true],
    [9, 7, 13, "float32", true],
    [12, 5, 3, "float64", true],
    [8, 6, 10, "float32", false],
    [13, 10, 17, "float64", false],
  ] as const) {
    it(`matches the scalar kernel bit for bit: ${m}x${n}x${k} ${dtype}${bias ? "" : " no bias"}`, () => {
      if (kernels === null) return;
      const random = mulberry32(m * 1000 + n * 10 + k);
      const T = dtype === "float32" ? Float32Array : Float64Array;
      const es = T.BYTES_PER_ELEMENT;
      const a = fill(new T(m * k), random);
      const w = fill(new T(n * k), random, 0.5);
      const b = bias ? fill(new T(n), random) : null;
      const expected = new T(m * n);
      gemmABt(m, n, k, a, 0, k, w, 0, k, b, expected, 0, n);

      const m4 = (m + 3) & ~3;
      const np = (n + 3) & ~3;
      const bOff = 16;
      const biasOff = bOff + np * k * 8;
      const aOff = biasOff + np * 8;
      const cOff = aOff + m4 * k * es;
      const end = cOff + m4 * np * es;
      const have = kernels.memory.buffer.byteLength;
      if (end > have) kernels.memory.grow(Math.ceil((end - have) / 65536));
      const f64 = new Float64Array(kernels.memory.buffer);
      const view = new T(kernels.memory.buffer);
      packTransposed(w, n, k, f64, bOff / 8);
      for (let j = 0; j < np; j++) f64[biasOff / 8 + j] = b !== null && j < n ? b[j]! : 0;
      view.fill(0, aOff / es, cOff / es);
      view.set(a, aOff / es);
      const gemm = dtype === "float32" ? kernels.gemm32 : kernels.gemm64;
      gemm(aOff, k * es, aOff + m4 * k * es, k, bOff, np / 4, b !== null ? biasOff : 0, cOff, np * es);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          expect(Object.is(view[cOff / es + i * np + j], expected[i * n + j])).toBe(true);
        }
      }
    });
  }
});

describe("RNN forward on the WebAssembly engine", () => {
  it("repacks after loadStateDict and agrees with a module that never used the engine", () => {
    const options = { inputSize: 20, hiddenSize: 30, numLayers: 2, seed: 7 } as const;
    const big = new RNN(options);
    const random = mulberry32(11);
    const x = new Tensor(fill(new Float32Array(12 * 2 * 20), random), [12, 2, 20]);
    big.forward(x); // packs the initial weights
    const sd = big.stateDict();
    for (const t of Object.values(sd)) fill(t.data, random, 0.2);
    big.loadStateDict(sd);
    const [out, hN] = big.forward(x);
    expect(out.shape).toEqual([12, 2, 30]);
    // One time step at a time (2·30·50 = 3000 multiply-adds) stays under the engine's threshold: the scalar path.
    const small = new RNN(options);
    small.loadStateDict(sd);
    const steps: Float32Array[] = [];
    let h: Tensor | undefined;
    for (let t = 0; t < 12; t++) {
      const xt = new Tensor(x.data.slice(t * 40, (t + 1) * 40), [1, 2, 20]);
      const [o, hn] = small.forward(xt, h);
      steps.push(o.data as Float32Array);
      h = hn;
    }
    // A unidirectional stack is step-decomposable: feeding one step at a time with the carried
    // state reproduces the whole-sequence output and the final state exactly.
    const joined = new Float32Array(12 * 2 * 30);
    steps.forEach((s, t) => joined.set(s, t * 60));
    expect(Array.from(out.data)).toEqual(Array.from(joined));
    expect(Array.from(hN.data)).toEqual(Array.from(h!.data));
  });
});

describe("tanhF32", () => {
  // Math.tanh rounded to float32 is what the float32 path computed before tanhF32; agreement on a
  // broad sweep keeps the torch parity of that path (test/parity.test.ts runs both dtypes).
  it("rounds to the same float32 as Math.tanh across the float32 range and on special values", () => {
    const f32 = new Float32Array(1);
    const bits = new Uint32Array(f32.buffer);
    let mismatches = 0;
    for (let b = 0; b < 0x41500000; b += 1009) {
      bits[0] = b;
      for (const x of [f32[0]!, -f32[0]!]) {
        if (!Object.is(Math.fround(tanhF32(x)), Math.fround(Math.tanh(x)))) mismatches++;
      }
    }
    expect(mismatches).toBe(0);
    for (const x of [0, -0, Infinity, -Infinity, 0.01, -0.01, 9.1, -9.1, 1e-40, 88]) {
      expect(Object.is(Math.fround(tanhF32(x)), Math.fround(Math.tanh(x)))).toBe(true);
    }
    expect(tanhF32(Number.NaN)).toBeNaN();
  });
});
