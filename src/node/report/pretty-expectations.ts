/**
 * The pretty report's expectations sections: unexpected passes and stale entries (they fail the
 * run, shown in full), then the expected failures (one line per entry; per case and oracle with
 * --verbose), then entries a narrowed run did not exercise.
 */
import { entryLabel } from "../expectations/apply.js";
import { plural, printable } from "./format.js";
import type { CheckResult, ComparisonRow, ExpectationOutcome } from "./model.js";
import type { Colors } from "./pretty-table.js";

/** The rows an entry applied to, as "case · oracle: tensor, tensor" lines. */
function targets(rows: readonly ComparisonRow[]): string[] {
  const byTarget = new Map<string, string[]>();
  for (const r of rows) {
    const key = `${printable(r.case)} · ${r.oracle}`;
    byTarget.set(key, [...(byTarget.get(key) ?? []), r.tensor]);
  }
  return [...byTarget].map(([k, tensors]) => `${k}: ${tensors.join(", ")}`);
}

function why(e: ExpectationOutcome): string {
  return `${printable(e.reason)}${e.link === undefined ? "" : ` (${printable(e.link)})`}`;
}

export function expectationLines(result: CheckResult, c: Colors, verbose: boolean): string[] {
  const report = result.expectations;
  if (report === null) return [];
  const rowsOf = (e: ExpectationOutcome, status: ComparisonRow["status"]) =>
    result.comparisons.filter((r) => r.expectation?.entry === e.entry && r.status === status);
  const label = (e: ExpectationOutcome) => printable(entryLabel(e));
  const out: string[] = [];
  const xpass = report.entries.filter((e) => e.verdict === "xpass");
  if (xpass.length) {
    out.push("", c.bold(c.red(`Unexpected passes (${result.summary.unexpectedPasses})`)));
    for (const e of xpass) {
      out.push(c.red(`✗ ${label(e)} expects a failure, but these passed:`), ...targets(rowsOf(e, "xpass")).map((t) => `  ${t}`));
      out.push(`  reason given: ${why(e)}`, `  remove or narrow the entry in ${printable(report.file)}`, "");
    }
  }
  const stale = report.entries.filter((e) => e.verdict === "stale");
  if (stale.length) {
    out.push("", c.bold(c.red(`Stale expectations (${stale.length})`)));
    for (const e of stale) out.push(c.red(`✗ ${label(e)}: matches no comparison of this run`));
    out.push(`  remove or fix them in ${printable(report.file)}`);
  }
  const held = report.entries.filter((e) => e.expectedFailures > 0 || e.expectedErrors > 0);
  if (held.length) {
    const s = result.summary;
    out.push("", c.bold(c.yellow(`Expected failures (${s.expectedFailures}${s.expectedErrors ? ` and ${plural(s.expectedErrors, "case error")}` : ""})`)));
    for (const e of held) {
      const rows = rowsOf(e, "xfail");
      const errors = result.errors.filter((x) => x.expectation?.entry === e.entry);
      const cases = new Set([...rows, ...errors].map((r) => `${r.file}\0${r.case}`)).size;
      const what = [...(e.expectedFailures ? [plural(e.expectedFailures, "comparison")] : []), ...(e.expectedErrors ? [plural(e.expectedErrors, "case error")] : [])].join(" and ");
      out.push(c.yellow(`~ ${label(e)}: ${what} in ${plural(cases, "case")} failed as expected: ${why(e)}`));
      if (verbose) out.push(...targets(rows).map((t) => `  ${t}`), ...errors.map((x) => `  ${printable(x.case)}: ${printable(x.message)}`));
    }
  }
  const idle = report.entries.filter((e) => e.verdict === "not exercised");
  if (idle.length) out.push(c.yellow(`not exercised by this narrowed run: ${idle.map((e) => `expectedFailures[${e.entry}]`).join(", ")}`));
  return out;
}
