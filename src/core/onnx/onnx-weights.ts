/**
 * A torch-keyed state dict from an ONNX model, so a module exported with torch.onnx.export can run
 * in TypeScript. Two layouts are understood, tried in this order:
 *  1. initializers (or Constant nodes) that keep torch's names and shapes (weight_ih_l0, ...,
 *     weight_hr_l0 for a projecting LSTM), as decomposed graphs and the cells' Gemm weights have;
 *  2. the W, R and B inputs of ONNX's RNN, LSTM or GRU operator: W [D, G*H, I] -> weight_ih,
 *     R [D, G*H, H] -> weight_hh, B [D, 2*G*H] -> bias_ih (first G*H) and bias_hh (the rest), each
 *     with its G gate blocks reordered from ONNX's order into torch's (onnx-gates.ts); D slot 0 is
 *     the forward direction and slot 1 the reverse one of a bidirectional node. Nodes map to layers
 *     by data flow (onnx-rnn-nodes.ts) and must be something torch computes (onnx-torch-expressible.ts).
 * Shapes are checked from the declared dims before any tensor is decoded, and decoding is bounded
 * by the bytes the file really holds, so a claimed size cannot make the reader allocate.
 */
import { FixtureError } from "../errors.js";
import type { DType } from "../tensor/dtype.js";
import { type Tensor, formatShape, sameShape } from "../tensor/tensor.js";
import { expectedStateDictShapes, layerSuffix } from "../format/state-dict-layout.js";
import { isSequenceModule, type ModuleName, type SequenceConfig, type TorchConfig, type TorchRNNConfig } from "../format/types.js";
import { graphOf, tensorDims, type OnnxModelProto } from "./onnx-proto.js";
import type { RnnNodeInfo } from "./onnx-rnn-nodes.js";
import { gateCount, onnxToTorchGates, tensorFrom } from "./onnx-gates.js";
import { torchLayers, type TorchLayers } from "./onnx-torch-expressible.js";
import { graphConstants, tensorFromOnnx, type OnnxConstant } from "./onnx-tensor.js";

export type { TorchConfig } from "../format/types.js";

export interface OnnxStateDictOptions {
  /** When given, every parameter must have this dtype. */
  dtype?: DType;
}

/** Parameter names and shapes of a torch module, in state_dict order. */
export function expectedParameters(module: ModuleName, config: TorchConfig): Map<string, number[]> {
  return new Map([...expectedStateDictShapes(module, config)].map(([k, shape]) => [k, [...shape]]));
}

/** Layout 1: every torch key is a constant of the graph under its own name. */
function byTorchNames(constants: Map<string, OnnxConstant>, expected: Map<string, number[]>, file: string): Record<string, Tensor> | null {
  if (![...expected.keys()].every((k) => constants.has(k))) return null;
  const sd: Record<string, Tensor> = {};
  for (const [key, shape] of expected) {
    const c = constants.get(key) as OnnxConstant;
    const dims = tensorDims(c.proto, file, c.field);
    if (!sameShape(dims, shape)) {
      throw new FixtureError(file, c.field, `shape ${formatShape(dims)}, expected ${formatShape(shape)} for torch's ${key}`);
    }
    sd[key] = tensorFromOnnx(c.proto, file, c.field);
  }
  return sd;
}

/** The constant feeding input `position` of a node, shape-checked before it is decoded. */
function nodeInput(info: RnnNodeInfo, position: number, role: string, shape: number[], constants: Map<string, OnnxConstant>, file: string): Tensor | null {
  const name = info.node.input[position];
  if (!name) return null;
  const c = constants.get(name);
  if (!c) {
    throw new FixtureError(file, `${info.field}.input[${position}]`, `${role} "${name}" is computed in the graph, not a constant, so its weights cannot be read`);
  }
  const dims = tensorDims(c.proto, file, c.field);
  if (!sameShape(dims, shape)) throw new FixtureError(file, `${info.field}.${role}`, `shape ${formatShape(dims)}, expected ${formatShape(shape)}`);
  return tensorFromOnnx(c.proto, file, c.field);
}

const OP_OF_MODULE: Readonly<Record<ModuleName, string>> = { RNN: "RNN", RNNCell: "RNN", LSTM: "LSTM", LSTMCell: "LSTM", GRU: "GRU", GRUCell: "GRU" };

/** Layout 2: the W/R/B inputs of the recurrent nodes. */
function byRecurrentNodes(found: TorchLayers, constants: Map<string, OnnxConstant>, module: ModuleName, config: TorchConfig, file: string): Record<string, Tensor> {
  const { opType, layers } = found;
  if (OP_OF_MODULE[module] !== opType) {
    throw new FixtureError(file, layers[0]?.forward?.info.field ?? "graph.node", `an ONNX ${opType} node, but the module is ${module}`);
  }
  const sequence = isSequenceModule(module);
  const numLayers = sequence ? (config as SequenceConfig).num_layers : 1;
  const bidirectional = sequence && (config as SequenceConfig).bidirectional;
  if (layers.length !== numLayers) {
    throw new FixtureError(file, "graph.node", `${layers.length} layer(s) of ${opType} nodes, but the config has num_layers=${numLayers}`);
  }
  const h = config.hidden_size;
  const g = gateCount(opType);
  const sd: Record<string, Tensor> = {};
  for (const layer of layers) {
    for (const dir of ["forward", "reverse"] as const) {
      const part = layer[dir];
      if (!part) {
        if (dir === "forward" || bidirectional) throw new FixtureError(file, "graph.node", `no ${opType} node computes the ${dir} direction of layer ${layer.layer}`);
        continue;
      }
      const { info, slot } = part;
      if (dir === "reverse" && !bidirectional) {
        throw new FixtureError(file, `${info.field}.direction`, `"${info.direction}", but the config is not bidirectional`);
      }
      if (info.hiddenSize !== h) {
        throw new FixtureError(file, `${info.field}.hidden_size`, `${info.hiddenSize}, but the config has hidden_size=${h}`);
      }
      if (opType === "RNN") {
        const act = info.activations[slot]?.toLowerCase();
        const nonlinearity = (config as TorchRNNConfig).nonlinearity;
        if (act !== nonlinearity) {
          throw new FixtureError(file, `${info.field}.activations`, `"${act ?? ""}", but the config has nonlinearity="${nonlinearity}"`);
        }
      }
      const dirs = info.direction === "bidirectional" ? 2 : 1;
      const inSize = layer.layer === 0 ? config.input_size : h * (bidirectional ? 2 : 1);
      const w = nodeInput(info, 1, "W", [dirs, g * h, inSize], constants, file);
      const r = nodeInput(info, 2, "R", [dirs, g * h, h], constants, file);
      if (!w || !r) throw new FixtureError(file, info.field, `${opType} node without W or R input`);
      const suffix = sequence ? layerSuffix(layer.layer, dir === "reverse") : "";
      const block = (t: Tensor, from: number, length: number, shape: number[]): Tensor =>
        onnxToTorchGates(tensorFrom(t, slot * (t.numel() / dirs) + from, length, shape), opType);
      sd[`weight_ih${suffix}`] = block(w, 0, g * h * inSize, [g * h, inSize]);
      sd[`weight_hh${suffix}`] = block(r, 0, g * h * h, [g * h, h]);
      const b = nodeInput(info, 3, "B", [dirs, 2 * g * h], constants, file);
      if (config.bias) {
        if (!b) throw new FixtureError(file, `${info.field}.input[3]`, "no B input, but the config has bias=True");
        sd[`bias_ih${suffix}`] = block(b, 0, g * h, [g * h]);
        sd[`bias_hh${suffix}`] = block(b, g * h, g * h, [g * h]);
      } else if (b && b.data.some((v) => v !== 0)) {
        throw new FixtureError(file, `${info.field}.input[3]`, "non-zero B input, but the config has bias=False");
      }
    }
  }
  return sd;
}

/** The state dict of a decoded model (see the file comment for the layouts understood). */
export function onnxStateDict(
  model: OnnxModelProto,
  file: string,
  module: ModuleName,
  config: TorchConfig,
  options: OnnxStateDictOptions = {},
): Record<string, Tensor> {
  const graph = graphOf(model, file);
  const constants = graphConstants(graph);
  const expected = expectedParameters(module, config);
  let sd = byTorchNames(constants, expected, file);
  if (!sd) {
    const found = torchLayers(graph, file);
    if (found === null) {
      const missing = [...expected.keys()].filter((k) => !constants.has(k));
      throw new FixtureError(
        file,
        "graph.initializer",
        `cannot map the weights to torch: no RNN, LSTM or GRU node, and no initializer named ${missing.join(", ")} (the exporter renamed or transformed them)`,
      );
    }
    sd = byRecurrentNodes(found, constants, module, config, file);
  }
  if (options.dtype) {
    for (const [key, t] of Object.entries(sd)) {
      if (t.dtype !== options.dtype) throw new FixtureError(file, key, `dtype ${t.dtype}, expected ${options.dtype}`);
    }
  }
  // state_dict order, so callers iterating keys see torch's order.
  const ordered: Record<string, Tensor> = {};
  for (const key of expected.keys()) {
    const t = sd[key];
    if (!t) throw new FixtureError(file, key, "missing from the model");
    ordered[key] = t;
  }
  return ordered;
}
