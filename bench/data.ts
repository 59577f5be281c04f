/** Seeded weights and inputs, so every implementation (and every run of the bench) sees the same numbers. */
import { layerSuffix, mulberry32 } from "../src/core/nn/parameters.js";
import { Tensor } from "../src/core/tensor/tensor.js";
import { gateCount, layerInputSize, numDirections, type Workload } from "./workloads.js";

function uniform(random: () => number, length: number, bound: number): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = (random() * 2 - 1) * bound;
  return out;
}

export interface WorkloadData {
  /** Parameters under torch's state_dict keys, float32, in torch's layouts (gates stacked as torch stacks them). */
  readonly stateDict: Record<string, Tensor>;
  /** Input of shape [seqLen, batch, inputSize] (batch_first = false). */
  readonly input: Tensor;
}

/**
 * Parameters drawn like torch's default init, U(-1/sqrt(H), 1/sqrt(H)), so the recurrence stays in
 * tanh's well-conditioned range as it would in a real model; inputs U(-1, 1).
 */
export function makeWorkloadData(w: Workload, seed: number): WorkloadData {
  const random = mulberry32(seed);
  const bound = 1 / Math.sqrt(w.hiddenSize);
  const H = w.hiddenSize;
  const G = gateCount(w.module) * H;
  const stateDict: Record<string, Tensor> = {};
  for (let layer = 0; layer < w.numLayers; layer++) {
    const inSize = layerInputSize(w, layer);
    for (let direction = 0; direction < numDirections(w); direction++) {
      const s = layerSuffix(layer, direction);
      stateDict[`weight_ih${s}`] = new Tensor(uniform(random, G * inSize, bound), [G, inSize]);
      stateDict[`weight_hh${s}`] = new Tensor(uniform(random, G * H, bound), [G, H]);
      stateDict[`bias_ih${s}`] = new Tensor(uniform(random, G, bound), [G]);
      stateDict[`bias_hh${s}`] = new Tensor(uniform(random, G, bound), [G]);
    }
  }
  const input = new Tensor(uniform(random, w.seqLen * w.batch * w.inputSize, 1), [w.seqLen, w.batch, w.inputSize]);
  return { stateDict, input };
}

/** A state-dict entry as float32, with a message that names the key if the generator and a consumer disagree. */
export function param(data: WorkloadData, key: string): Float32Array {
  const t = data.stateDict[key];
  if (t === undefined) throw new Error(`bench: missing parameter ${key}`);
  if (!(t.data instanceof Float32Array)) throw new Error(`bench: parameter ${key} is not float32`);
  return t.data;
}
