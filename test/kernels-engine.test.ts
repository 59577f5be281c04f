import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { forgetWasmModules } from "../src/core/kernels/wasm-memory.js";
import { gemmABt } from "../src/core/kernels/gemm.js";
import { WasmLayerEngine } from "../src/core/kernels/wasm-layer.js";
import { instantiateSgemm, packF32, SGEMM_MR, SGEMM_NB } from "../src/core/kernels/wasm-sgemm.js";
import { GRU } from "../src/core/nn/gru.js";
import { LSTM } from "../src/core/nn/lstm.js";
import { packPaddedSequence } from "../src/core/nn/pack.js";
import { PackedSequence } from "../src/core/nn/packed-sequence.js";
import { mulberry32 } from "../src/core/nn/parameters.js";
import { RNN } from "../src/core/nn/rnn.js";
import { Tensor } from "../src/core/tensor/tensor.js";

// Every test compiles its kernels from fresh bytes (see forgetWasmModules).
beforeEach(forgetWasmModules);

// Internal consistency of the float32 paths: parity with PyTorch is proven by the parity suite,
// which runs fixtures through both (small ones scalar, larger ones on WebAssembly). Here the
// f32x4 engine and the scalar kernels must agree bit for bit over every option of RNN, LSTM and
// GRU, padded and packed, so that claim transfers between them.

function fill(a: Float32Array, random: () => number, scale = 1): Float32Array {
  for (let i = 0; i < a.length; i++) a[i] = (2 * random() - 1) * scale;
  return a;
}

/**
 * Runs `f` on the scalar kernels: the engine says its memory cannot hold the call, the fallback
 * for a memory that cannot grow (engines share one instance, so this is the way to keep a module
 * off it; test/kernels-wasm.test.ts covers an instance that cannot be created).
 */
function scalarOnly<T>(f: () => T): T {
  const reserve = vi.spyOn(WasmLayerEngine.prototype, "reserve").mockReturnValue(false);
  try {
    return f();
  } finally {
    reserve.mockRestore();
  }
}

describe("f32x4 GEMM", () => {

  it("is available on Node 20 (SIMD)", () => {
    expect(instantiateSgemm()).not.toBeNull();
  });

  // Shapes off the 2 × 16 block in both directions, k = 1, and special values: the f32 lanes
  // must round, overflow, keep -0 and subnormals exactly as Math.fround does.
  for (const [m, n, k, bias, special] of [
    [2, 16, 1, true, false],
    [9, 7, 13, true, false],
    [12, 37, 3, false, false],
    [5, 33, 64, true, true],
    [31, 20, 300, false, false],
  ] as const) {
    it(`matches gemmABtF32 bit for bit: ${m}x${n}x${k}${bias ? "" : " no bias"}${special ? " with NaN, ±Inf, -0, subnormals, overflow" : ""}`, () => {
      const kernels = instantiateSgemm();
      if (kernels === null) throw new Error("no WebAssembly SIMD: Node 20 has it");
      const random = mulberry32(m * 1000 + n * 10 + k);
      const a = fill(new Float32Array(m * k), random);
      const w = fill(new Float32Array(n * k), random, 0.5);
      const b = bias ? fill(new Float32Array(n), random) : null;
      if (special) {
        a.set([Number.NaN, Number.POSITIVE_INFINITY, -0, 1e-40, 3e38, -3e38, 1e-45], 0);
        w.set([-0, 2, 1e-39, 3e38, 3e38, 1e-7], k);
      }
      const expected = new Float32Array(m * n);
      gemmABt(m, n, k, a, 0, k, w, 0, k, b, expected, 0, n);

      const mp = Math.ceil(m / SGEMM_MR) * SGEMM_MR;
      const np = Math.ceil(n / SGEMM_NB) * SGEMM_NB;
      const bOff = 16;
      const biasOff = bOff + np * k * 4;
      const aOff = biasOff + np * 4;
      const cOff = aOff + mp * k * 4;
      const end = cOff + mp * np * 4;
      const have = kernels.memory.buffer.byteLength;
      if (end > have) kernels.memory.grow(Math.ceil((end - have) / 65536));
      const view = new Float32Array(kernels.memory.buffer);
      packF32(w, n, k, view, bOff / 4);
      for (let j = 0; j < np; j++) view[biasOff / 4 + j] = b !== null && j < n ? b[j]! : 0;
      view.fill(0, aOff / 4, cOff / 4);
      view.set(a, aOff / 4);
      kernels.sgemm(aOff, k * 4, aOff + mp * k * 4, k, bOff, np / SGEMM_NB, b !== null ? biasOff : 0, cOff, np * 4);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) expect(Object.is(view[cOff / 4 + i * np + j], expected[i * n + j])).toBe(true);
      }
    });
  }
});

type Layout = "seqfirst" | "batchfirst" | "unbatched" | "packed-sorted" | "packed-unsorted";
const LAYOUTS: readonly Layout[] = ["seqfirst", "batchfirst", "unbatched", "packed-sorted", "packed-unsorted"];
/** Lengths of the packed layouts: 24 rows, so every call stays above the engine's 4096 multiply-adds. */
const LENGTHS: Record<"packed-sorted" | "packed-unsorted", number[]> = { "packed-sorted": [9, 8, 7], "packed-unsorted": [7, 9, 8] };

interface AnyModule {
  stateDict(): Record<string, Tensor>;
  loadStateDict(sd: Record<string, Tensor>): void;
  /** output (Tensor or PackedSequence) and the final states */
  run(x: Tensor | PackedSequence, hx: Tensor[] | undefined): [Tensor | PackedSequence, Tensor[]];
}

type Family = "RNN-tanh" | "RNN-relu" | "LSTM" | "LSTM-proj3" | "GRU";

function build(family: Family, o: { inputSize: number; bias: boolean; bidirectional: boolean; numLayers: number; batchFirst: boolean }): AnyModule {
  const common = { ...o, hiddenSize: 13 };
  if (family === "LSTM" || family === "LSTM-proj3") {
    const m = new LSTM({ ...common, projSize: family === "LSTM" ? 0 : 3 });
    return { stateDict: () => m.stateDict(), loadStateDict: (sd) => m.loadStateDict(sd), run: (x, hx) => { const [y, s] = m.forward(x, hx as [Tensor, Tensor] | undefined); return [y, s]; } };
  }
  const m = family === "GRU" ? new GRU(common) : new RNN({ ...common, nonlinearity: family === "RNN-tanh" ? "tanh" : "relu" });
  return { stateDict: () => m.stateDict(), loadStateDict: (sd) => m.loadStateDict(sd), run: (x, hx) => { const [y, h] = m.forward(x, hx?.[0]); return [y, [h]]; } };
}

const dataOf = (y: Tensor | PackedSequence): Float32Array => (y instanceof PackedSequence ? y.data.data : y.data) as Float32Array;

describe("float32 forward: the f32x4 engine and the scalar kernels give the same bits", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const families: Family[] = ["RNN-tanh", "RNN-relu", "LSTM", "LSTM-proj3", "GRU"];
  for (const family of families) {
    for (const layout of LAYOUTS) {
      it(`${family}, ${layout}: bias, direction, depth, input size, with and without initial states`, () => {
        const spy = vi.spyOn(WasmLayerEngine.prototype, "runDirection");
        const random = mulberry32(families.indexOf(family) * 10 + LAYOUTS.indexOf(layout));
        let calls = 0;
        for (const bias of [true, false]) {
          for (const bidirectional of [false, true]) {
            for (const numLayers of [1, 2]) {
              for (const inputSize of [1, 5]) {
                const options = { inputSize, bias, bidirectional, numLayers, batchFirst: layout === "batchfirst" };
                const engine = build(family, options);
                const sd = engine.stateDict();
                for (const t of Object.values(sd)) fill(t.data as Float32Array, random, 0.6);
                engine.loadStateDict(sd);
                const scalar = build(family, options);
                scalar.loadStateDict(sd);
                const D = bidirectional ? 2 : 1;
                const [L, N] = layout === "unbatched" ? [23, 1] : [9, 3];
                const shape = layout === "unbatched" ? [L, inputSize] : layout === "batchfirst" ? [N, L, inputSize] : [L, N, inputSize];
                const padded = new Tensor(fill(new Float32Array(L * N * inputSize), random), shape);
                const x = layout === "packed-sorted" || layout === "packed-unsorted" ? packPaddedSequence(padded, LENGTHS[layout], { enforceSorted: layout === "packed-sorted" }) : padded;
                const S = family === "LSTM-proj3" ? 3 : 13;
                const lead = numLayers * D;
                const states = (width: number): Tensor => new Tensor(fill(new Float32Array(lead * N * width), random), layout === "unbatched" ? [lead, width] : [lead, N, width]);
                const hx = family.startsWith("LSTM") ? [states(S), states(13)] : [states(S)];
                for (const h0 of [undefined, hx]) {
                  const [out, hN] = engine.run(x, h0);
                  expect(spy.mock.calls.length).toBe(calls + numLayers * D);
                  const [outS, hNS] = scalarOnly(() => scalar.run(x, h0));
                  expect(spy.mock.calls.length).toBe(calls + numLayers * D);
                  calls += numLayers * D;
                  // toEqual on typed arrays compares with Object.is, so -0 and NaN count too.
                  expect(dataOf(out)).toEqual(dataOf(outS));
                  hN.forEach((t, i) => expect(t.data).toEqual(hNS[i]!.data));
                }
              }
            }
          }
        }
      });
    }
  }
});

describe("float32 forward whose last scratch region (c) alone needs more than a page", () => {
  // batch 4608 × H 4 floats of c = 72 KiB after everything else: a reservation that leaves c out,
  // or counts it short (a quarter of it), leaves the memory short by more than the page it rounds
  // up to, and the engine's view of c fails. A large batch of a tiny H keeps the call cheap.
  it("LSTM: the engine grows its memory for it and gives the scalar kernels' bits", () => {
    const spy = vi.spyOn(WasmLayerEngine.prototype, "runDirection");
    const random = mulberry32(77);
    const [N, H] = [4608, 4];
    const options = { inputSize: 3, hiddenSize: H, seed: 1 };
    const engine = new LSTM(options);
    const x = new Tensor(fill(new Float32Array(N * 3), random), [1, N, 3]);
    const hx: [Tensor, Tensor] = [new Tensor(fill(new Float32Array(N * H), random), [1, N, H]), new Tensor(fill(new Float32Array(N * H), random), [1, N, H])];
    const [out, [hN, cN]] = engine.forward(x, hx);
    expect(spy).toHaveBeenCalledTimes(1);
    const [outS, [hNS, cNS]] = scalarOnly(() => new LSTM(options).forward(x, hx));
    expect(out.data).toEqual(outS.data);
    expect(hN.data).toEqual(hNS.data);
    expect(cN.data).toEqual(cNS.data);
    spy.mockRestore();
  });
});
