/**
 * The machine report, schema "rnn-parity-check" version 3 (docs/report-json.md). JSON has no NaN or
 * infinities, so a non-finite number is written as the string "NaN", "Infinity" or "-Infinity".
 */
import type { CheckResult, ComparisonRow } from "./model.js";
import { runPassed } from "./summary.js";

export const JSON_SCHEMA = "rnn-parity-check";
export const JSON_VERSION = 3;

export type JsonNumber = number | "NaN" | "Infinity" | "-Infinity";

export function jsonNumber(x: number): JsonNumber {
  if (Number.isFinite(x)) return x;
  if (Number.isNaN(x)) return "NaN";
  return x > 0 ? "Infinity" : "-Infinity";
}

function comparison(r: ComparisonRow): Record<string, unknown> {
  return {
    case: r.case,
    file: r.file,
    module: r.module,
    config: r.config,
    dtype: r.dtype,
    oracle: r.oracle,
    tensor: r.tensor,
    shape: r.shape,
    tensorDtype: r.tensorDtype,
    maxAbsDiff: jsonNumber(r.maxAbsDiff),
    maxRelDiff: jsonNumber(r.maxRelDiff),
    worstIndex: r.worstIndex,
    mismatched: r.mismatched,
    total: r.total,
    rtol: r.rtol,
    atol: r.atol,
    passed: r.passed,
    status: r.status,
    expectation: r.expectation ?? null,
    headroom: jsonNumber(r.headroom),
    message: r.message,
    durationMs: Math.round(r.durationMs * 1000) / 1000,
    overTime: r.overTime
      ? {
          directions: r.overTime.directions,
          maxAbsDiff: r.overTime.maxAbsDiff.map((d) => d.map(jsonNumber)),
          headroom: r.overTime.headroom.map((d) => d.map(jsonNumber)),
        }
      : null,
  };
}

/** The report as a JSON-ready object (the HTML report embeds the same document). */
export function jsonDocument(result: CheckResult): Record<string, unknown> {
  const s = result.summary;
  const worstHeadroom: Record<string, unknown> = {};
  for (const [dtype, w] of Object.entries(s.worstHeadroom)) worstHeadroom[dtype] = { ...w, headroom: jsonNumber(w.headroom) };
  const doc = {
    schema: JSON_SCHEMA,
    version: JSON_VERSION,
    tool: { name: "rnn-parity", version: result.toolVersion },
    implementation: result.implementation,
    startedAt: result.startedAt,
    durationMs: Math.round(result.durationMs),
    oracles: result.oracles,
    tolerances: { defaults: result.defaults, overrides: result.overrides },
    filters: result.filters,
    failFast: result.failFast,
    summary: {
      ok: runPassed(s),
      cases: s.cases,
      comparisons: s.comparisons,
      passed: s.passed,
      failed: s.failed,
      expectedFailures: s.expectedFailures,
      unexpectedPasses: s.unexpectedPasses,
      staleExpectations: s.staleExpectations,
      errors: s.errors,
      expectedErrors: s.expectedErrors,
      failedCases: s.failedCases,
      byOracle: s.byOracle,
      worstHeadroom,
      skipped: s.skipped,
      stoppedEarly: s.stoppedEarly,
      notRun: s.notRun,
      unsupported: s.unsupported,
    },
    comparisons: result.comparisons.map(comparison),
    skipped: result.skipped,
    unsupported: result.unsupported,
    errors: result.errors.map((e) => ({ ...e, expectation: e.expectation ?? null })),
    expectations: result.expectations,
  };
  return doc;
}

export function renderJson(result: CheckResult): string {
  return `${JSON.stringify(jsonDocument(result), null, 2)}\n`;
}
