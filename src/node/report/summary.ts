import type { CaseError, CheckSummary, ComparisonRow, ExpectationsReport, OracleCounts, OracleName, SkippedOracle } from "./model.js";

/**
 * The run's verdict, as every report and the exit status state it: nothing failed unexpectedly, no
 * expected failure passed, no expectations entry is stale, and something was compared.
 */
export function runPassed(s: CheckSummary): boolean {
  return s.failed === 0 && s.unexpectedPasses === 0 && s.staleExpectations === 0 && s.errors === 0 && s.comparisons > 0;
}

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
  expectations: ExpectationsReport | null = null,
  errors: readonly CaseError[] = [],
): CheckSummary {
  const byOracle: Partial<Record<OracleName, OracleCounts>> = {};
  const worstHeadroom: CheckSummary["worstHeadroom"] = {};
  const failedCases = new Set<string>();
  const total: OracleCounts = { comparisons: 0, passed: 0, failed: 0, expectedFailures: 0, unexpectedPasses: 0 };
  for (const r of rows) {
    const counts = (byOracle[r.oracle] ??= { comparisons: 0, passed: 0, failed: 0, expectedFailures: 0, unexpectedPasses: 0 });
    const key = ({ passed: "passed", failed: "failed", xfail: "expectedFailures", xpass: "unexpectedPasses" } as const)[r.status];
    for (const c of [counts, total]) {
      c.comparisons++;
      c[key]++;
    }
    if (r.status === "failed" || r.status === "xpass") failedCases.add(`${r.file}\0${r.case}`);
    const worst = worstHeadroom[r.dtype];
    if (!worst || worse(r.headroom, worst.headroom)) {
      worstHeadroom[r.dtype] = { headroom: r.headroom, case: r.case, oracle: r.oracle, tensor: r.tensor };
    }
  }
  return {
    cases,
    comparisons: rows.length,
    passed: total.passed,
    failed: total.failed,
    expectedFailures: total.expectedFailures,
    unexpectedPasses: total.unexpectedPasses,
    staleExpectations: expectations?.entries.filter((e) => e.verdict === "stale").length ?? 0,
    errors: errors.filter((e) => e.status === "error").length,
    expectedErrors: errors.filter((e) => e.status === "xfail").length,
    failedCases: failedCases.size,
    byOracle,
    worstHeadroom,
    skipped: skipped.length,
    stoppedEarly: notRun > 0,
    notRun,
    unsupported,
  };
}

function plural(n: number, noun: string, nouns = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : nouns}`;
}

/** "40 passed, 0 failed, 10 expected failures, 1 unexpected pass": the counts every report states. */
export function statusCounts(s: CheckSummary): string {
  const parts = [`${s.passed} passed`, `${s.failed} failed`];
  if (s.expectedFailures) parts.push(plural(s.expectedFailures, "expected failure"));
  if (s.unexpectedPasses) parts.push(plural(s.unexpectedPasses, "unexpected pass", "unexpected passes"));
  if (s.staleExpectations) parts.push(plural(s.staleExpectations, "stale expectation"));
  if (s.errors) parts.push(plural(s.errors, "case error"));
  if (s.expectedErrors) parts.push(plural(s.expectedErrors, "expected case error"));
  return parts.join(", ");
}
