import { readOnnxModel } from "../fixtures/onnx-proto.js";
import { onnxModuleConfig, type OnnxConfigOverrides, type OnnxModuleConfig } from "../fixtures/onnx-config.js";
import { onnxStateDict } from "../fixtures/onnx-weights.js";
import { moduleFromTorchConfig } from "./from-torch.js";
import type { RNN } from "./rnn.js";
import type { RNNCell } from "./rnn-cell.js";

export interface OnnxModule {
  module: RNN | RNNCell;
  /** What was derived from the graph (after overrides), under torch's names. */
  spec: OnnxModuleConfig;
}

/**
 * Builds the module an exported .onnx computes and loads its weights, so a user holding only the
 * ONNX file can run it in TypeScript. The config comes from the graph (see onnx-config.ts for what
 * can be seen there); pass `overrides` for what cannot, notably `batch_first` of graphs that keep
 * torch's initializer names.
 */
export async function moduleFromOnnx(path: string, overrides: OnnxConfigOverrides = {}): Promise<OnnxModule> {
  const model = await readOnnxModel(path);
  const spec = onnxModuleConfig(model, path, overrides);
  const module = moduleFromTorchConfig(spec.module, spec.config, spec.dtype);
  module.loadStateDict(onnxStateDict(model, path, spec.module, spec.config, { dtype: spec.dtype }));
  return { module, spec };
}
