import { InternalError } from "../errors.js";
import { Tensor } from "../tensor/tensor.js";
import type { DType } from "../tensor/dtype.js";
import type { LayerWeights } from "../kernels/recurrent-layer.js";

/** A parameter's torch name and shape. */
export interface ParameterSpec {
  readonly name: string;
  readonly shape: readonly number[];
}

/**
 * A cell's parameters in state_dict order (torch.nn.RNNCell, LSTMCell, GRUCell): `gates` is 1,
 * 4 or 3, the gate blocks stacked along the first dimension as torch stacks them.
 */
export function cellParameterSpecs(inputSize: number, hiddenSize: number, bias: boolean, gates = 1): ParameterSpec[] {
  const G = gates * hiddenSize;
  const specs: ParameterSpec[] = [
    { name: "weight_ih", shape: [G, inputSize] },
    { name: "weight_hh", shape: [G, hiddenSize] },
  ];
  if (bias) specs.push({ name: "bias_ih", shape: [G] }, { name: "bias_hh", shape: [G] });
  return specs;
}

/** The torch key suffix of layer `layer`, direction `direction` (1 is the reverse direction). */
export function layerSuffix(layer: number, direction: number): string {
  return `_l${layer}${direction === 1 ? "_reverse" : ""}`;
}

/**
 * torch.nn.RNN / LSTM / GRU parameters in state_dict order: layer-major, then direction, then
 * weight_ih, weight_hh, bias_ih, bias_hh and (LSTM with proj_size P > 0) weight_hr (P × H), as
 * torch's RNNBase.__init__ names them. `gates` is 1 (RNN), 4 (LSTM) or 3 (GRU). h is P wide with
 * a projection, so weight_hh is (G·H × P) and layers above the first read D·P features.
 */
export function rnnParameterSpecs(
  inputSize: number,
  hiddenSize: number,
  numLayers: number,
  bias: boolean,
  bidirectional: boolean,
  gates = 1,
  projSize = 0,
): ParameterSpec[] {
  const directions = bidirectional ? 2 : 1;
  const G = gates * hiddenSize;
  const S = projSize > 0 ? projSize : hiddenSize;
  const specs: ParameterSpec[] = [];
  for (let layer = 0; layer < numLayers; layer++) {
    const layerInput = layer === 0 ? inputSize : S * directions;
    for (let d = 0; d < directions; d++) {
      const s = layerSuffix(layer, d);
      specs.push({ name: `weight_ih${s}`, shape: [G, layerInput] });
      specs.push({ name: `weight_hh${s}`, shape: [G, S] });
      if (bias) {
        specs.push({ name: `bias_ih${s}`, shape: [G] });
        specs.push({ name: `bias_hh${s}`, shape: [G] });
      }
      if (projSize > 0) specs.push({ name: `weight_hr${s}`, shape: [projSize, hiddenSize] });
    }
  }
  return specs;
}

/** mulberry32: a tiny, fast, seedable generator of uniform numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Allocates the parameters and fills them like torch's reset_parameters: every weight and bias
 * from U(-1/sqrt(hidden), 1/sqrt(hidden)). The distribution matches torch; the values cannot,
 * because torch's generator is not reproduced. Parity is claimed only for loaded weights.
 */
export function initParameters(
  specs: readonly ParameterSpec[],
  hiddenSize: number,
  dtype: DType,
  seed: number | undefined,
): Map<string, Tensor> {
  const random = seed === undefined ? Math.random : mulberry32(seed);
  const bound = 1 / Math.sqrt(hiddenSize);
  const params = new Map<string, Tensor>();
  for (const spec of specs) {
    const t = Tensor.zeros(spec.shape, dtype);
    for (let i = 0; i < t.data.length; i++) t.data[i] = (2 * random() - 1) * bound;
    params.set(spec.name, t);
  }
  return params;
}

function required(params: ReadonlyMap<string, Tensor>, name: string): Tensor {
  const t = params.get(name);
  if (t === undefined) throw new InternalError(`internal: parameter ${name} was never created`);
  return t;
}

/**
 * The kernel's view of one layer-direction's parameters. It aliases the parameter storage,
 * which loadStateDict overwrites in place, so it stays valid for the module's lifetime.
 */
export function weightsFor(params: ReadonlyMap<string, Tensor>, suffix: string, bias: boolean, projection = false): LayerWeights {
  return {
    wIh: required(params, `weight_ih${suffix}`).data,
    wHh: required(params, `weight_hh${suffix}`).data,
    bIh: bias ? required(params, `bias_ih${suffix}`).data : null,
    bHh: bias ? required(params, `bias_hh${suffix}`).data : null,
    wHr: projection ? required(params, `weight_hr${suffix}`).data : null,
  };
}
