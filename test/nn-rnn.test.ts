import { describe, expect, it } from "vitest";
import { ModuleError } from "../src/core/errors.js";
import { mulberry32 } from "../src/core/nn/parameters.js";
import { RNN } from "../src/core/nn/rnn.js";
import { RNNCell } from "../src/core/nn/rnn-cell.js";
import type { DType } from "../src/core/tensor/dtype.js";
import { Tensor, numel } from "../src/core/tensor/tensor.js";

const rand = mulberry32(11);

/** Both the class (callers branch on it) and the exact message. */
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
function randn(shape: number[], dtype: DType = "float32"): Tensor {
  const t = Tensor.zeros(shape, dtype);
  for (let i = 0; i < t.data.length; i++) t.data[i] = 2 * rand() - 1;
  return t;
}

/** Element (i0, i1, ...) of a row-major tensor. */
function at(t: Tensor, ...index: number[]): number {
  let off = 0;
  for (let d = 0; d < index.length; d++) off = off * t.shape[d]! + index[d]!;
  return t.data[off]!;
}

/** Row `index` (all leading dims fixed) of a tensor, as a plain array. */
function row(t: Tensor, ...index: number[]): number[] {
  const inner = numel(t.shape.slice(index.length));
  let off = 0;
  for (let d = 0; d < index.length; d++) off = off * t.shape[d]! + index[d]!;
  return Array.from(t.data.subarray(off * inner, (off + 1) * inner));
}

describe("RNN shapes", () => {
  const cases = [
    { batchFirst: false, bidirectional: false, numLayers: 1 },
    { batchFirst: true, bidirectional: false, numLayers: 2 },
    { batchFirst: false, bidirectional: true, numLayers: 2 },
    { batchFirst: true, bidirectional: true, numLayers: 3 },
  ];
  it.each(cases)("%j: batched, unbatched, hN never batch-first", (opts) => {
    const m = new RNN({ inputSize: 3, hiddenSize: 5, ...opts });
    const D = opts.bidirectional ? 2 : 1;
    const [L, N] = [7, 4];
    const input = opts.batchFirst ? randn([N, L, 3]) : randn([L, N, 3]);
    const [out, hN] = m.forward(input);
    expect(out.shape).toEqual(opts.batchFirst ? [N, L, D * 5] : [L, N, D * 5]);
    expect(hN.shape).toEqual([opts.numLayers * D, N, 5]);
    const [out1, hN1] = m.forward(randn([L, 3]), randn([opts.numLayers * D, 5]));
    expect(out1.shape).toEqual([L, D * 5]);
    expect(hN1.shape).toEqual([opts.numLayers * D, 5]);
  });

  it("accepts a batch of zero, as torch does", () => {
    const m = new RNN({ inputSize: 3, hiddenSize: 5, numLayers: 2, bidirectional: true });
    const [out, hN] = m.forward(randn([6, 0, 3]));
    expect(out.shape).toEqual([6, 0, 10]);
    expect(hN.shape).toEqual([4, 0, 5]);
  });

  it("returns tensors of the module's dtype", () => {
    const m = new RNN({ inputSize: 3, hiddenSize: 5, dtype: "float64" });
    const [out, hN] = m.forward(randn([2, 1, 3], "float64"));
    expect([out.dtype, hN.dtype]).toEqual(["float64", "float64"]);
  });
});

describe("RNN layout semantics", () => {
  it("hN holds each direction's final state: forward at the last step, reverse at step 0", () => {
    const m = new RNN({ inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, seed: 1 });
    const [L, N, H] = [5, 3, 4];
    const [out, hN] = m.forward(randn([L, N, 3]));
    for (let b = 0; b < N; b++) {
      // Rows of hN: layer 1 forward = 2, layer 1 reverse = 3 (layer-major, then direction).
      expect(row(hN, 2, b)).toEqual(row(out, L - 1, b).slice(0, H));
      expect(row(hN, 3, b)).toEqual(row(out, 0, b).slice(H));
    }
  });

  it("batchFirst is a pure transpose of input and output; unbatched is a batch of one", () => {
    const opts = { inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, seed: 9 } as const;
    const tm = new RNN(opts);
    const bf = new RNN({ ...opts, batchFirst: true });
    bf.loadStateDict(tm.stateDict());
    const [L, N] = [6, 2];
    const x = randn([L, N, 3]);
    const xBf = Tensor.zeros([N, L, 3]);
    for (let t = 0; t < L; t++) for (let b = 0; b < N; b++) xBf.data.set(row(x, t, b), (b * L + t) * 3);
    const h0 = randn([4, N, 4]);
    const [o1, h1] = tm.forward(x, h0);
    const [o2, h2] = bf.forward(xBf, h0);
    expect(Array.from(h2.data)).toEqual(Array.from(h1.data));
    for (let t = 0; t < L; t++) for (let b = 0; b < N; b++) expect(row(o2, b, t)).toEqual(row(o1, t, b));

    const x0 = new Tensor(Float32Array.from({ length: L * 3 }, (_, i) => at(x, Math.floor(i / 3), 0, i % 3)), [L, 3]);
    const h00 = new Tensor(Float32Array.from({ length: 4 * 4 }, (_, i) => at(h0, Math.floor(i / 4), 0, i % 4)), [4, 4]);
    const [ou, hu] = bf.forward(x0, h00);
    for (let t = 0; t < L; t++) expect(row(ou, t)).toEqual(row(o1, t, 0));
    for (let r = 0; r < 4; r++) expect(row(hu, r)).toEqual(row(h1, r, 0));
  });

  it("one RNN layer is the RNNCell unrolled over time (same weights, same rounding)", () => {
    for (const nonlinearity of ["tanh", "relu"] as const) {
      const m = new RNN({ inputSize: 3, hiddenSize: 4, nonlinearity, seed: 4 });
      const c = new RNNCell({ inputSize: 3, hiddenSize: 4, nonlinearity });
      const sd = m.stateDict();
      c.loadStateDict({ weight_ih: sd.weight_ih_l0!, weight_hh: sd.weight_hh_l0!, bias_ih: sd.bias_ih_l0!, bias_hh: sd.bias_hh_l0! });
      const x = randn([5, 2, 3]);
      const [out] = m.forward(x);
      let h: Tensor | undefined;
      for (let t = 0; t < 5; t++) {
        h = c.forward(new Tensor(x.data.slice(t * 6, t * 6 + 6), [2, 3]), h);
        expect(Array.from(h.data)).toEqual(row(out, t).flat());
      }
    }
  });
});

describe("RNN forward errors", () => {
  const m = new RNN({ inputSize: 3, hiddenSize: 6, numLayers: 2 });
  const expectError = (f: () => unknown, message: string) => expectModuleError(f, message);

  it.each([
    [[1, 2, 3, 3], undefined, "RNN: Expected input to be 2D or 3D, got 4D tensor instead"],
    [[3], undefined, "RNN: Expected input to be 2D or 3D, got 1D tensor instead"],
    [[5, 3, 4], undefined, "input.size(-1) must be equal to input_size. Expected 3, got 4"],
    [[5, 4], undefined, "input.size(-1) must be equal to input_size. Expected 3, got 4"],
    [[5, 3, 3], [1, 3, 6], "Expected hidden size (2, 3, 6), got [1, 3, 6]"],
    [[5, 3, 3], [2, 2, 6], "Expected hidden size (2, 3, 6), got [2, 2, 6]"],
    [[5, 3, 3], [2, 3, 5], "Expected hidden size (2, 3, 6), got [2, 3, 5]"],
    [[5, 3, 3], [2, 6], "For batched 3-D input, hx should also be 3-D but got 2-D tensor"],
    [[5, 3], [2, 1, 6], "For unbatched 2-D input, hx should also be 2-D but got 3-D tensor"],
    [[5, 3], [1, 6], "Expected hidden size (2, 6), got [1, 6]"],
    [[0, 3, 3], undefined, "Expected sequence length to be larger than 0 in RNN"],
    [[0, 3], undefined, "Expected sequence length to be larger than 0 in RNN"],
  ])("input %j, hx %j", (inputShape, hxShape, message) => {
    expectError(() => m.forward(randn(inputShape), hxShape ? randn(hxShape) : undefined), message);
  });

  it("checks hx's batch against batch-first input", () => {
    const bf = new RNN({ inputSize: 3, hiddenSize: 6, batchFirst: true });
    expectError(() => bf.forward(randn([4, 5, 3]), randn([1, 5, 6])), "Expected hidden size (1, 4, 6), got [1, 5, 6]");
  });

  it("refuses mixed dtypes", () => {
    expectError(
      () => m.forward(randn([5, 3, 3], "float64")),
      'RNN input dtype (float64) does not match weight dtype (float32). Convert input to float32, or create the module with dtype: "float64"',
    );
    expectError(
      () => m.forward(randn([5, 3, 3]), randn([2, 3, 6], "float64")),
      'RNN hx dtype (float64) does not match weight dtype (float32). Convert hx to float32, or create the module with dtype: "float64"',
    );
  });

  it("refuses a non-tensor", () => {
    expectError(() => m.forward([1, 2, 3] as unknown as Tensor), "RNN: expected input to be a Tensor, got object");
    const bare = { data: new Float32Array(15), shape: [5, 3] } as unknown as Tensor;
    expectError(() => m.forward(bare), "RNN: expected input to be a Tensor, got object");
  });
});

describe("RNNCell forward", () => {
  const c = new RNNCell({ inputSize: 3, hiddenSize: 6 });
  const expectError = (f: () => unknown, message: string) => expectModuleError(f, message);

  it("keeps batched and unbatched shapes", () => {
    expect(c.forward(randn([2, 3])).shape).toEqual([2, 6]);
    expect(c.forward(randn([2, 3]), randn([2, 6])).shape).toEqual([2, 6]);
    expect(c.forward(randn([3])).shape).toEqual([6]);
    expect(c.forward(randn([3]), randn([6])).shape).toEqual([6]);
    expect(c.forward(randn([0, 3])).shape).toEqual([0, 6]);
  });

  it("unbatched equals a batch of one", () => {
    const x = randn([3]);
    const h = randn([6]);
    expect(Array.from(c.forward(x, h).data)).toEqual(Array.from(c.forward(x.reshape([1, 3]), h.reshape([1, 6])).data));
  });

  it.each([
    [[1, 2, 3], undefined, "RNNCell: Expected input to be 1D or 2D, got 3D instead"],
    [[], undefined, "RNNCell: Expected input to be 1D or 2D, got 0D instead"],
    [[2, 3], [1, 2, 6], "RNNCell: Expected hidden to be 1D or 2D, got 3D instead"],
    [[2, 4], undefined, "input has inconsistent input_size: got 4 expected 3"],
    [[4], undefined, "input has inconsistent input_size: got 4 expected 3"],
    [[2, 3], [2, 5], "hidden0 has inconsistent hidden_size: got 5, expected 6"],
    [[3], [5], "hidden0 has inconsistent hidden_size: got 5, expected 6"],
    [[2, 3], [3, 6], "Input batch size 2 doesn't match hidden0 batch size 3"],
    [[2, 3], [6], "For batched 2-D input, hx should also be 2-D but got 1-D tensor"],
    [[3], [1, 6], "For unbatched 1-D input, hx should also be 1-D but got 2-D tensor"],
  ])("input %j, hx %j", (inputShape, hxShape, message) => {
    expectError(() => c.forward(randn(inputShape), hxShape ? randn(hxShape) : undefined), message);
  });

  it("refuses mixed dtypes", () => {
    expectError(
      () => c.forward(randn([2, 3], "float64")),
      'RNNCell input dtype (float64) does not match weight dtype (float32). Convert input to float32, or create the module with dtype: "float64"',
    );
    expectError(
      () => c.forward(randn([2, 3]), randn([2, 6], "float64")),
      'RNNCell hx dtype (float64) does not match weight dtype (float32). Convert hx to float32, or create the module with dtype: "float64"',
    );
  });

  it("checks sizes before dtypes, as torch (its dtype error comes from the matmul after them)", () => {
    expectError(() => c.forward(randn([2, 4], "float64")), "input has inconsistent input_size: got 4 expected 3");
    expectError(
      () => c.forward(randn([2, 3], "float64"), randn([3, 6], "float64")),
      "Input batch size 2 doesn't match hidden0 batch size 3",
    );
  });
});
