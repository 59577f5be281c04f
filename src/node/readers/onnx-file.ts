/** ONNX model files from disk: the bounded read here, the decoding and everything after it in the core. */
import { MAX_ONNX_BYTES } from "../../core/format/limits.js";
import type { ModuleName, TorchConfig } from "../../core/format/types.js";
import { moduleFromOnnxModel, type OnnxModule, type OnnxModuleOverrides } from "../../core/nn/from-onnx.js";
import { summarizeOnnx, type OnnxSummary } from "../../core/onnx/onnx-inspect.js";
import { decodeOnnxModel, type OnnxModelProto } from "../../core/onnx/onnx-proto.js";
import { onnxStateDict, type OnnxStateDictOptions } from "../../core/onnx/onnx-weights.js";
import type { Tensor } from "../../core/tensor/tensor.js";
import { readBounded } from "./read-bounded.js";

/** Reads and decodes an .onnx file, refusing files over MAX_ONNX_BYTES before reading them. */
export async function readOnnxModel(path: string): Promise<OnnxModelProto> {
  return decodeOnnxModel(await readBounded(path, MAX_ONNX_BYTES), path);
}

/** Reads an .onnx file and summarizes it. */
export async function inspectOnnx(path: string): Promise<OnnxSummary> {
  return summarizeOnnx(await readOnnxModel(path), path);
}

/** Reads `path` and returns its weights under torch's state_dict keys for `module` with `config`. */
export async function readOnnxStateDict(
  path: string,
  module: ModuleName,
  config: TorchConfig,
  options: OnnxStateDictOptions = {},
): Promise<Record<string, Tensor>> {
  return onnxStateDict(await readOnnxModel(path), path, module, config, options);
}

/** moduleFromOnnxModel (core/nn/from-onnx.ts) of the model in the file at `path`. */
export async function moduleFromOnnx(path: string, overrides: OnnxModuleOverrides = {}): Promise<OnnxModule> {
  return moduleFromOnnxModel(await readOnnxModel(path), path, overrides);
}
