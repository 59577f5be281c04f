import type { CheckSummary, ComparisonRow, OracleCounts, OracleName, SkippedOracle } from "./model.js";

/** "name version" of the implementation under test, as every report names it. */
export function implementationLabel(impl: { name: string; version?: string }): string {
  return impl.version === undefined ? impl.name : `${impl.name} ${impl.version}`;
}

/**
 * "NAME VERSION: " when another implementation is under test; "" for our own layers, which the
 * reports' "rnn-parity VERSION check" already names (and which keeps their headers short).
 */
export function implementationPrefix(result: { implementation: { name: string; version?: string } }): string {
  return result.implementation.name === "rnn-parity" ? "" : `${implementationLabel(result.implementation)}: `;
}

/** Lower headroom is worse; NaN (never produced by compareTensors, but defensively) counts as worst. */
function worse(a: number, b: number): boolean {
  if (Number.isNaN(a)) return !Number.isNaN(b);
  return a < b;
}

export function summarize(
  rows: readonly ComparisonRow[],
  skipped: readonly SkippedOracle[],
  cases: number,
  notRun: number,
  unsupported = 0,
): CheckSummary {
  const byOracle: Partial<Record<OracleName, OracleCounts>> = {};
  const worstHeadroom: CheckSummary["worstHeadroom"] = {};
  const failedCases = new Set<string>();
  let passed = 0;
  for (const r of rows) {
    const counts = (byOracle[r.oracle] ??= { comparisons: 0, passed: 0, failed: 0 });
    counts.comparisons++;
    if (r.passed) {
      counts.passed++;
      passed++;
    } else {
      counts.failed++;
      failedCases.add(`${r.file}\0${r.case}`);
    }
    const worst = worstHeadroom[r.dtype];
    if (!worst || worse(r.headroom, worst.headroom)) {
      worstHeadroom[r.dtype] = { headroom: r.headroom, case: r.case, oracle: r.oracle, tensor: r.tensor };
    }
  }
  return {
    cases,
    comparisons: rows.length,
    passed,
    failed: rows.length - passed,
    failedCases: failedCases.size,
    byOracle,
    worstHeadroom,
    skipped: skipped.length,
    stoppedEarly: notRun > 0,
    notRun,
    unsupported,
  };
}
