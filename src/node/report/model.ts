/**
 * The result of a conformance run, independent of how it is shown: run-check.ts builds it, the
 * reporters (pretty, json, junit) are pure functions of it.
 */
import type { Tolerance } from "../../core/compare/assert-close.js";
import type { ModuleName, TorchConfig } from "../../core/format/types.js";
import type { DType } from "../../core/tensor/dtype.js";
import type { ErrorOverTime } from "./over-time.js";

/**
 * What a comparison measured against what:
 * - `torch`: our TypeScript output vs the PyTorch reference stored in the fixture;
 * - `onnxruntime`: our TypeScript output vs onnxruntime running the case's .onnx model;
 * - `onnxruntime-vs-torch`: onnxruntime's output vs the PyTorch reference (checks the second oracle
 *   itself; reported whenever both oracles ran).
 */
export type OracleName = "torch" | "onnxruntime" | "onnxruntime-vs-torch";
export const ORACLE_NAMES: readonly OracleName[] = ["torch", "onnxruntime", "onnxruntime-vs-torch"];

/** The oracles a user can ask for with --oracle; the cross check follows from asking for both. */
export type RequestedOracle = "torch" | "onnxruntime";

export interface ComparisonRow {
  case: string;
  /** The fixture file the case was read from, as given or found (relative paths stay relative). */
  file: string;
  module: ModuleName;
  config: TorchConfig;
  dtype: DType;
  oracle: OracleName;
  /**
   * The compared output, named as in the fixture: `output`, `h_n`, `c_n`, `h_prime`, `h1`, `c1`, and
   * for packed cases `output_data`, `batch_sizes`, `sorted_indices`, `unsorted_indices`, `output_lengths`.
   */
  tensor: string;
  shape: number[];
  /** The compared tensor's dtype: the case's, or int64 for a packed case's lengths, batch sizes and indices. */
  tensorDtype: DType | "int64";
  maxAbsDiff: number;
  maxRelDiff: number;
  worstIndex: number[];
  mismatched: number;
  total: number;
  rtol: number;
  atol: number;
  passed: boolean;
  /** 1 - max |a-e| / (atol + rtol*|e|): 1 identical, (0, 1] passing, <= 0 failing. */
  headroom: number;
  /** assert_close's mismatch message; "" when passed. */
  message: string;
  /** Wall time to compute this oracle's outputs for the case (shared by its tensors), in ms. */
  durationMs: number;
  /** A sequence module's `output`: error per time step and direction. */
  overTime?: ErrorOverTime;
}

/** An oracle that did not run for a case (onnxruntime where a case has no model, with the default --oracle). */
export interface SkippedOracle {
  case: string;
  file: string;
  module: ModuleName;
  dtype: DType;
  oracle: RequestedOracle;
  reason: string;
}

/** A case the adapter's supports() declined: counted and shown, never a pass. */
export interface UnsupportedCase {
  case: string;
  file: string;
  module: ModuleName;
  dtype: DType;
  reason: string;
}

export interface OracleCounts {
  comparisons: number;
  passed: number;
  failed: number;
}

export interface WorstHeadroom {
  headroom: number;
  case: string;
  oracle: OracleName;
  tensor: string;
}

export interface CheckSummary {
  /** Cases run (a case is one fixture file). */
  cases: number;
  comparisons: number;
  passed: number;
  failed: number;
  /** Cases that failed at least one comparison. */
  failedCases: number;
  byOracle: Partial<Record<OracleName, OracleCounts>>;
  /** Per dtype, the comparison that came closest to (or went furthest past) its tolerance. */
  worstHeadroom: Partial<Record<DType, WorstHeadroom>>;
  /** Oracles that did not run for a case; see CheckResult.skipped. */
  skipped: number;
  /** True when --fail-fast stopped the run before every selected case ran. */
  stoppedEarly: boolean;
  /** Selected cases that did not run because of --fail-fast. */
  notRun: number;
  /** Cases the implementation declared unsupported; see CheckResult.unsupported. */
  unsupported: number;
}

export interface CheckResult {
  /** ISO 8601 start time of the run. */
  startedAt: string;
  durationMs: number;
  /** rnn-parity's version. */
  toolVersion: string;
  /** The implementation under test: an adapter's name and version (rnn-parity's own layers by default). */
  implementation: { name: string; version?: string };
  oracles: RequestedOracle[];
  /** torch.testing.assert_close's defaults per dtype, used wherever no override is given. */
  defaults: Record<DType, Tolerance>;
  /** --rtol / --atol as given; absent keys mean the dtype default applies. */
  overrides: Partial<Tolerance>;
  /** --filter patterns as given (a case runs when any matches); empty means every case. */
  filters: string[];
  failFast: boolean;
  summary: CheckSummary;
  comparisons: ComparisonRow[];
  skipped: SkippedOracle[];
  unsupported: UnsupportedCase[];
}
