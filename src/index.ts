export { Tensor, numel, formatShape } from "./tensor/tensor.js";
export { Int64Tensor } from "./tensor/int64-tensor.js";
export type { DType, FloatArray } from "./tensor/dtype.js";
export { RnnParityError, ModuleError, StateDictError, FixtureError } from "./errors.js";
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
export { runTypeScript } from "./oracles/typescript.js";
export { compareTensors, assertClose, defaultTolerance, AssertCloseError } from "./compare/assert-close.js";
export type { Comparison, CompareOptions, Tolerance } from "./compare/assert-close.js";
export { compareAny, INT64_TOLERANCE } from "./compare/compare-any.js";
export { readFixture, decodeFixture } from "./fixtures/msgpack.js";
export { readManifest, parseManifest, verifyManifest, sha256File, DEFAULT_FIXTURES_DIR } from "./fixtures/manifest.js";
export type { ManifestVerification, ListedFile } from "./fixtures/manifest.js";
export { expectedStateDictShapes } from "./fixtures/validate-shapes.js";
export * as fixtureLimits from "./fixtures/limits.js";
export {
  FIXTURE_FORMAT,
  FIXTURE_VERSIONS,
  MANIFEST_FORMAT,
  MANIFEST_VERSIONS,
  OUTPUT_NAMES,
  fixtureOutputNames,
  onnxOutputNames,
} from "./fixtures/types.js";
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
} from "./fixtures/types.js";
export { runOnnxRuntime, runOnnxModel, runOnnxForFixture } from "./oracles/onnxruntime.js";
export type { OnnxRunOptions } from "./oracles/onnxruntime.js";
export { readOnnxStateDict, onnxStateDict, expectedParameters } from "./fixtures/onnx-weights.js";
export type { OnnxStateDictOptions } from "./fixtures/onnx-weights.js";
export { inspectOnnx, summarizeOnnx, formatOnnxSummary } from "./fixtures/onnx-inspect.js";
export type { OnnxSummary, OnnxValueSummary, OnnxInitializerSummary, OnnxRnnNodeSummary } from "./fixtures/onnx-inspect.js";
export { readOnnxModel, decodeOnnxModel, encodeOnnxModel } from "./fixtures/onnx-proto.js";
export type { OnnxModelProto } from "./fixtures/onnx-proto.js";
export { onnxModuleConfig } from "./fixtures/onnx-config.js";
export type { OnnxModuleConfig, OnnxConfigOverrides } from "./fixtures/onnx-config.js";
export { moduleFromOnnx } from "./nn/from-onnx.js";
export type { OnnxModule } from "./nn/from-onnx.js";
export { runCheck } from "./report/run-check.js";
export type { CheckOptions } from "./report/run-check.js";
export { resolveInputs } from "./report/inputs.js";
export type { CaseSource } from "./report/inputs.js";
export { renderPretty } from "./report/pretty.js";
export type { PrettyOptions } from "./report/pretty.js";
export { renderJson, JSON_SCHEMA, JSON_VERSION } from "./report/json.js";
export { renderJunit } from "./report/junit.js";
export type {
  CheckResult,
  CheckSummary,
  ComparisonRow,
  OracleName,
  RequestedOracle,
  SkippedOracle,
} from "./report/model.js";
