import { describe, expect, it } from "vitest";
import { GRU } from "../src/core/nn/gru.js";
import { GRUCell } from "../src/core/nn/gru-cell.js";
import { LSTM } from "../src/core/nn/lstm.js";
import { LSTMCell } from "../src/core/nn/lstm-cell.js";
import { packPaddedSequence } from "../src/core/nn/pack.js";
import { mulberry32 } from "../src/core/nn/parameters.js";
import { RNN } from "../src/core/nn/rnn.js";
import { RNNCell } from "../src/core/nn/rnn-cell.js";
import type { DType } from "../src/core/tensor/dtype.js";
import { Tensor } from "../src/core/tensor/tensor.js";

// Modules keep scratch buffers between calls (and the WebAssembly engine its own memory); the
// tensors they return must be fresh, and nothing a caller does to them, or passes in, may leak
// into the next call.
const random = mulberry32(21);

function randn(shape: number[], dtype: DType): Tensor {
  const t = Tensor.zeros(shape, dtype);
  for (let i = 0; i < t.data.length; i++) t.data[i] = 2 * random() - 1;
  return t;
}

/** Returned buffers, distinct from each other and from the inputs. */
function expectFresh(returned: Tensor[], inputs: Tensor[]): void {
  const buffers = returned.map((t) => t.data.buffer);
  expect(new Set(buffers).size).toBe(buffers.length);
  for (const t of inputs) expect(buffers).not.toContain(t.data.buffer);
}

describe("forward returns fresh tensors and leaves its arguments alone", () => {
  // 3·2·5·8 multiply-adds stay on the scalar kernels; 40·8·(8+32) go to the WebAssembly engine.
  const sizes = [
    { path: "scalar", L: 3, N: 2, inputSize: 3, hiddenSize: 5 },
    { path: "WebAssembly", L: 40, N: 8, inputSize: 8, hiddenSize: 32 },
  ] as const;
  for (const { path, L, N, inputSize, hiddenSize } of sizes) {
    for (const dtype of ["float32", "float64"] as const) {
      it(`RNN, ${path} kernels, ${dtype}`, () => {
        const m = new RNN({ inputSize, hiddenSize, numLayers: 3, bidirectional: true, dtype, seed: 2 });
        const x1 = randn([L, N, inputSize], dtype);
        const x2 = randn([L, N, inputSize], dtype);
        const h0 = randn([6, N, hiddenSize], dtype);
        const [x1Copy, h0Copy] = [x1.clone(), h0.clone()];

        const [out1, hN1] = m.forward(x1);
        const [out1Copy, hN1Copy] = [out1.clone(), hN1.clone()];
        const [out2, hN2] = m.forward(x2, h0);
        expectFresh([out1, hN1, out2, hN2], [x1, x2, h0]);
        expect(out1.data).toEqual(out1Copy.data);
        expect(hN1.data).toEqual(hN1Copy.data);
        expect(x1.data).toEqual(x1Copy.data);
        expect(h0.data).toEqual(h0Copy.data);

        // Scribbling on results must not reach the zero initial state or any other scratch.
        for (const t of [out1, hN1, out2, hN2]) t.data.fill(Number.NaN);
        const [out3, hN3] = m.forward(x1);
        expect(out3.data).toEqual(out1Copy.data);
        expect(hN3.data).toEqual(hN1Copy.data);
        const [out4] = m.forward(x1, Tensor.zeros([6, N, hiddenSize], dtype));
        expect(out4.data).toEqual(out1Copy.data);
      });
    }
  }

  for (const dtype of ["float32", "float64"] as const) {
    it(`RNNCell, ${dtype}`, () => {
      const c = new RNNCell({ inputSize: 3, hiddenSize: 5, dtype, seed: 3 });
      const x = randn([4, 3], dtype);
      const hx = randn([4, 5], dtype);
      const [xCopy, hxCopy] = [x.clone(), hx.clone()];
      const h1 = c.forward(x);
      const h1Copy = h1.clone();
      const h2 = c.forward(x, hx);
      expectFresh([h1, h2], [x, hx]);
      expect(h1.data).toEqual(h1Copy.data);
      expect(x.data).toEqual(xCopy.data);
      expect(hx.data).toEqual(hxCopy.data);
      h1.data.fill(Number.NaN);
      h2.data.fill(Number.NaN);
      expect(c.forward(x).data).toEqual(h1Copy.data);
      expect(c.forward(x, Tensor.zeros([4, 5], dtype)).data).toEqual(h1Copy.data);
    });
  }
});

describe("LSTM, GRU and the gated cells return fresh tensors too (padded and packed)", () => {
  for (const dtype of ["float32", "float64"] as const) {
    it(`LSTM with a projection and GRU, ${dtype}`, () => {
      const lstm = new LSTM({ inputSize: 3, hiddenSize: 5, numLayers: 2, bidirectional: true, projSize: 2, dtype, seed: 4 });
      const gru = new GRU({ inputSize: 3, hiddenSize: 5, numLayers: 2, bidirectional: true, dtype, seed: 5 });
      const x = randn([4, 3, 3], dtype);
      const [h0, c0] = [randn([4, 3, 2], dtype), randn([4, 3, 5], dtype)];
      const g0 = randn([4, 3, 5], dtype);
      const copies = [x, h0, c0, g0].map((t) => t.clone());
      const packed = packPaddedSequence(x, [2, 4, 1], { enforceSorted: false });
      const runs = () => [
        lstm.forward(x).flat(),
        lstm.forward(x, [h0, c0]).flat(),
        gru.forward(x, g0),
        gru.forward(x),
        (([o, s]) => [o.data, ...s])(lstm.forward(packed, [h0, c0])),
        (([o, h]) => [o.data, h])(gru.forward(packed)),
      ].flat();
      const first = runs();
      const firstCopy = first.map((t) => t.clone());
      const second = runs();
      expectFresh([...first, ...second], [x, h0, c0, g0, packed.data]);
      expect([x, h0, c0, g0].map((t) => t.data)).toEqual(copies.map((t) => t.data));
      for (const t of [...first, ...second]) t.data.fill(Number.NaN);
      expect(runs().map((t) => t.data)).toEqual(firstCopy.map((t) => t.data));
    });

    it(`LSTMCell and GRUCell, ${dtype}`, () => {
      const lc = new LSTMCell({ inputSize: 3, hiddenSize: 5, dtype, seed: 6 });
      const gc = new GRUCell({ inputSize: 3, hiddenSize: 5, dtype, seed: 7 });
      const x = randn([4, 3], dtype);
      const hx: [Tensor, Tensor] = [randn([4, 5], dtype), randn([4, 5], dtype)];
      const runs = () => [...lc.forward(x), ...lc.forward(x, hx), gc.forward(x), gc.forward(x, hx[0])];
      const first = runs();
      const firstCopy = first.map((t) => t.clone());
      expectFresh([...first, ...runs()], [x, ...hx]);
      for (const t of first) t.data.fill(Number.NaN);
      expect(runs().map((t) => t.data)).toEqual(firstCopy.map((t) => t.data));
    });
  }
});
