import { describe, expect, it } from "vitest";
import { ModuleError } from "../src/core/errors.js";
import { GRUCell } from "../src/core/nn/gru-cell.js";
import { LSTMCell } from "../src/core/nn/lstm-cell.js";
import { mulberry32 } from "../src/core/nn/parameters.js";
import type { DType } from "../src/core/tensor/dtype.js";
import { Tensor } from "../src/core/tensor/tensor.js";

const rand = mulberry32(23);
function randn(shape: number[], dtype: DType = "float32"): Tensor {
  const t = Tensor.zeros(shape, dtype);
  for (let i = 0; i < t.data.length; i++) t.data[i] = 2 * rand() - 1;
  return t;
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

describe("LSTMCell", () => {
  const c = new LSTMCell({ inputSize: 3, hiddenSize: 4, seed: 1 });

  it("keeps batched and unbatched shapes; unbatched equals a batch of one", () => {
    const [h, cc] = c.forward(randn([2, 3]));
    expect([h.shape, cc.shape]).toEqual([[2, 4], [2, 4]]);
    expect(c.forward(randn([0, 3]))[0].shape).toEqual([0, 4]);
    const x = randn([3]);
    const hx: [Tensor, Tensor] = [randn([4]), randn([4])];
    const [h1, c1] = c.forward(x, hx);
    expect([h1.shape, c1.shape]).toEqual([[4], [4]]);
    const [hb, cb] = c.forward(x.reshape([1, 3]), [hx[0].reshape([1, 4]), hx[1].reshape([1, 4])]);
    expect([Array.from(h1.data), Array.from(c1.data)]).toEqual([Array.from(hb.data), Array.from(cb.data)]);
  });

  it("returns fresh tensors and leaves hx alone", () => {
    const hx: [Tensor, Tensor] = [randn([2, 4]), randn([2, 4])];
    const before = hx.map((t) => Array.from(t.data));
    const [h1, c1] = c.forward(randn([2, 3]), hx);
    expect(hx.map((t) => Array.from(t.data))).toEqual(before);
    expect(new Set([h1.data.buffer, c1.data.buffer, hx[0].data.buffer, hx[1].data.buffer]).size).toBe(4);
  });

  // torch 2.13's messages, recorded by running it, except the rank-mismatch lines (torch
  // unsqueezes and then reports a puzzling size) and dtypes (torch fails inside its matmul).
  it.each([
    [[1, 2, 3], undefined, "LSTMCell: Expected input to be 1D or 2D, got 3D instead"],
    [[], undefined, "LSTMCell: Expected input to be 1D or 2D, got 0D instead"],
    [[2, 3], [[1, 2, 4], [2, 4]], "LSTMCell: Expected hx[0] to be 1D or 2D, got 3D instead"],
    [[2, 3], [[2, 4], [1, 2, 4]], "LSTMCell: Expected hx[1] to be 1D or 2D, got 3D instead"],
    [[2, 4], undefined, "input has inconsistent input_size: got 4 expected 3"],
    [[4], undefined, "input has inconsistent input_size: got 4 expected 3"],
    [[2, 3], [[2, 5], [2, 4]], "hidden0 has inconsistent hidden_size: got 5, expected 4"],
    [[2, 3], [[2, 4], [2, 5]], "hidden1 has inconsistent hidden_size: got 5, expected 4"],
    [[2, 3], [[3, 4], [2, 4]], "Input batch size 2 doesn't match hidden0 batch size 3"],
    [[2, 3], [[2, 4], [3, 4]], "Input batch size 2 doesn't match hidden1 batch size 3"],
    [[2, 3], [[4], [2, 4]], "For batched 2-D input, hx[0] should also be 2-D but got 1-D tensor"],
    [[3], [[4], [1, 4]], "For unbatched 1-D input, hx[1] should also be 1-D but got 2-D tensor"],
  ])("input %j, hx %j", (inputShape, hxShapes, message) => {
    const hx = hxShapes === undefined ? undefined : ([randn(hxShapes[0]!), randn(hxShapes[1]!)] as [Tensor, Tensor]);
    expectModuleError(() => c.forward(randn(inputShape), hx), message);
  });

  it("refuses mixed dtypes after the sizes, and an hx that is not a pair", () => {
    expectModuleError(() => c.forward(randn([2, 4], "float64")), "input has inconsistent input_size: got 4 expected 3");
    expectModuleError(
      () => c.forward(randn([2, 3]), [randn([2, 4]), randn([2, 4], "float64")]),
      'LSTMCell hx[1] dtype (float64) does not match weight dtype (float32). Convert hx[1] to float32, or create the module with dtype: "float64"',
    );
    expectModuleError(() => c.forward(randn([2, 3]), [randn([2, 4])] as unknown as [Tensor, Tensor]), "LSTMCell: expected hx to be a pair [h, c] of Tensors, got an array of length 1");
  });
});

describe("GRUCell", () => {
  const c = new GRUCell({ inputSize: 3, hiddenSize: 4, seed: 2 });

  it("keeps batched and unbatched shapes", () => {
    expect(c.forward(randn([2, 3])).shape).toEqual([2, 4]);
    expect(c.forward(randn([3]), randn([4])).shape).toEqual([4]);
    expect(c.forward(randn([0, 3])).shape).toEqual([0, 4]);
  });

  it.each([
    [[1, 2, 3], undefined, "GRUCell: Expected input to be 1D or 2D, got 3D instead"],
    [[2, 3], [1, 2, 4], "GRUCell: Expected hidden to be 1D or 2D, got 3D instead"],
    [[2, 4], undefined, "input has inconsistent input_size: got 4 expected 3"],
    [[2, 3], [2, 5], "hidden0 has inconsistent hidden_size: got 5, expected 4"],
    [[2, 3], [3, 4], "Input batch size 2 doesn't match hidden0 batch size 3"],
    [[2, 3], [4], "For batched 2-D input, hx should also be 2-D but got 1-D tensor"],
  ])("input %j, hx %j", (inputShape, hxShape, message) => {
    expectModuleError(() => c.forward(randn(inputShape), hxShape ? randn(hxShape) : undefined), message);
  });

  it("refuses mixed dtypes", () => {
    expectModuleError(
      () => c.forward(randn([2, 3], "float64")),
      'GRUCell input dtype (float64) does not match weight dtype (float32). Convert input to float32, or create the module with dtype: "float64"',
    );
  });
});
