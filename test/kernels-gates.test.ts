import { beforeEach, describe, expect, it } from "vitest";
import { forgetWasmModules } from "../src/core/kernels/wasm-memory.js";
import { gruFamily } from "../src/core/kernels/gru-step.js";
import { lstmFamily } from "../src/core/kernels/lstm-step.js";
import type { GateFamily } from "../src/core/kernels/recurrent-layer.js";
import { rnnFamily } from "../src/core/kernels/rnn-layer.js";
import { sigmoidF32, tanhF32 } from "../src/core/kernels/tanh-f32.js";
import { GATE_RESERVED, type MapKernel } from "../src/core/kernels/wasm-gates.js";
import { instantiateSgemm, type SgemmKernels } from "../src/core/kernels/wasm-sgemm.js";
import { mulberry32 } from "../src/core/nn/parameters.js";

// Every test compiles its kernels from fresh bytes (see forgetWasmModules).
beforeEach(forgetWasmModules);

// The WebAssembly gate kernels (wasm-gates.ts) against the scalar float32 arithmetic they
// repeat (tanh-f32.ts, the families' epilogues): the same bits, input by input. Parity with
// PyTorch is the parity suite's; test/kernels-engine.test.ts compares whole forward passes.

const SPECIALS = [
  0, -0, Number.NaN, Infinity, -Infinity, 1e-45, -1e-45, 1e-40, -1e-40, 3.4e38, -3.4e38, 0.05, -0.05, 9.1, -9.1,
  20, -20, 110, -110, 17.3, -17.3, 103.9, -103.9, 104, -104, 88.7, -88.7, 0.025892050936818123, 1, -1,
];

function grown(k: SgemmKernels, bytes: number): void {
  const have = k.memory.buffer.byteLength;
  if (bytes > have) k.memory.grow(Math.ceil((bytes - have) / 65536));
}

/** Indices where the WebAssembly map and the scalar function (rounded to float32) differ in bits. */
function mapMismatches(k: SgemmKernels, kind: MapKernel, xs: Float32Array, tamper?: (out: Float32Array) => void): number[] {
  const n4 = Math.ceil(xs.length / 4) * 4;
  const src = GATE_RESERVED;
  const dst = src + n4 * 4;
  grown(k, dst + n4 * 4);
  const view = new Float32Array(k.memory.buffer);
  view.set(xs, src / 4);
  k.maps[kind](src, dst, src + n4 * 4);
  const out = view.subarray(dst / 4, dst / 4 + xs.length);
  tamper?.(out);
  const f = kind === "tanhF32" ? tanhF32 : sigmoidF32;
  const bad: number[] = [];
  for (let i = 0; i < xs.length; i++) if (!Object.is(out[i], Math.fround(f(xs[i]!)))) bad.push(i);
  return bad;
}

/** Every `step`th float32 bit pattern, both signs, then SPECIALS. */
function sample(step: number): Float32Array {
  const bits: number[] = [];
  for (let b = 0; b <= 0x7fffffff; b += step) bits.push(b, (b | 0x80000000) >>> 0);
  const xs = new Float32Array(new Uint32Array(bits).buffer);
  const all = new Float32Array(xs.length + SPECIALS.length);
  all.set(xs);
  all.set(SPECIALS, xs.length);
  return all;
}

describe("WebAssembly tanh and sigmoid (f64x2) against tanhF32 and sigmoidF32", () => {
  // Under mutation testing every scalar statement also counts its coverage, which makes the
  // 4.3M-pattern sweep outlast vitest's timeout; every 99,991st pattern (43k, same specials)
  // still reaches each branch of tanhF32 and sigmoidF32.
  const step = process.env.RNN_PARITY_MUTATION === "1" ? 99_991 : 997;
  const xs = sample(step);

  it("is available on Node 20 (SIMD)", () => {
    expect(instantiateSgemm()).not.toBeNull();
  });

  for (const kind of ["tanhF32", "sigmoidF32"] as const) {
    it(`${kind}: the same float32 bits on every ${step}th bit pattern of both signs and the special values`, () => {
      const k = instantiateSgemm();
      if (k === null) throw new Error("no WebAssembly SIMD: Node 20 has it");
      expect(mapMismatches(k, kind, xs)).toEqual([]);
    });

    it(`${kind}: a one-ulp change in one result is caught`, () => {
      const k = instantiateSgemm();
      if (k === null) throw new Error("no WebAssembly SIMD: Node 20 has it");
      const at = xs.indexOf(1);
      const bits = (out: Float32Array): void => {
        const u = new Uint32Array(out.buffer, out.byteOffset, out.length);
        u[at] = u[at]! + 1;
      };
      expect(mapMismatches(k, kind, xs, bits)).toEqual([at]);
    });
  }

  it("sigmoidF32 rounds to the float32 that 1 / (1 + Math.exp(-x)) rounds to, on the same sample", () => {
    const bad: number[] = [];
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i]!;
      if (!Object.is(Math.fround(sigmoidF32(x)), Math.fround(1 / (1 + Math.exp(-x))))) bad.push(x);
    }
    expect(bad).toEqual([]);
  });
});

type Kind = "RNN-tanh" | "RNN-relu" | "LSTM" | "GRU";

function familyOf(kind: Kind, H: number): GateFamily {
  if (kind === "LSTM") return lstmFamily(H, 0);
  if (kind === "GRU") return gruFamily(H);
  return rnnFamily(H, kind === "RNN-tanh" ? "tanh" : "relu");
}

describe("WebAssembly gate kernels against the scalar float32 epilogues", () => {
  // H off and on the 4-lane width; pre-activations from ±30 (saturating) with special values
  // sprinkled in, a packed-style input stride (ihLd = 2 rows) and an output stride of its own.
  for (const kind of ["RNN-tanh", "RNN-relu", "LSTM", "GRU"] as const) {
    for (const H of [13, 16]) {
      it(`${kind}, H = ${H}: the same h' (and c') bits as the family's epilogue, special values included`, () => {
        const k = instantiateSgemm();
        if (k === null) throw new Error("no WebAssembly SIMD: Node 20 has it");
        const family = familyOf(kind, H);
        const G = family.gates;
        const n = 3;
        const Hp = Math.ceil(H / 4) * 4;
        const gLd = G * H + 7; // room for reads past a row's last gate
        const ihLd = 2 * gLd;
        const outLd = Hp + 4;
        const random = mulberry32(H * 10 + G);
        const values = (len: number, scale: number): Float32Array => {
          const a = new Float32Array(len);
          for (let i = 0; i < len; i++) a[i] = (2 * random() - 1) * scale;
          for (let i = 0; i < SPECIALS.length && i * 7 < len; i++) a[i * 7] = SPECIALS[(i + H) % SPECIALS.length]!;
          return a;
        };
        const ih = values(n * ihLd + 16, 30);
        const g = values(n * gLd + 16, 30);
        const h = values(n * Hp, 3);
        const c = values(n * Hp, 30);
        // The scalar epilogue on packed rows (its own layout), from the same values.
        const hS = new Float32Array(n * H);
        const cS = new Float32Array(n * H);
        for (let b = 0; b < n; b++) {
          hS.set(h.subarray(b * Hp, b * Hp + H), b * H);
          cS.set(c.subarray(b * Hp, b * Hp + H), b * H);
        }
        const outS = new Float32Array(n * H);
        family.epilogue(n, ih, 0, ihLd, g.slice(), 0, gLd, hS, kind === "LSTM" ? cS : null, outS, 0, H);

        const at = { ih: GATE_RESERVED, g: 0, h: 0, c: 0, out: 0, end: 0 };
        at.g = at.ih + ih.length * 4;
        at.h = at.g + g.length * 4;
        at.c = at.h + h.length * 4;
        at.out = at.c + c.length * 4;
        at.end = at.out + n * outLd * 4 + 64;
        grown(k, at.end);
        const view = new Float32Array(k.memory.buffer);
        view.set(ih, at.ih / 4);
        view.set(g, at.g / 4);
        view.set(h, at.h / 4);
        view.set(c, at.c / 4);
        const gate = k.gates[family.gateKernel];
        gate(n, at.ih, ihLd * 4, at.g, gLd * 4, at.h, Hp * 4, at.c, at.out, outLd * 4, H * 4, Hp * 4);
        let compared = 0;
        for (let b = 0; b < n; b++) {
          for (let j = 0; j < H; j++) {
            expect(Object.is(view[at.out / 4 + b * outLd + j], outS[b * H + j])).toBe(true);
            if (kind === "LSTM") expect(Object.is(view[at.c / 4 + b * Hp + j], cS[b * H + j])).toBe(true);
            compared++;
          }
        }
        expect(compared).toBe(n * H);
      });
    }
  }
});
