/**
 * The human report: a header with the tolerances, a table per module (one row per case, oracle and
 * compared tensor), the assert_close message of every failure, and a summary line.
 */
import Table from "cli-table3";
import picocolors from "picocolors";
import type { DType } from "../tensor/dtype.js";
import { formatShape } from "../tensor/tensor.js";
import { describeWorst, formatDiff, formatHeadroom, formatTol, printable, toleranceHeader } from "./format.js";
import type { CheckResult, ComparisonRow, OracleName } from "./model.js";
import { ORACLE_NAMES } from "./model.js";

export interface PrettyOptions {
  /** ANSI colours; the CLI turns them on only for a TTY without NO_COLOR. */
  color: boolean;
}

type Colors = ReturnType<typeof picocolors.createColors>;

function groupByModule(rows: readonly ComparisonRow[]): Map<string, ComparisonRow[]> {
  const groups = new Map<string, ComparisonRow[]>();
  for (const r of rows) {
    const list = groups.get(r.module) ?? [];
    list.push(r);
    groups.set(r.module, list);
  }
  return groups;
}

function moduleTable(rows: readonly ComparisonRow[], c: Colors): string {
  const table = new Table({
    head: ["case", "oracle", "tensor", "dtype", "max abs diff", "max rel diff", "mismatched", "rtol / atol", "headroom", "result"],
    colAligns: ["left", "left", "left", "left", "right", "right", "right", "right", "right", "left"],
    // cli-table3 colours the head and borders itself; colour is our decision, made once.
    style: { head: [], border: [], compact: true },
  });
  let previousCase = "";
  for (const r of rows) {
    const label = r.case === previousCase ? "" : printable(r.case);
    previousCase = r.case;
    table.push([
      label,
      r.oracle,
      `${r.tensor} ${formatShape(r.shape)}`,
      r.dtype,
      formatDiff(r.maxAbsDiff),
      formatDiff(r.maxRelDiff),
      `${r.mismatched}/${r.total}`,
      `${formatTol(r.rtol)} / ${formatTol(r.atol)}`,
      formatHeadroom(r.headroom),
      r.passed ? c.green("PASS") : c.bold(c.red("FAIL")),
    ]);
  }
  return table.toString();
}

function oracleCounts(result: CheckResult): string {
  const parts: string[] = [];
  for (const name of ORACLE_NAMES) {
    const n = result.summary.byOracle[name as OracleName];
    if (n) parts.push(`${name} ${n.passed}/${n.comparisons}`);
  }
  return parts.join(", ");
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

function summaryLines(result: CheckResult, c: Colors): string[] {
  const s = result.summary;
  const verdict = s.failed === 0 && s.comparisons > 0 ? c.green(c.bold("PASSED")) : c.red(c.bold("FAILED"));
  const counts = `${plural(s.cases, "case")}, ${plural(s.comparisons, "comparison")}: ${c.green(`${s.passed} passed`)}, ${
    s.failed ? c.red(`${s.failed} failed`) : "0 failed"
  }${s.failedCases ? ` (${plural(s.failedCases, "case")})` : ""}`;
  const lines = [`${verdict} ${counts}; by oracle (passed/compared): ${oracleCounts(result) || "none"}`];
  const worst = (["float32", "float64"] as DType[])
    .map((d) => {
      const w = s.worstHeadroom[d];
      return w ? `${d} ${describeWorst(w)}` : "";
    })
    .filter(Boolean);
  if (worst.length) lines.push(`worst headroom: ${worst.join("; ")}`);
  if (s.skipped) lines.push(c.yellow(`skipped: onnxruntime for ${plural(s.skipped, "case")} without an ONNX model`));
  if (s.stoppedEarly) lines.push(c.yellow(`--fail-fast: stopped after the first failing case; ${plural(s.notRun, "case")} not run`));
  return lines;
}

export function renderPretty(result: CheckResult, options: PrettyOptions): string {
  const c = picocolors.createColors(options.color);
  const out: string[] = [
    c.bold(`rnn-parity ${result.toolVersion} check`),
    `oracles: ${result.oracles.join(", ")}${result.filters.length ? `; filter: ${result.filters.join(" | ")}` : ""}`,
    result.overrides.rtol !== undefined || result.overrides.atol !== undefined ? c.yellow(toleranceHeader(result)) : toleranceHeader(result),
    "",
  ];
  for (const [module, rows] of groupByModule(result.comparisons)) {
    out.push(c.bold(module), moduleTable(rows, c), "");
  }
  const failures = result.comparisons.filter((r) => !r.passed);
  if (failures.length) {
    out.push(c.bold(c.red("Failures")));
    for (const r of failures) {
      out.push(c.red(`✗ ${printable(r.case)} · ${r.oracle} · ${r.tensor}`));
      out.push(...r.message.split("\n").map((line) => `  ${line}`), "");
    }
  }
  out.push(...summaryLines(result, c));
  return `${out.join("\n")}\n`;
}
