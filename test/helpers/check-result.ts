/**
 * A small hand-built CheckResult for the reporters' formatting tests. These numbers describe a
 * report, not a parity claim: nothing here is ever compared with a module's output.
 */
import type { CheckResult, ComparisonRow, SkippedOracle } from "../../src/node/report/model.js";
import { summarize } from "../../src/node/report/summary.js";

const rnnConfig = {
  input_size: 4,
  hidden_size: 6,
  num_layers: 2,
  nonlinearity: "tanh" as const,
  bias: true,
  batch_first: false,
  dropout: 0,
  bidirectional: true,
};
const cellConfig = { input_size: 3, hidden_size: 5, bias: true, nonlinearity: "relu" as const };

export function row(over: Partial<ComparisonRow>): ComparisonRow {
  return {
    case: "RNN-tanh-bidir-L2-float32",
    file: "fixtures/float32/RNN-tanh-bidir-L2-float32.msgpack",
    module: "RNN",
    config: rnnConfig,
    dtype: "float32",
    oracle: "torch",
    tensor: "output",
    shape: [5, 3, 12],
    maxAbsDiff: 2.384185791015625e-7,
    maxRelDiff: 1.1920928955078125e-7,
    worstIndex: [4, 2, 11],
    mismatched: 0,
    total: 180,
    rtol: 1.3e-6,
    atol: 1e-5,
    passed: true,
    headroom: 0.9762,
    message: "",
    durationMs: 1.25,
    ...over,
    tensorDtype: over.tensorDtype ?? over.dtype ?? "float32",
    status: over.status ?? (over.passed === false ? "failed" : "passed"),
  };
}

/** The failing case's message carries characters every format must escape, and a control char. */
export const FAILING_CASE = "RNNCell-relu-<bias>&\"quoted\"-float64";
export const FAILING_MESSAGE = [
  "Tensor-likes are not close!",
  "",
  "Mismatched elements: 1 / 20 (5.0%)",
  "Greatest absolute difference: 0.001 at index (2, 3) (up to 1e-07 allowed)",
  "Greatest relative difference: 0.0025 at index (2, 3) (up to 1e-07 allowed)",
  "",
  "The failure occurred for item ['h_prime'] <&> \u0001",
].join("\n");

export function syntheticResult(): CheckResult {
  const comparisons: ComparisonRow[] = [
    row({}),
    row({ tensor: "h_n", shape: [4, 3, 6], total: 72, worstIndex: [3, 0, 5], headroom: 0.9881 }),
    row({ oracle: "onnxruntime", maxAbsDiff: 0, maxRelDiff: 0, headroom: 1, worstIndex: [0, 0, 0] }),
    row({ oracle: "onnxruntime", tensor: "h_n", shape: [4, 3, 6], total: 72, maxAbsDiff: 0, maxRelDiff: 0, headroom: 1 }),
    row({ oracle: "onnxruntime-vs-torch", headroom: 0.97 }),
    row({ oracle: "onnxruntime-vs-torch", tensor: "h_n", shape: [4, 3, 6], total: 72, headroom: 0.99 }),
    row({
      case: FAILING_CASE,
      file: "fixtures/float64/x.msgpack",
      module: "RNNCell",
      config: cellConfig,
      dtype: "float64",
      tensor: "h_prime",
      shape: [4, 5],
      total: 20,
      mismatched: 1,
      maxAbsDiff: 0.001,
      maxRelDiff: 0.0025,
      worstIndex: [2, 3],
      rtol: 1e-7,
      atol: 1e-7,
      passed: false,
      headroom: 1 - 0.001 / (1e-7 + 1e-7 * 0.4),
      message: FAILING_MESSAGE,
    }),
    row({
      case: "RNNCell-relu-nan-float64",
      file: "fixtures/float64/nan.msgpack",
      module: "RNNCell",
      config: cellConfig,
      dtype: "float64",
      tensor: "h_prime",
      shape: [4, 5],
      total: 20,
      mismatched: 20,
      maxAbsDiff: NaN,
      maxRelDiff: Infinity,
      worstIndex: [],
      rtol: 1e-7,
      atol: 1e-7,
      passed: false,
      headroom: -Infinity,
      message: "The values for attribute 'shape' do not match: torch.Size([4, 6]) != torch.Size([4, 5]).",
    }),
  ];
  const skipped: SkippedOracle[] = [
    {
      case: FAILING_CASE,
      file: "fixtures/float64/x.msgpack",
      module: "RNNCell",
      dtype: "float64",
      oracle: "onnxruntime",
      reason: "no ONNX model for this case",
    },
  ];
  return {
    startedAt: "2025-01-01T00:00:00.000Z",
    durationMs: 12.5,
    toolVersion: "0.1.0",
    implementation: { name: "rnn-parity", version: "0.1.0" },
    oracles: ["torch", "onnxruntime"],
    defaults: { float32: { rtol: 1.3e-6, atol: 1e-5 }, float64: { rtol: 1e-7, atol: 1e-7 } },
    overrides: {},
    filters: [],
    failFast: false,
    summary: summarize(comparisons, skipped, 3, 0),
    comparisons,
    skipped,
    unsupported: [],
    errors: [],
    expectations: null,
  };
}
