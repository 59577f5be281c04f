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
  /**
   * What the comparison means for the run: `passed` and `failed` as compared; with an expectations
   * file, `xfail` (failed as an entry expects: does not fail the run) and `xpass` (an entry expected
   * a failure of its case and oracle, and every matched tensor passed: fails the run).
   */
  status: ComparisonStatus;
  /** The expectations entry that applies, for `xfail` and `xpass` rows. */
  expectation?: AppliedExpectation;
}

export type ComparisonStatus = "passed" | "failed" | "xfail" | "xpass";

export interface AppliedExpectation {
  /** Its index in the file's expectedFailures. */
  entry: number;
  reason: string;
  link?: string;
}

/**
 * What became of one expectations entry: `held` (it matched comparisons and they failed), `xpass`
 * (a case and oracle it matched passed), `stale` (it matches no comparison the run made, and the
 * run was not narrowed; or its case glob matches no case at all), `not exercised` (the run was
 * narrowed by --filter, --oracle or --fail-fast, so its cases were not compared; not a failure).
 */
export type ExpectationVerdict = "held" | "xpass" | "stale" | "not exercised";

export interface ExpectationOutcome {
  entry: number;
  case: string;
  tensor?: string;
  oracle?: RequestedOracle;
  reason: string;
  link?: string;
  verdict: ExpectationVerdict;
  /** Comparisons it turned into expected failures. */
  expectedFailures: number;
  /** Comparisons it expected to fail that passed. */
  unexpectedPasses: number;
  /** Cases whose implementation errored that it expected to fail. */
  expectedErrors: number;
}

export interface ExpectationsReport {
  file: string;
  implementation: string;
  entries: ExpectationOutcome[];
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

/**
 * A case an outside implementation could not run: create(), loadStateDict(), forward() or
 * supports() threw, or forward() returned the wrong structure. It fails the run (exit 1) unless
 * an expectations entry expects the case to fail; the other cases still run.
 */
export interface CaseError {
  case: string;
  file: string;
  module: ModuleName;
  dtype: DType;
  /** One line: "<adapter file>: <call or field>: <adapter name> on <case>: <what>". */
  message: string;
  /** `error`, or `xfail` when an expectations entry expects the case to fail. */
  status: "error" | "xfail";
  expectation?: AppliedExpectation;
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
  /** Failed and not expected to: these fail the run. */
  failed: number;
  /** Failed as an expectations entry says (xfail). */
  expectedFailures: number;
  /** Passed where an entry expected a failure (xpass): these fail the run. */
  unexpectedPasses: number;
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
  /** Status `passed`. */
  passed: number;
  /** Failed and not expected to (status `failed`): these fail the run. */
  failed: number;
  /** Failed as an expectations entry says (status `xfail`). */
  expectedFailures: number;
  /** Expected to fail and passed (status `xpass`). */
  unexpectedPasses: number;
  /** Expectations entries that match nothing they could (verdict `stale`). */
  staleExpectations: number;
  /** Cases an outside implementation could not run (status `error`): these fail the run. */
  errors: number;
  /** Errored cases an expectations entry expects to fail (status `xfail`). */
  expectedErrors: number;
  /** Cases with at least one comparison that fails the run (`failed` or `xpass`). */
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
  /** Cases the implementation under test could not run; see CaseError. */
  errors: CaseError[];
  /** The --expectations file and what became of each entry; null without one. */
  expectations: ExpectationsReport | null;
}
