/**
 * torch constructor arguments derived from an ONNX graph, for running an exported model in
 * TypeScript without its fixture.
 *
 * From RNN, LSTM or GRU operators: the module (the op type), hidden_size (attribute), num_layers
 * (layers found by data flow), bidirectional (a reverse direction in layer 0), nonlinearity (RNN's
 * activations), bias (a B input), input_size (W's last dimension), dtype (W's data type),
 * batch_first (layout=1, or the graph input `input` reaching the first layer through a Transpose
 * perm=[1, 0, 2], past a packed case's Gather); proj_size is 0, since ONNX's LSTM has no projection.
 * From torch-named initializers: weight_hh[_l0]'s columns give the hidden size (weight_hr_l0's
 * when there is a projection, whose rows give proj_size), weight_ih's rows over it the gate count
 * and so the module (1 RNN, 3 GRU, 4 LSTM; a cell when the names have no layer suffix),
 * weight_ih_l{k} the layer count, *_reverse bidirectional, bias_ih bias, and for RNN a Relu or
 * Tanh operator the nonlinearity. batch_first cannot be seen in such graphs: it defaults to false.
 * Every derived value can be overridden; overrides win. Nothing is allocated here: only dims.
 */
import { FixtureError } from "../errors.js";
import type { DType } from "../tensor/dtype.js";
import {
  ONNX_DOUBLE,
  ONNX_FLOAT,
  graphOf,
  int64ToNumber,
  onnxDataTypeName,
  tensorDims,
  type OnnxGraphProto,
  type OnnxModelProto,
  type OnnxTensorProto,
} from "./onnx-proto.js";
import { gateCount } from "./onnx-gates.js";
import { torchLayers } from "./onnx-torch-expressible.js";
import { graphConstants, type OnnxConstant } from "./onnx-tensor.js";
import { isSequenceModule, type ModuleName, type TorchConfig, type TorchLSTMConfig, type TorchRNNConfig } from "../format/types.js";

export interface OnnxModuleConfig {
  module: ModuleName;
  config: TorchConfig;
  dtype: DType;
  /** The graph takes `sequence_lens`: the module runs on packed sequences (PackedSequence input). */
  packed: boolean;
}

/** Any torch constructor argument, plus the module and dtype. */
export type OnnxConfigOverrides = Partial<TorchRNNConfig & TorchLSTMConfig> & { module?: ModuleName; dtype?: DType };

/** Every config key a module has, so overrides and derived values are cut to the module's own. */
const CONFIG_KEYS: Readonly<Record<ModuleName, readonly (keyof (TorchRNNConfig & TorchLSTMConfig))[]>> = {
  RNN: ["input_size", "hidden_size", "num_layers", "nonlinearity", "bias", "batch_first", "dropout", "bidirectional"],
  RNNCell: ["input_size", "hidden_size", "bias", "nonlinearity"],
  LSTM: ["input_size", "hidden_size", "num_layers", "bias", "batch_first", "dropout", "bidirectional", "proj_size"],
  LSTMCell: ["input_size", "hidden_size", "bias"],
  GRU: ["input_size", "hidden_size", "num_layers", "bias", "batch_first", "dropout", "bidirectional"],
  GRUCell: ["input_size", "hidden_size", "bias"],
};

type AnyConfig = Partial<TorchRNNConfig & TorchLSTMConfig>;

function dtypeOf(t: OnnxTensorProto, file: string, field: string): DType {
  if (t.data_type === ONNX_FLOAT) return "float32";
  if (t.data_type === ONNX_DOUBLE) return "float64";
  throw new FixtureError(file, `${field}.data_type`, `expected float32 or float64, got ${onnxDataTypeName(t.data_type)}`);
}

/** Ops that pass the graph input along to the first layer without changing what it holds. */
const PASS_THROUGH = new Set(["Transpose", "Gather", "Cast", "Identity"]);

function isSwap01(node: OnnxGraphProto["node"][number], file: string): boolean {
  const perm = node.attribute.find((a) => a.name === "perm");
  const p = perm ? perm.ints.map((v, i) => int64ToNumber(v, file, `Transpose.perm[${i}]`)) : [];
  return p.join(",") === "1,0,2";
}

/**
 * Whether the first layer's X is the graph input `input` with its first two axes swapped (torch's
 * batch_first exported as a Transpose into ONNX's layout 0). The path back from X to `input` may
 * also pass through Gather (a packed case's sorting by length) and Cast or Identity; an odd number
 * of perm=[1, 0, 2] Transposes on it means the caller's input is batch-first.
 */
function batchFirstInput(graph: OnnxGraphProto, x: string, file: string): boolean {
  const producer = new Map<string, OnnxGraphProto["node"][number]>();
  for (const node of graph.node) for (const out of node.output) if (out) producer.set(out, node);
  let name = x;
  let swaps = 0;
  for (let hops = 0; hops < graph.node.length && name !== "input"; hops++) {
    const node = producer.get(name);
    if (!node || !PASS_THROUGH.has(node.op_type) || !node.input[0]) return false;
    if (node.op_type === "Transpose") {
      if (!isSwap01(node, file)) return false;
      swaps++;
    }
    name = node.input[0];
  }
  return name === "input" && swaps % 2 === 1;
}

interface Derived {
  module: ModuleName;
  config: AnyConfig;
  dtype: DType;
  packed: boolean;
}

function fromRecurrentNodes(graph: OnnxGraphProto, file: string): Derived | null {
  const found = torchLayers(graph, file);
  if (!found) return null;
  const first = found.layers[0]?.forward?.info;
  if (!first) throw new FixtureError(file, "graph.node", "no forward node in layer 0");
  const w = graphConstants(graph).get(first.node.input[1] ?? "");
  if (!w) throw new FixtureError(file, `${first.field}.input[1]`, "W is not a constant, so the input size is unknown");
  const wDims = tensorDims(w.proto, file, w.field);
  const rows = gateCount(found.opType) * first.hiddenSize;
  if (wDims.length !== 3 || wDims[1] !== rows) {
    throw new FixtureError(file, w.field, `dims [${wDims.join(", ")}], but a ${found.opType} with hidden_size ${first.hiddenSize} has W [D, ${rows}, input_size]`);
  }
  const nonlinearity = first.activations[0]?.toLowerCase() === "relu" ? "relu" : "tanh";
  return {
    module: found.opType,
    dtype: dtypeOf(w.proto, file, w.field),
    packed: found.nodes.some((n) => n.sequenceLens),
    config: {
      input_size: wDims[2] ?? 0,
      hidden_size: first.hiddenSize,
      num_layers: found.layers.length,
      nonlinearity,
      bias: Boolean(first.node.input[3]),
      batch_first: first.layout === 1 || batchFirstInput(graph, first.node.input[0] ?? "", file),
      dropout: 0,
      bidirectional: found.layers[0]?.reverse !== undefined,
      proj_size: 0,
    },
  };
}

function dims(c: OnnxConstant, file: string): number[] {
  return tensorDims(c.proto, file, c.field);
}

/** The module whose weight_ih has `rows` = gates * hidden rows. */
function moduleOfGates(rows: number, hidden: number, cell: boolean, field: string, file: string): ModuleName {
  const gates = hidden > 0 ? rows / hidden : 0;
  const modules: Record<number, [ModuleName, ModuleName]> = { 1: ["RNN", "RNNCell"], 3: ["GRU", "GRUCell"], 4: ["LSTM", "LSTMCell"] };
  const pair = modules[gates];
  if (!pair) throw new FixtureError(file, field, `${rows} rows: not 1, 3 or 4 gate blocks of hidden_size ${hidden} (RNN, GRU, LSTM)`);
  return pair[cell ? 1 : 0];
}

/**
 * A decomposed graph of a packed case takes the lengths as a graph input named `lengths`
 * (docs/fixture-format.md): it masks steps itself, so there is no sequence_lens to see.
 */
function takesLengths(graph: OnnxGraphProto): boolean {
  return graph.input.some((v) => v.name === "lengths");
}

function fromTorchNames(graph: OnnxGraphProto, file: string): Derived | null {
  const constants = graphConstants(graph);
  const cell = constants.has("weight_ih");
  const sfx = cell ? "" : "_l0";
  const w = constants.get(`weight_ih${sfx}`);
  const hh = constants.get(`weight_hh${sfx}`);
  if (!w) return null;
  if (!hh) throw new FixtureError(file, "graph.initializer", `weight_ih${sfx} but no weight_hh${sfx}: cannot tell the hidden size`);
  const [rows = 0, input = 0] = dims(w, file);
  const hr = cell ? undefined : constants.get("weight_hr_l0");
  const [proj = 0, hidden = 0] = hr ? dims(hr, file) : [0, dims(hh, file)[1] ?? 0];
  const module = moduleOfGates(rows, hidden, cell, w.field, file);
  if (hr && module !== "LSTM") throw new FixtureError(file, hr.field, `a projection weight, but weight_ih_l0 has the rows of a ${module}`);
  let nonlinearity: "tanh" | "relu" = "tanh";
  if (module === "RNN" || module === "RNNCell") {
    const ops = new Set(graph.node.map((n) => n.op_type));
    if (ops.has("Relu") === ops.has("Tanh")) {
      throw new FixtureError(file, "graph.node", "cannot tell the nonlinearity: the graph needs exactly one of a Tanh or a Relu operator");
    }
    nonlinearity = ops.has("Relu") ? "relu" : "tanh";
  }
  let numLayers = 0;
  while (constants.has(`weight_ih_l${numLayers}`)) numLayers++;
  return {
    module,
    dtype: dtypeOf(w.proto, file, w.field),
    packed: takesLengths(graph),
    config: {
      input_size: input,
      hidden_size: hidden,
      num_layers: Math.max(numLayers, 1),
      nonlinearity,
      bias: constants.has(`bias_ih${sfx}`),
      batch_first: false,
      dropout: 0,
      bidirectional: constants.has("weight_ih_l0_reverse"),
      proj_size: proj,
    },
  };
}

/**
 * The module, torch config and dtype an ONNX model computes, with `overrides` applied. Graphs torch
 * cannot express are refused (onnx-torch-expressible.ts); `packed` says whether the graph takes
 * sequence_lens, i.e. whether the module should be run on a PackedSequence.
 */
export function onnxModuleConfig(model: OnnxModelProto, file: string, overrides: OnnxConfigOverrides = {}): OnnxModuleConfig {
  const graph = graphOf(model, file);
  const derived = fromRecurrentNodes(graph, file) ?? fromTorchNames(graph, file);
  if (!derived) {
    throw new FixtureError(file, "graph", "no RNN, LSTM or GRU operator and no initializer named weight_ih or weight_ih_l0: cannot tell which module this is");
  }
  const { module = derived.module, dtype = derived.dtype, ...rest } = overrides;
  const merged: AnyConfig = { num_layers: 1, batch_first: false, dropout: 0, bidirectional: false, proj_size: 0, ...derived.config, ...rest };
  const config: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS[module]) config[key] = merged[key];
  if (!isSequenceModule(module) && derived.packed) throw new FixtureError(file, "graph", `${module} cannot take sequence_lens`);
  return { module, dtype, config: config as unknown as TorchConfig, packed: derived.packed };
}
