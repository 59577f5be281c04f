/**
 * torch stacks layers by feeding layer l's output to layer l + 1 (dropout 0), so a numLayers = 4
 * module must give exactly what four one-layer modules give, chained, with each layer's weights
 * renamed to _l0. This is an invariant of the orchestration, not a parity claim (the bundled torch
 * fixtures stop at two layers, where nothing reuses a scratch buffer): from layer 2 on the
 * intermediate outputs alternate between two buffers, and a layer that wrote into the buffer it
 * reads would corrupt its reverse direction, which reads the input again after the forward one.
 */
import { describe, expect, it } from "vitest";
import { GRU } from "../src/core/nn/gru.js";
import { LSTM } from "../src/core/nn/lstm.js";
import { RNN } from "../src/core/nn/rnn.js";
import type { DType } from "../src/core/tensor/dtype.js";
import { Tensor } from "../src/core/tensor/tensor.js";

const L = 4;
const [T, B, F, H] = [5, 3, 2, 3];

/** Layer `layer`'s parameters under layer 0's names. */
function layerWeights(sd: Record<string, Tensor>, layer: number): Record<string, Tensor> {
  const suffix = new RegExp(`_l${layer}(_reverse)?$`);
  return Object.fromEntries(
    Object.entries(sd)
      .filter(([k]) => suffix.test(k))
      .map(([k, t]) => [k.replace(suffix, (_, rev: string | undefined) => `_l0${rev ?? ""}`), t]),
  );
}

function input(dtype: DType): Tensor {
  const x = Tensor.zeros([T, B, F], dtype);
  x.data.forEach((_, i) => (x.data[i] = Math.sin(0.7 * i + 0.3)));
  return x;
}

type Make = (numLayers: number, layer: number, dtype: DType) => RNN | GRU | LSTM;
const modules: [string, Make][] = [
  ["RNN", (numLayers, layer, dtype) => new RNN({ inputSize: layer === 0 ? F : 2 * H, hiddenSize: H, numLayers, bidirectional: true, dtype, seed: 3 })],
  ["GRU", (numLayers, layer, dtype) => new GRU({ inputSize: layer === 0 ? F : 2 * H, hiddenSize: H, numLayers, bidirectional: true, dtype, seed: 3 })],
  ["LSTM proj", (numLayers, layer, dtype) => new LSTM({ inputSize: layer === 0 ? F : 4, hiddenSize: H, projSize: 2, numLayers, bidirectional: true, dtype, seed: 3 })],
];

const outputOf = (m: RNN | GRU | LSTM, x: Tensor): Tensor => (m instanceof LSTM ? m.forward(x)[0] : m.forward(x)[0]) as Tensor;

describe(`a ${L}-layer bidirectional module is its layers chained`, () => {
  it.each(modules.flatMap(([name, make]) => (["float32", "float64"] as const).map((dtype) => [`${name} ${dtype}`, make, dtype] as const)))(
    "%s",
    (_name, make, dtype) => {
      const stack = make(L, 0, dtype);
      const sd = stack.stateDict();
      let x = input(dtype);
      const want = outputOf(stack, x);
      for (let layer = 0; layer < L; layer++) {
        const one = make(1, layer, dtype);
        one.loadStateDict(layerWeights(sd, layer));
        x = outputOf(one, x);
      }
      expect(want.shape).toEqual(x.shape);
      expect(Array.from(want.data)).toEqual(Array.from(x.data));
    },
  );
});
