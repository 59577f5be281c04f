import { describe, expect, it } from "vitest";
import { ModuleError } from "../src/core/errors.js";
import { GRU } from "../src/core/nn/gru.js";
import { LSTM } from "../src/core/nn/lstm.js";
import { packPaddedSequence, padPackedSequence } from "../src/core/nn/pack.js";
import { PackedSequence } from "../src/core/nn/packed-sequence.js";
import { mulberry32 } from "../src/core/nn/parameters.js";
import { RNN } from "../src/core/nn/rnn.js";
import type { DType } from "../src/core/tensor/dtype.js";
import { Tensor } from "../src/core/tensor/tensor.js";

// A packed batch must compute, for every sequence, exactly what that sequence alone computes:
// its own length, the reverse direction from its own last step, its own h0 row, its hN row in
// the caller's order. The kernels' sums do not depend on the batch, so "exactly" means bits.
const rand = mulberry32(41);
function randn(shape: number[], dtype: DType): Tensor {
  const t = Tensor.zeros(shape, dtype);
  for (let i = 0; i < t.data.length; i++) t.data[i] = 2 * rand() - 1;
  return t;
}

/** Batch entry b of a state tensor (R, N, W): its R rows of W values, flattened. */
function column(t: Tensor, b: number): number[] {
  const [R, N, W] = t.shape as [number, number, number];
  const out: number[] = [];
  for (let r = 0; r < R; r++) out.push(...t.data.subarray((r * N + b) * W, (r * N + b + 1) * W));
  return out;
}

type Any = RNN | LSTM | GRU;
function run(m: Any, x: Tensor | PackedSequence, hx: Tensor[] | undefined): [Tensor | PackedSequence, Tensor[]] {
  if (m instanceof LSTM) {
    const [o, s] = m.forward(x, hx as [Tensor, Tensor] | undefined);
    return [o, s];
  }
  const [o, h] = m.forward(x, hx?.[0]);
  return [o, [h]];
}

const modules: [string, (o: { batchFirst: boolean; dtype: DType }) => Any, number[]][] = [
  ["RNN", (o) => new RNN({ inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, seed: 1, ...o }), [4]],
  ["GRU", (o) => new GRU({ inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, seed: 2, ...o }), [4]],
  ["LSTM proj", (o) => new LSTM({ inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, projSize: 2, seed: 3, ...o }), [2, 4]],
];

describe("packed forward equals each sequence run alone", () => {
  for (const [name, make, widths] of modules) {
    for (const dtype of ["float32", "float64"] as const) {
      for (const [batchFirst, enforceSorted] of [[false, false], [true, false], [false, true]] as const) {
        it(`${name} ${dtype} batchFirst=${batchFirst} enforceSorted=${enforceSorted}`, () => {
          const m = make({ batchFirst, dtype });
          const lengths = enforceSorted ? [6, 4, 4, 2, 1] : [2, 6, 1, 4, 6];
          const [T, N] = [6, 5];
          const x = randn(batchFirst ? [N, T, 3] : [T, N, 3], dtype);
          const hx = widths.map((w) => randn([4, N, w], dtype));
          const packed = packPaddedSequence(x, lengths, { batchFirst, enforceSorted });
          const [out, states] = run(m, packed, hx);
          expect(out).toBeInstanceOf(PackedSequence);
          const p = out as PackedSequence;
          expect([p.batchSizes, p.sortedIndices, p.unsortedIndices]).toEqual([packed.batchSizes, packed.sortedIndices, packed.unsortedIndices]);
          const [padded, outLengths] = padPackedSequence(p, { batchFirst });
          expect(outLengths).toEqual(lengths);
          const W = padded.shape[2]!;
          for (let b = 0; b < N; b++) {
            const L = lengths[b]!;
            const xb = Tensor.zeros([L, 3], dtype);
            for (let t = 0; t < L; t++) {
              const at = (batchFirst ? b * T + t : t * N + b) * 3;
              xb.data.set(x.data.subarray(at, at + 3), t * 3);
            }
            const hb = hx.map((h, i) => {
              const values = column(h, b);
              return new Tensor(dtype === "float32" ? Float32Array.from(values) : Float64Array.from(values), [4, widths[i]!]);
            });
            const [ob, sb] = run(m, xb, hb);
            const alone = (ob as Tensor).data;
            for (let t = 0; t < padded.shape[batchFirst ? 1 : 0]!; t++) {
              const at = (batchFirst ? b * padded.shape[1]! + t : t * N + b) * W;
              const got = Array.from(padded.data.subarray(at, at + W));
              expect(got).toEqual(t < L ? Array.from(alone.subarray(t * W, (t + 1) * W)) : new Array<number>(W).fill(0));
            }
            states.forEach((s, i) => expect(column(s, b)).toEqual(Array.from(sb[i]!.data)));
          }
        });
      }
    }
  }

  it("zeros when hx is omitted, and hN shapes use the largest batch size", () => {
    const m = new LSTM({ inputSize: 3, hiddenSize: 4, projSize: 3 });
    const packed = packPaddedSequence(randn([4, 3, 3], "float32"), [4, 1, 3], { enforceSorted: false });
    const [o1, [h1, c1]] = m.forward(packed);
    const [o2, [h2, c2]] = m.forward(packed, [Tensor.zeros([1, 3, 3]), Tensor.zeros([1, 3, 4])]);
    expect([h1.shape, c1.shape, o1.data.shape]).toEqual([[1, 3, 3], [1, 3, 4], [8, 3]]);
    expect([o1.data.data, h1.data, c1.data]).toEqual([o2.data.data, h2.data, c2.data]);
  });
});

describe("packed forward errors", () => {
  const packed = packPaddedSequence(randn([4, 5, 3], "float32"), [4, 3, 2, 1, 1]);
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

  it("checks hx against the largest batch (torch's wording for RNN and GRU)", () => {
    expectModuleError(() => new GRU({ inputSize: 3, hiddenSize: 4 }).forward(packed, randn([1, 4, 4], "float32")), "Expected hidden size (1, 5, 4), got [1, 4, 4]");
    expectModuleError(() => new RNN({ inputSize: 3, hiddenSize: 4 }).forward(packed, randn([1, 4, 4], "float32")), "Expected hidden size (1, 5, 4), got [1, 4, 4]");
    // torch fails inside index_select here; we say which state is wrong.
    expectModuleError(
      () => new LSTM({ inputSize: 3, hiddenSize: 4, numLayers: 2 }).forward(packed, [randn([2, 4, 4], "float32"), randn([2, 4, 4], "float32")]),
      "Expected hidden[0] size (2, 5, 4), got [2, 4, 4]",
    );
    expectModuleError(() => new GRU({ inputSize: 3, hiddenSize: 4 }).forward(packed, randn([1, 5], "float32")), "For a PackedSequence input, hx should be 3-D but got 2-D tensor");
  });

  it("checks the packed data", () => {
    expectModuleError(() => new GRU({ inputSize: 2, hiddenSize: 4 }).forward(packed), "input.size(-1) must be equal to input_size. Expected 2, got 3");
    const cube = new PackedSequence(randn([3, 1, 3], "float32"), [2, 1]);
    expectModuleError(() => new RNN({ inputSize: 3, hiddenSize: 4 }).forward(cube), "input must have 2 dimensions, got 3");
    expectModuleError(
      () => new LSTM({ inputSize: 3, hiddenSize: 4 }).forward(new PackedSequence(randn([3, 3], "float32"), [2, 2])),
      "LSTM: PackedSequence batchSizes sum to 4, but data has 3 rows",
    );
  });
});
