import type { OnnxModelProto } from "../onnx/onnx-proto.js";
import { onnxModuleConfig, type OnnxConfigOverrides, type OnnxModuleConfig } from "../onnx/onnx-config.js";
import { onnxStateDict } from "../onnx/onnx-weights.js";
import { moduleFromTorchConfig } from "./from-torch.js";

export interface OnnxModule {
  module: ReturnType<typeof moduleFromTorchConfig>;
  /** What was derived from the graph (after overrides), under torch's names. */
  spec: OnnxModuleConfig;
}

/**
 * Builds the module an exported .onnx computes and loads its weights, so a user holding only the
 * ONNX file can run it in TypeScript. The config comes from the graph (see onnx-config.ts for what
 * can be seen there); pass `overrides` for what cannot, notably `batch_first` of graphs that keep
 * torch's initializer names. A graph torch cannot express (peepholes, clip, ONNX's default GRU
 * formula, ...) is refused in one line naming the node and attribute (onnx-torch-expressible.ts).
 * A graph taking sequence_lens gives `spec.packed`: run it on a PackedSequence (packPaddedSequence
 * of the padded batch and its lengths), as torch runs the module it was exported from.
 *
 * The weights are read (and checked against the derived config) before the module exists, so the
 * module's size is bounded by the weights the file really holds, never by a claimed hidden_size.
 */
export function moduleFromOnnxModel(model: OnnxModelProto, file: string, overrides: OnnxConfigOverrides = {}): OnnxModule {
  const spec = onnxModuleConfig(model, file, overrides);
  const stateDict = onnxStateDict(model, file, spec.module, spec.config, { dtype: spec.dtype });
  const module = moduleFromTorchConfig(spec.module, spec.config, spec.dtype);
  module.loadStateDict(stateDict);
  return { module, spec };
}
