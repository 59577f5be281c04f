import { ModuleError } from "../errors.js";
import type { ModuleName, TorchLSTMConfig, TorchRNNConfig } from "../format/types.js";
import type { OnnxModelProto } from "../onnx/onnx-proto.js";
import { onnxModuleConfig, type OnnxConfigOverrides } from "../onnx/onnx-config.js";
import { onnxStateDict } from "../onnx/onnx-weights.js";
import type { DType } from "../tensor/dtype.js";
import { moduleFromOptions, optionsFromTorchConfig, type ModuleOptions } from "./from-torch.js";
import type { GRU } from "./gru.js";
import type { GRUCell } from "./gru-cell.js";
import type { LSTM } from "./lstm.js";
import type { LSTMCell } from "./lstm-cell.js";
import { rejectUnknownKeys } from "./options.js";
import type { RNN } from "./rnn.js";
import type { RNNCell } from "./rnn-cell.js";

interface Instances {
  RNN: RNN;
  RNNCell: RNNCell;
  LSTM: LSTM;
  LSTMCell: LSTMCell;
  GRU: GRU;
  GRUCell: GRUCell;
}

/**
 * What moduleFromOnnxModel built, told apart by `module`: checking `built.module === "LSTM"` types
 * `instance` as an LSTM and `spec` as LSTM's options.
 */
export type OnnxModule = {
  [M in ModuleName]: {
    /** Which module the graph computes. */
    module: M;
    /** That module, with the graph's weights loaded. */
    instance: Instances[M];
    /**
     * Its constructor options as derived from the graph (after overrides), under the constructor's
     * names: `new LSTM(spec)` builds the same module, untrained.
     */
    spec: ModuleOptions[M];
    /** The graph takes sequence_lens (or, decomposed, `lengths`): run it on a PackedSequence. */
    packed: boolean;
  };
}[ModuleName];

/** What cannot be seen in every graph can be given, under the constructors' names (any module's). */
export type OnnxModuleOverrides = Partial<
  Omit<ModuleOptions["RNN"], "dtype"> & Omit<ModuleOptions["LSTM"], "dtype">
> & { module?: ModuleName; dtype?: DType };

/** camelCase override -> torch's name, which onnxModuleConfig takes. */
const TORCH_NAMES: Readonly<Record<keyof OnnxModuleOverrides, keyof OnnxConfigOverrides>> = {
  module: "module",
  dtype: "dtype",
  inputSize: "input_size",
  hiddenSize: "hidden_size",
  numLayers: "num_layers",
  nonlinearity: "nonlinearity",
  bias: "bias",
  batchFirst: "batch_first",
  dropout: "dropout",
  bidirectional: "bidirectional",
  projSize: "proj_size",
};

function torchOverrides(overrides: OnnxModuleOverrides): OnnxConfigOverrides {
  if (typeof overrides !== "object" || overrides === null) throw new ModuleError(`moduleFromOnnx overrides must be an object, got ${String(overrides)}`);
  rejectUnknownKeys("moduleFromOnnx", overrides, Object.keys(TORCH_NAMES));
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined) out[TORCH_NAMES[key as keyof OnnxModuleOverrides]] = value;
  }
  return out as Partial<TorchRNNConfig & TorchLSTMConfig>;
}

/**
 * Builds the module an exported .onnx computes and loads its weights, so a user holding only the
 * ONNX file can run it in TypeScript. The config comes from the graph (see onnx-config.ts for what
 * can be seen there); pass `overrides` for what cannot, notably `batchFirst` of graphs that keep
 * torch's initializer names. A graph torch cannot express (peepholes, clip, ONNX's default GRU
 * formula, ...) is refused in one line naming the node and attribute (onnx-torch-expressible.ts).
 * A graph taking sequence_lens gives `packed: true`: run it on a PackedSequence (packPaddedSequence
 * of the padded batch and its lengths), as torch runs the module it was exported from.
 *
 * The weights are read (and checked against the derived config) before the module exists, so the
 * module's size is bounded by the weights the file really holds, never by a claimed hidden size.
 */
export function moduleFromOnnxModel(model: OnnxModelProto, file: string, overrides: OnnxModuleOverrides = {}): OnnxModule {
  const derived = onnxModuleConfig(model, file, torchOverrides(overrides));
  const stateDict = onnxStateDict(model, file, derived.module, derived.config, { dtype: derived.dtype });
  const spec = optionsFromTorchConfig(derived.module, derived.config, derived.dtype);
  const instance = moduleFromOptions(derived.module, spec);
  instance.loadStateDict(stateDict);
  // The three values belong to one module by construction; TypeScript cannot follow the switch.
  return { module: derived.module, instance, spec, packed: derived.packed } as OnnxModule;
}
