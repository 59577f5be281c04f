/** The library: browser-safe (no Node built-in, no native module; test/layout.test.ts checks). */
export { Tensor, numel, formatShape } from "./tensor/tensor.js";
export { Int64Tensor } from "./tensor/int64-tensor.js";
export type { DType, FloatArray } from "./tensor/dtype.js";
export { RnnParityError, ModuleError, StateDictError, FixtureError, TensorError, InternalError } from "./errors.js";
export type { NestedNumbers, NestedArray } from "./tensor/nested.js";
export type { Nonlinearity } from "./kernels/activation.js";
export { RNN } from "./nn/rnn.js";
export { RNNCell } from "./nn/rnn-cell.js";
export { LSTM } from "./nn/lstm.js";
export { LSTMCell } from "./nn/lstm-cell.js";
export { GRU } from "./nn/gru.js";
export { GRUCell } from "./nn/gru-cell.js";
export { PackedSequence } from "./nn/packed-sequence.js";
export { packPaddedSequence, padPackedSequence, packSequence, padSequence } from "./nn/pack.js";
export type { Lengths, PackPaddedOptions, PadPackedOptions } from "./nn/pack.js";
export type {
  RNNOptions,
  RNNCellOptions,
  LSTMOptions,
  LSTMCellOptions,
  GRUOptions,
  GRUCellOptions,
  GatedCellOptions,
} from "./nn/options.js";
export { moduleFromFixture, moduleFromTorchConfig } from "./nn/from-torch.js";
export { runTypeScript } from "./oracle/typescript.js";
export { runOrtModel, runOrtForFixture, onnxFeeds } from "./oracle/onnxruntime-session.js";
export type { OrtModule, OrtSessionOptions, OrtSessionLike, OrtTensorLike, OrtRunOptions } from "./oracle/onnxruntime-session.js";
export { compareTensors, assertClose, defaultTolerance, AssertCloseError } from "./compare/assert-close.js";
export type { Comparison, CompareOptions, Tolerance } from "./compare/assert-close.js";
export { compareAny, INT64_TOLERANCE } from "./compare/compare-any.js";
export { decodeFixture } from "./format/msgpack.js";
export { expectedStateDictShapes } from "./format/validate-shapes.js";
export * as fixtureLimits from "./format/limits.js";
export {
  FIXTURE_FORMAT,
  FIXTURE_VERSIONS,
  MANIFEST_FORMAT,
  MANIFEST_VERSIONS,
  OUTPUT_NAMES,
  fixtureOutputNames,
  onnxOutputNames,
} from "./format/types.js";
export type {
  Fixture,
  FixtureInputs,
  FixtureTensor,
  Packing,
  RNNFixture,
  RNNCellFixture,
  LSTMFixture,
  LSTMCellFixture,
  GRUFixture,
  GRUCellFixture,
  TorchConfig,
  TorchRNNConfig,
  TorchRNNCellConfig,
  TorchLSTMConfig,
  TorchGRUConfig,
  TorchGatedCellConfig,
  Manifest,
  ManifestCase,
  ManifestOnnxEntry,
  ModuleName,
} from "./format/types.js";
export { onnxStateDict, expectedParameters } from "./onnx/onnx-weights.js";
export type { OnnxStateDictOptions } from "./onnx/onnx-weights.js";
export { summarizeOnnx, formatOnnxSummary } from "./onnx/onnx-inspect.js";
export type { OnnxSummary, OnnxValueSummary, OnnxInitializerSummary, OnnxRnnNodeSummary } from "./onnx/onnx-inspect.js";
export { decodeOnnxModel, encodeOnnxModel } from "./onnx/onnx-proto.js";
export type { OnnxModelProto } from "./onnx/onnx-proto.js";
export { onnxModuleConfig } from "./onnx/onnx-config.js";
export type { OnnxModuleConfig, OnnxConfigOverrides } from "./onnx/onnx-config.js";
export { moduleFromOnnxModel } from "./nn/from-onnx.js";
export type { OnnxModule, OnnxModuleOverrides } from "./nn/from-onnx.js";
export type { ModuleOptions } from "./nn/from-torch.js";
export { loadSafetensors, MAX_SAFETENSORS_HEADER_BYTES } from "./format/safetensors.js";
export type { Adapter, AdapterModule, CaseSpec, Implementation } from "./adapter/contract.js";
export { caseSpec, unsupportedReason } from "./adapter/contract.js";
export { typescriptAdapter } from "./adapter/default.js";
export { runAdapter } from "./adapter/run.js";
