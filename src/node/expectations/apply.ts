/**
 * An expectations file applied to a run's comparisons (docs/adapters.md, "Expected failures").
 *
 * The unit an entry speaks of is a case against one oracle: an entry without `tensor` says "this
 * case fails against this oracle" (its failing tensors become `xfail`, tensors that still pass stay
 * passes: a packed case's batch sizes pass even when its output is wrong); with `tensor` it speaks
 * of that tensor alone. When nothing an entry matched in a case and oracle failed, every matched
 * tensor there is an unexpected pass (`xpass`), which fails the run: the list must stay true.
 * Rows match the first entry, in file order, whose case glob, oracle and tensor fit them;
 * onnxruntime-vs-torch rows check the oracle, not the implementation, and match no entry.
 */
import { globToRegExp } from "../cli/filter.js";
import type { CaseError, ComparisonRow, ExpectationOutcome, ExpectationsReport, RequestedOracle } from "../report/model.js";
import type { ExpectedFailure, Expectations } from "./file.js";

interface Tally {
  entry: ExpectedFailure;
  pattern: RegExp;
  expectedFailures: number;
  unexpectedPasses: number;
  expectedErrors: number;
}

export interface ExpectationRun {
  /** Sets status (and expectation) on one case's rows, in place. */
  applyToCase(rows: readonly ComparisonRow[]): void;
  /**
   * Sets an errored case's status: `xfail` when an entry's case glob matches it and its oracle (if
   * any) was asked for; its tensor does not matter, since the case produced none.
   */
  applyToError(error: CaseError, oracles: readonly RequestedOracle[]): void;
  /** What became of every entry, once the run is over. */
  report(scope: RunScope): ExpectationsReport;
}

/** How much of the inputs the run compared, which decides whether an unmatched entry is stale. */
export interface RunScope {
  /** Every case name of the inputs, before --filter. */
  caseNames: readonly string[];
  oracles: readonly RequestedOracle[];
  filtered: boolean;
  stoppedEarly: boolean;
}

/** Whether entry `e` (its case glob compiled to `pattern`) covers the comparison `r`; never onnxruntime-vs-torch. */
export function fits(e: ExpectedFailure, pattern: RegExp, r: Pick<ComparisonRow, "oracle" | "tensor" | "case">): boolean {
  if (r.oracle === "onnxruntime-vs-torch") return false;
  return (e.oracle === undefined || e.oracle === r.oracle) && (e.tensor === undefined || e.tensor === r.tensor) && pattern.test(r.case);
}

/** Rows without an expectation are `passed` or `failed` as compared. */
export function plainStatus(rows: readonly ComparisonRow[]): void {
  for (const r of rows) r.status = r.passed ? "passed" : "failed";
}

export function startExpectations(expectations: Expectations): ExpectationRun {
  const tallies: Tally[] = expectations.expectedFailures.map((entry) => ({
    entry,
    pattern: globToRegExp(entry.case),
    expectedFailures: 0,
    unexpectedPasses: 0,
    expectedErrors: 0,
  }));
  return {
    applyToCase(rows) {
      plainStatus(rows);
      const targets = new Map<string, { index: number; rows: ComparisonRow[] }>();
      for (const r of rows) {
        const index = tallies.findIndex((t) => fits(t.entry, t.pattern, r));
        if (index < 0) continue;
        const key = `${index}\0${r.oracle}`;
        const target = targets.get(key) ?? { index, rows: [] };
        target.rows.push(r);
        targets.set(key, target);
      }
      for (const { index, rows: matched } of targets.values()) {
        const tally = tallies[index] as Tally;
        const e = tally.entry;
        const expectation = { entry: index, reason: e.reason, ...(e.link === undefined ? {} : { link: e.link }) };
        const anyFailed = matched.some((r) => !r.passed);
        for (const r of matched) {
          if (anyFailed && r.passed) continue;
          r.status = anyFailed ? "xfail" : "xpass";
          r.expectation = expectation;
          if (anyFailed) tally.expectedFailures++;
          else tally.unexpectedPasses++;
        }
      }
    },
    applyToError(error, oracles) {
      const index = tallies.findIndex((t) => t.pattern.test(error.case) && (t.entry.oracle === undefined || oracles.includes(t.entry.oracle)));
      const tally = tallies[index];
      if (tally === undefined) return;
      const e = tally.entry;
      error.status = "xfail";
      error.expectation = { entry: index, reason: e.reason, ...(e.link === undefined ? {} : { link: e.link }) };
      tally.expectedErrors++;
    },
    report(scope) {
      const entries = tallies.map((t, entry): ExpectationOutcome => {
        const e = t.entry;
        let verdict: ExpectationOutcome["verdict"];
        if (t.unexpectedPasses > 0) verdict = "xpass";
        else if (t.expectedFailures > 0 || t.expectedErrors > 0) verdict = "held";
        else {
          const narrowed = scope.filtered || scope.stoppedEarly || (e.oracle !== undefined && !scope.oracles.includes(e.oracle));
          verdict = narrowed && scope.caseNames.some((n) => t.pattern.test(n)) ? "not exercised" : "stale";
        }
        return {
          entry,
          case: e.case,
          ...(e.tensor === undefined ? {} : { tensor: e.tensor }),
          ...(e.oracle === undefined ? {} : { oracle: e.oracle }),
          reason: e.reason,
          ...(e.link === undefined ? {} : { link: e.link }),
          verdict,
          expectedFailures: t.expectedFailures,
          unexpectedPasses: t.unexpectedPasses,
          expectedErrors: t.expectedErrors,
        };
      });
      return { file: expectations.file, implementation: expectations.implementation, entries };
    },
  };
}

/** "expectedFailures[3] (case "GRU-*", tensor h_n, oracle torch)": how every report names an entry. */
export function entryLabel(e: Pick<ExpectationOutcome, "entry" | "case" | "tensor" | "oracle">): string {
  const parts = [`case ${JSON.stringify(e.case)}`];
  if (e.tensor !== undefined) parts.push(`tensor ${e.tensor}`);
  if (e.oracle !== undefined) parts.push(`oracle ${e.oracle}`);
  return `expectedFailures[${e.entry}] (${parts.join(", ")})`;
}
