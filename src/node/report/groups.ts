/**
 * The run folded into one group per module x dtype x oracle: what the default report, the HTML
 * report and the GitHub summary show first. A group's worst comparison is its lowest headroom.
 */
import type { ModuleName } from "../../core/format/types.js";
import type { DType } from "../../core/tensor/dtype.js";
import type { CheckResult, ComparisonRow, OracleName } from "./model.js";
import { ORACLE_NAMES } from "./model.js";

export interface ComparisonGroup {
  module: ModuleName;
  dtype: DType;
  oracle: OracleName;
  /** Distinct cases with at least one comparison in the group. */
  cases: number;
  tensors: number;
  /** Comparisons within tolerance (an unexpected pass included). */
  passed: number;
  /** Failures an expectations entry expected (xfail). */
  expected: number;
  /** Comparisons that fail the run: failed, or passed against an expected failure (xpass). */
  failing: number;
  /** Greatest maxAbsDiff in the group (NaN when any is NaN: a NaN hides every number). */
  worstAbsDiff: number;
  /** The comparison with the lowest headroom. */
  worst: ComparisonRow;
}

/** The report order: cells before their sequence module, in torch's order of introduction. */
export const MODULE_ORDER: readonly ModuleName[] = ["RNNCell", "RNN", "LSTMCell", "LSTM", "GRUCell", "GRU"];

/** Lower headroom is worse; NaN (never produced by compareTensors, but defensively) counts as worst. */
export function worseHeadroom(a: number, b: number): boolean {
  if (Number.isNaN(a)) return !Number.isNaN(b);
  return a < b;
}

function worseAbs(a: number, b: number): boolean {
  if (Number.isNaN(b)) return false;
  return Number.isNaN(a) || a > b;
}

function rank<T>(order: readonly T[], value: T): number {
  const i = order.indexOf(value);
  return i < 0 ? order.length : i;
}

export function groupComparisons(result: Pick<CheckResult, "comparisons">): ComparisonGroup[] {
  const groups = new Map<string, ComparisonGroup & { caseKeys: Set<string> }>();
  for (const r of result.comparisons) {
    const key = `${r.module}\0${r.dtype}\0${r.oracle}`;
    let g = groups.get(key);
    if (!g) {
      g = { module: r.module, dtype: r.dtype, oracle: r.oracle, cases: 0, tensors: 0, passed: 0, expected: 0, failing: 0, worstAbsDiff: r.maxAbsDiff, worst: r, caseKeys: new Set() };
      groups.set(key, g);
    }
    g.caseKeys.add(`${r.file}\0${r.case}`);
    g.tensors++;
    if (r.passed) g.passed++;
    if (r.status === "xfail") g.expected++;
    if (r.status === "failed" || r.status === "xpass") g.failing++;
    if (worseAbs(r.maxAbsDiff, g.worstAbsDiff)) g.worstAbsDiff = r.maxAbsDiff;
    if (worseHeadroom(r.headroom, g.worst.headroom)) g.worst = r;
  }
  const dtypes: DType[] = ["float32", "float64"];
  return [...groups.values()]
    .map(({ caseKeys, ...g }) => ({ ...g, cases: caseKeys.size }))
    .sort(
      (a, b) =>
        rank(MODULE_ORDER, a.module) - rank(MODULE_ORDER, b.module) ||
        rank(dtypes, a.dtype) - rank(dtypes, b.dtype) ||
        rank(ORACLE_NAMES, a.oracle) - rank(ORACLE_NAMES, b.oracle),
    );
}
