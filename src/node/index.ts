/** The Node harness: files, onnxruntime-node, the check run and its reporters. */
export { readFixture } from "./readers/fixture-file.js";
export { readManifest, parseManifest, verifyManifest, sha256File, DEFAULT_FIXTURES_DIR } from "./readers/manifest.js";
export type { ManifestVerification, ListedFile } from "./readers/manifest.js";
export { runOnnxRuntime, runOnnxModel, runOnnxForFixture } from "./oracles/onnxruntime.js";
export type { OnnxRunOptions } from "./oracles/onnxruntime.js";
export { readOnnxStateDict } from "./readers/onnx-file.js";
export { inspectOnnx } from "./readers/onnx-file.js";
export { readOnnxModel } from "./readers/onnx-file.js";
export { moduleFromOnnx } from "./readers/onnx-file.js";
export { runCheck } from "./report/run-check.js";
export type { CheckOptions } from "./report/run-check.js";
export { resolveInputs } from "./report/inputs.js";
export type { CaseSource } from "./report/inputs.js";
export { renderPretty } from "./report/pretty.js";
export type { PrettyOptions } from "./report/pretty.js";
export { renderJson, JSON_SCHEMA, JSON_VERSION } from "./report/json.js";
export { renderJunit } from "./report/junit.js";
export { readExpectations, parseExpectations, MAX_EXPECTATIONS_BYTES } from "./expectations/file.js";
export type { Expectations, ExpectedFailure, ExpectedOracle } from "./expectations/file.js";
export type {
  AppliedExpectation,
  ComparisonStatus,
  ExpectationOutcome,
  ExpectationsReport,
  ExpectationVerdict,
  CheckResult,
  CheckSummary,
  ComparisonRow,
  OracleName,
  RequestedOracle,
  SkippedOracle,
} from "./report/model.js";
export { loadOnnxRuntime, MissingDependencyError, ORT_INSTALL_COMMAND } from "./oracles/ort-loader.js";
export { loadSafetensorsFile } from "./readers/safetensors-file.js";
