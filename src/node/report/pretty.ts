/**
 * The report a person reads (the default): one header line, one row per module x dtype x oracle
 * (cases, tensors passed, worst abs diff, worst headroom and where), every failure in full, and a
 * verdict line. `--verbose` adds the per-comparison tables. At most REPORT_WIDTH columns per line
 * outside the failures' messages and the verbose tables.
 */
import { implementationPrefix, runPassed, statusCounts } from "./summary.js";
import { expectationLines } from "./pretty-expectations.js";
import picocolors from "picocolors";
import { formatShape } from "../../core/tensor/tensor.js";
import { elide, renderColumns, type Column } from "./columns.js";
import { formatDiff, formatHeadroom, formatIndex, plural, printable, toleranceHeader } from "./format.js";
import { groupComparisons, type ComparisonGroup } from "./groups.js";
import type { CaseError, CheckResult, ComparisonRow } from "./model.js";
import { comparisonTables, type Colors } from "./pretty-table.js";

export interface PrettyOptions {
  /** ANSI colours; the CLI turns them on only for a TTY without NO_COLOR. */
  color: boolean;
  /** Also print every comparison (the per-module tables). */
  verbose?: boolean;
}

export const REPORT_WIDTH = 100;

const COLUMNS: Column[] = [
  { head: "module", align: "left" },
  { head: "dtype", align: "left" },
  { head: "oracle", align: "left" },
  { head: "cases", align: "right" },
  { head: "tensors", align: "right" },
  { head: "worst abs", align: "right" },
  { head: "headroom", align: "right" },
  { head: "worst case", align: "left" },
];

/** A case name without what its row already says: the module prefix and the dtype suffix. */
export function shortCaseName(name: string, module: string, dtype: string): string {
  let s = name;
  if (s.startsWith(`${module}-`)) s = s.slice(module.length + 1);
  if (s.endsWith(`-${dtype}`)) s = s.slice(0, -(dtype.length + 1));
  return printable(s);
}

function groupTable(groups: readonly ComparisonGroup[], c: Colors): string[] {
  const cells = groups.map((g) => [
    g.module,
    g.dtype,
    g.oracle,
    String(g.cases),
    `${g.passed}/${g.tensors}${g.expected ? ` (${g.expected} xfail)` : ""}`,
    formatDiff(g.worstAbsDiff),
    formatHeadroom(g.worst.headroom),
    "",
  ]);
  // The case column gets what the others leave of the width; the name is cut in the middle if needed.
  const fixed = COLUMNS.slice(0, -1).map((col, i) => Math.max(col.head.length, ...cells.map((r) => [...(r[i] ?? "")].length)));
  const room = Math.max(12, REPORT_WIDTH - fixed.reduce((a, b) => a + b + 2, 0));
  groups.forEach((g, i) => {
    const row = cells[i] as string[];
    row[7] = elide(shortCaseName(g.worst.case, g.module, g.dtype), room);
  });
  const lines = renderColumns(COLUMNS, cells, [...fixed, room]);
  return lines.map((line, i) => (i > 0 && (groups[i - 1] as ComparisonGroup).failing > 0 ? c.red(line) : line));
}

function failureLines(r: ComparisonRow, c: Colors): string[] {
  const where = r.worstIndex.length ? ` at index ${formatIndex(r.worstIndex)}` : "";
  return [
    c.red(`✗ ${printable(r.case)}`),
    // The counts and greatest differences follow in assert_close's own message.
    `  ${r.oracle} · ${r.tensor} ${formatShape(r.shape)} ${r.tensorDtype}: ${formatHeadroom(r.headroom)}${where}`,
    `  file: ${printable(r.file)}`,
    ...r.message.split("\n").map((line) => (line ? `  ${printable(line)}` : "")),
    "",
  ];
}

function errorLines(e: CaseError, c: Colors): string[] {
  return [c.red(`✗ ${printable(e.case)}`), `  file: ${printable(e.file)}`, `  ${printable(e.message)}`, ""];
}

function overridden(result: CheckResult): boolean {
  return result.overrides.rtol !== undefined || result.overrides.atol !== undefined;
}

function header(result: CheckResult, c: Colors): string[] {
  const title = `${implementationPrefix(result)}rnn-parity ${result.toolVersion} check · oracles ${result.oracles.join(", ")}`;
  const lines = [c.bold(overridden(result) ? title : `${title} · assert_close default tolerances`)];
  if (overridden(result)) lines.push(c.yellow(toleranceHeader(result)));
  if (result.filters.length) lines.push(`filter: ${result.filters.map(printable).join(" | ")}`);
  return lines;
}

function verdict(result: CheckResult, c: Colors): string[] {
  const s = result.summary;
  const ok = runPassed(s);
  // Unsupported cases are in s.cases but compared nothing: the verdict line itself says so, so that
  // "PASSED 608 cases" never stands for 177 compared and 431 declined.
  const compared = s.unsupported ? ` (${s.cases - s.unsupported} compared, ${s.unsupported} unsupported)` : "";
  const counts = `${plural(s.cases, "case")}${compared}, ${plural(s.comparisons, "comparison")}: ${statusCounts(s)}`;
  const lines = [`${ok ? c.green(c.bold("PASSED")) : c.red(c.bold("FAILED"))} ${counts}${s.failedCases ? ` (${plural(s.failedCases, "case")})` : ""}`];
  if (s.skipped) lines.push(c.yellow(`skipped: onnxruntime for ${plural(s.skipped, "case")} without an ONNX model`));
  if (s.unsupported) lines.push(c.yellow(`unsupported by ${result.implementation.name}: ${plural(s.unsupported, "case")} (not passes)`));
  if (s.comparisons === 0) lines.push(c.red("nothing was compared"));
  if (s.stoppedEarly) lines.push(c.yellow(`--fail-fast: stopped after the first failing case; ${plural(s.notRun, "case")} not run`));
  return lines;
}

export function renderPretty(result: CheckResult, options: PrettyOptions): string {
  const c = picocolors.createColors(options.color);
  const out = header(result, c);
  if (options.verbose) out.push(...(overridden(result) ? [] : [toleranceHeader(result)]), "", ...comparisonTables(result.comparisons, c));
  out.push(...groupTable(groupComparisons(result), c));
  const failures = result.comparisons.filter((r) => r.status === "failed");
  if (failures.length) out.push("", c.bold(c.red(`Failures (${failures.length})`)), ...failures.flatMap((r) => failureLines(r, c)));
  const errors = result.errors.filter((e) => e.status === "error");
  if (errors.length) out.push("", c.bold(c.red(`Errors (${errors.length}): the implementation could not run these cases`)), ...errors.flatMap((e) => errorLines(e, c)));
  const expectations = expectationLines(result, c, options.verbose === true);
  out.push(...expectations);
  if (expectations.length || (!failures.length && !errors.length && options.verbose)) out.push("");
  out.push(...verdict(result, c));
  return `${out.join("\n")}\n`;
}
