import { describe, expect, it } from "vitest";
import { ModuleError } from "../src/core/errors.js";
import { GRU } from "../src/core/nn/gru.js";
import { GRUCell } from "../src/core/nn/gru-cell.js";
import { LSTM } from "../src/core/nn/lstm.js";
import { LSTMCell } from "../src/core/nn/lstm-cell.js";
import { mulberry32 } from "../src/core/nn/parameters.js";
import type { DType } from "../src/core/tensor/dtype.js";
import { Tensor, numel } from "../src/core/tensor/tensor.js";

// Shapes, wording and internal consistency. Values against PyTorch come from the fixtures
// (test/parity.test.ts); nothing here is an expected tensor.
const rand = mulberry32(17);

function randn(shape: number[], dtype: DType = "float32"): Tensor {
  const t = Tensor.zeros(shape, dtype);
  for (let i = 0; i < t.data.length; i++) t.data[i] = 2 * rand() - 1;
  return t;
}

function row(t: Tensor, ...index: number[]): number[] {
  const inner = numel(t.shape.slice(index.length));
  let off = 0;
  for (let d = 0; d < index.length; d++) off = off * t.shape[d]! + index[d]!;
  return Array.from(t.data.subarray(off * inner, (off + 1) * inner));
}

function expectModuleError(f: () => unknown, message: string): void {
  let caught: unknown;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(ModuleError);
  expect((caught as Error).message).toBe(message);
}

describe("LSTM and GRU shapes", () => {
  const cases = [
    { batchFirst: false, bidirectional: false, numLayers: 1, projSize: 0 },
    { batchFirst: true, bidirectional: false, numLayers: 2, projSize: 2 },
    { batchFirst: false, bidirectional: true, numLayers: 2, projSize: 3 },
    { batchFirst: true, bidirectional: true, numLayers: 3, projSize: 0 },
  ];
  it.each(cases)("LSTM %j: output D·S wide, hN (D·L, N, S), cN (D·L, N, H)", (opts) => {
    const m = new LSTM({ inputSize: 3, hiddenSize: 5, ...opts });
    const D = opts.bidirectional ? 2 : 1;
    const S = opts.projSize || 5;
    const [L, N, R] = [7, 4, opts.numLayers * D];
    const [out, [hN, cN]] = m.forward(opts.batchFirst ? randn([N, L, 3]) : randn([L, N, 3]));
    expect(out.shape).toEqual(opts.batchFirst ? [N, L, D * S] : [L, N, D * S]);
    expect([hN.shape, cN.shape]).toEqual([[R, N, S], [R, N, 5]]);
    const [out1, [hN1, cN1]] = m.forward(randn([L, 3]), [randn([R, S]), randn([R, 5])]);
    expect([out1.shape, hN1.shape, cN1.shape]).toEqual([[L, D * S], [R, S], [R, 5]]);
  });

  it.each(cases.map(({ projSize: _, ...o }) => o))("GRU %j", (opts) => {
    const m = new GRU({ inputSize: 3, hiddenSize: 5, ...opts });
    const D = opts.bidirectional ? 2 : 1;
    const [L, N, R] = [7, 4, opts.numLayers * D];
    const [out, hN] = m.forward(opts.batchFirst ? randn([N, L, 3]) : randn([L, N, 3]), randn([R, N, 5]));
    expect([out.shape, hN.shape]).toEqual([opts.batchFirst ? [N, L, D * 5] : [L, N, D * 5], [R, N, 5]]);
    const [out1, hN1] = m.forward(randn([L, 3]));
    expect([out1.shape, hN1.shape]).toEqual([[L, D * 5], [R, 5]]);
  });

  it("accepts a batch of zero and returns the module's dtype", () => {
    const [out, [hN, cN]] = new LSTM({ inputSize: 3, hiddenSize: 4, numLayers: 2, projSize: 2 }).forward(randn([4, 0, 3]));
    expect([out.shape, hN.shape, cN.shape]).toEqual([[4, 0, 2], [2, 0, 2], [2, 0, 4]]);
    const [o64, h64] = new GRU({ inputSize: 3, hiddenSize: 4, dtype: "float64" }).forward(randn([2, 1, 3], "float64"));
    expect([o64.dtype, h64.dtype]).toEqual(["float64", "float64"]);
  });
});

describe("LSTM and GRU semantics (internal consistency)", () => {
  it("hN is each direction's last output: forward at the last step, reverse at step 0 (projected)", () => {
    const m = new LSTM({ inputSize: 3, hiddenSize: 5, numLayers: 2, bidirectional: true, projSize: 2, seed: 1 });
    const [L, N] = [5, 3];
    const [out, [hN]] = m.forward(randn([L, N, 3]));
    for (let b = 0; b < N; b++) {
      expect(row(hN, 2, b)).toEqual(row(out, L - 1, b).slice(0, 2));
      expect(row(hN, 3, b)).toEqual(row(out, 0, b).slice(2));
    }
  });

  it("one layer is the cell unrolled over time, with the same rounding", () => {
    const lstm = new LSTM({ inputSize: 3, hiddenSize: 4, seed: 2 });
    const gru = new GRU({ inputSize: 3, hiddenSize: 4, seed: 3 });
    const lc = new LSTMCell({ inputSize: 3, hiddenSize: 4 });
    const gc = new GRUCell({ inputSize: 3, hiddenSize: 4 });
    const strip = (sd: Record<string, Tensor>) => Object.fromEntries(Object.entries(sd).map(([k, v]) => [k.replace("_l0", ""), v]));
    lc.loadStateDict(strip(lstm.stateDict()));
    gc.loadStateDict(strip(gru.stateDict()));
    const x = randn([6, 2, 3]);
    const [h0, c0] = [randn([1, 2, 4]), randn([1, 2, 4])];
    const [outL, [hL, cL]] = lstm.forward(x, [h0, c0]);
    const [outG, hG] = gru.forward(x, h0);
    let state: [Tensor, Tensor] = [h0.reshape([2, 4]), c0.reshape([2, 4])];
    let hg = h0.reshape([2, 4]);
    for (let t = 0; t < 6; t++) {
      const xt = new Tensor(x.data.slice(t * 6, t * 6 + 6), [2, 3]);
      state = lc.forward(xt, state);
      hg = gc.forward(xt, hg);
      expect(Array.from(state[0].data)).toEqual(row(outL, t).flat());
      expect(Array.from(hg.data)).toEqual(row(outG, t).flat());
    }
    expect(Array.from(cL.data)).toEqual(Array.from(state[1].data));
    expect(Array.from(hL.data)).toEqual(Array.from(state[0].data));
    expect(Array.from(hG.data)).toEqual(Array.from(hg.data));
  });

  it("batchFirst is a transpose and unbatched is a batch of one", () => {
    const opts = { inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, projSize: 3, seed: 9 } as const;
    const tm = new LSTM(opts);
    const bf = new LSTM({ ...opts, batchFirst: true });
    bf.loadStateDict(tm.stateDict());
    const [L, N] = [5, 2];
    const x = randn([L, N, 3]);
    const xBf = Tensor.zeros([N, L, 3]);
    for (let t = 0; t < L; t++) for (let b = 0; b < N; b++) xBf.data.set(row(x, t, b), (b * L + t) * 3);
    const [o1, [h1, c1]] = tm.forward(x);
    const [o2, [h2, c2]] = bf.forward(xBf);
    expect([h2.data, c2.data]).toEqual([h1.data, c1.data]);
    for (let t = 0; t < L; t++) for (let b = 0; b < N; b++) expect(row(o2, b, t)).toEqual(row(o1, t, b));
    const x0 = new Tensor(Float32Array.from({ length: L * 3 }, (_, i) => x.data[Math.floor(i / 3) * N * 3 + (i % 3)]!), [L, 3]);
    const [ou, [hu]] = bf.forward(x0);
    for (let t = 0; t < L; t++) expect(row(ou, t)).toEqual(row(o1, t, 0));
    for (let r = 0; r < 4; r++) expect(row(hu, r)).toEqual(row(h1, r, 0));
  });
});

describe("LSTM and GRU forward errors (torch 2.13's wording)", () => {
  const m = new LSTM({ inputSize: 3, hiddenSize: 4, numLayers: 2 });
  const mp = new LSTM({ inputSize: 3, hiddenSize: 4, numLayers: 2, projSize: 2 });
  const g = new GRU({ inputSize: 3, hiddenSize: 4, numLayers: 2 });
  const pair = (a: number[], b: number[]): [Tensor, Tensor] => [randn(a), randn(b)];

  it.each([
    [m, [1, 2, 3, 3], undefined, "LSTM: Expected input to be 2D or 3D, got 4D instead"],
    [m, [3], undefined, "LSTM: Expected input to be 2D or 3D, got 1D instead"],
    [m, [5, 3, 4], undefined, "input.size(-1) must be equal to input_size. Expected 3, got 4"],
    [m, [5, 3, 3], pair([2, 3, 5], [2, 3, 4]), "Expected hidden[0] size (2, 3, 4), got [2, 3, 5]"],
    [m, [5, 3, 3], pair([2, 3, 4], [2, 3, 5]), "Expected hidden[1] size (2, 3, 4), got [2, 3, 5]"],
    [m, [5, 3, 3], pair([2, 3, 5], [2, 3, 5]), "Expected hidden[0] size (2, 3, 4), got [2, 3, 5]"],
    [m, [5, 3, 3], pair([2, 4], [2, 3, 4]), "For batched 3-D input, hx and cx should also be 3-D but got (2-D, 3-D) tensors"],
    [m, [5, 3], pair([2, 1, 4], [2, 4]), "For unbatched 2-D input, hx and cx should also be 2-D but got (3-D, 2-D) tensors"],
    [m, [5, 3, 4], pair([2, 3, 5], [2, 3, 4]), "input.size(-1) must be equal to input_size. Expected 3, got 4"],
    [m, [0, 3, 3], undefined, "Expected sequence length to be larger than 0 in RNN"],
    [m, [0, 3], undefined, "Expected sequence length to be larger than 0 in RNN"],
    [mp, [5, 3, 3], pair([2, 3, 4], [2, 3, 4]), "Expected hidden[0] size (2, 3, 2), got [2, 3, 4]"],
    [mp, [5, 3, 3], pair([2, 3, 2], [2, 3, 2]), "Expected hidden[1] size (2, 3, 4), got [2, 3, 2]"],
    // torch shows unbatched states after its unsqueeze, "(2, 1, 4), got [1, 1, 4]"; as RNN, we show the caller's.
    [m, [5, 3], pair([1, 4], [2, 4]), "Expected hidden[0] size (2, 4), got [1, 4]"],
  ] as const)("LSTM input %j, hx %j", (module, inputShape, hx, message) => {
    expectModuleError(() => module.forward(randn([...inputShape]), hx), message);
  });

  it.each([
    [[1, 2, 3, 3], undefined, "GRU: Expected input to be 2D or 3D, got 4D instead"],
    [[5, 3, 4], undefined, "input.size(-1) must be equal to input_size. Expected 3, got 4"],
    [[5, 3, 3], [2, 3, 5], "Expected hidden size (2, 3, 4), got [2, 3, 5]"],
    [[5, 3, 3], [2, 4], "For batched 3-D input, hx should also be 3-D but got 2-D tensor"],
    [[5, 3], [2, 1, 4], "For unbatched 2-D input, hx should also be 2-D but got 3-D tensor"],
    [[0, 3, 3], undefined, "Expected sequence length to be larger than 0 in RNN"],
  ])("GRU input %j, hx %j", (inputShape, hxShape, message) => {
    expectModuleError(() => g.forward(randn(inputShape), hxShape ? randn(hxShape) : undefined), message);
  });

  it("refuses mixed dtypes, naming the tensor (torch: input.to(...) or get_mkldnn_dtype)", () => {
    expectModuleError(
      () => m.forward(randn([5, 3, 3], "float64")),
      'LSTM input dtype (float64) does not match weight dtype (float32). Convert input to float32, or create the module with dtype: "float64"',
    );
    expectModuleError(
      () => m.forward(randn([5, 3, 3]), [randn([2, 3, 4]), randn([2, 3, 4], "float64")]),
      'LSTM cx dtype (float64) does not match weight dtype (float32). Convert cx to float32, or create the module with dtype: "float64"',
    );
    expectModuleError(
      () => g.forward(randn([5, 3, 3]), randn([2, 3, 4], "float64")),
      'GRU hx dtype (float64) does not match weight dtype (float32). Convert hx to float32, or create the module with dtype: "float64"',
    );
  });

  it("refuses an hx that is not a pair of tensors", () => {
    expectModuleError(() => m.forward(randn([5, 3, 3]), randn([2, 3, 4]) as unknown as [Tensor, Tensor]), "LSTM: expected hx to be a pair [h, c] of Tensors, got object");
    expectModuleError(() => m.forward(randn([5, 3, 3]), [randn([2, 3, 4])] as unknown as [Tensor, Tensor]), "LSTM: expected hx to be a pair [h, c] of Tensors, got an array of length 1");
    expectModuleError(() => m.forward(randn([5, 3, 3]), [randn([2, 3, 4]), null] as unknown as [Tensor, Tensor]), "LSTM: expected cx to be a Tensor, got null");
  });
});
