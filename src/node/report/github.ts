/**
 * `--reporter github`: for a GitHub Actions step. Prints the pretty summary (the log a person reads)
 * followed by one `::error file=...,title=...::` workflow command per failed comparison, which
 * GitHub shows as annotations on the fixture file; renderGithubSummary is the Markdown the CLI
 * appends to $GITHUB_STEP_SUMMARY (the job's summary page).
 */
import { implementationPrefix, runPassed, statusCounts } from "./summary.js";
import { entryLabel } from "../expectations/apply.js";
import { relative, resolve } from "node:path";
import { formatShape } from "../../core/tensor/tensor.js";
import { formatDiff, formatHeadroom, formatIndex, plural, toleranceHeader } from "./format.js";
import { groupComparisons } from "./groups.js";
import type { CheckResult, ComparisonRow, ExpectationOutcome } from "./model.js";
import { renderPretty } from "./pretty.js";

/** GitHub shows only the first few annotations of a step; more only make the log longer. */
export const MAX_ANNOTATIONS = 50;
/** The step summary is capped at 1 MiB by GitHub; the failures' messages are what could grow. */
export const MAX_SUMMARY_FAILURES = 50;

export interface GithubOptions {
  /** Annotation paths are relative to this folder: the repository's checkout ($GITHUB_WORKSPACE). */
  root: string;
}

/** Workflow command escaping: data escapes %, CR, LF; properties also ":" and ",". */
function escapeData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

function headline(r: ComparisonRow): string {
  const where = r.worstIndex.length ? ` at index ${formatIndex(r.worstIndex)}` : "";
  return `${r.tensor} ${formatShape(r.shape)} ${r.tensorDtype}: ${formatHeadroom(r.headroom)}${where}, max abs diff ${formatDiff(r.maxAbsDiff)}, ${r.mismatched}/${r.total} mismatched`;
}

function annotation(level: "error" | "notice", file: string, title: string, text: string, root: string): string {
  const where = relative(root, resolve(file)) || file;
  return `::${level} file=${escapeProperty(where)},title=${escapeProperty(title)}::${escapeData(text)}`;
}

function why(e: ExpectationOutcome): string {
  return `${e.reason}${e.link === undefined ? "" : ` (${e.link})`}`;
}

/**
 * Failures on their fixture file; unexpected passes and stale entries (they fail the run) as errors
 * on the expectations file; entries that held as one notice each, so the known failures stay visible.
 */
function annotations(result: CheckResult, root: string): string[] {
  const out = result.comparisons
    .filter((r) => r.status === "failed")
    .map((r) => annotation("error", r.file, `rnn-parity: ${r.case} (${r.oracle})`, `${headline(r)}\n${r.message}`, root));
  for (const e of result.errors.filter((x) => x.status === "error")) {
    out.push(annotation("error", e.file, `rnn-parity: ${e.case} (the implementation could not run it)`, e.message, root));
  }
  const report = result.expectations;
  if (report !== null) {
    for (const e of report.entries) {
      const cases = [...new Set(result.comparisons.filter((r) => r.expectation?.entry === e.entry && r.status === "xpass").map((r) => `${r.case} (${r.oracle})`))];
      if (e.verdict === "xpass") out.push(annotation("error", report.file, `rnn-parity: unexpected pass, ${entryLabel(e)}`, `expects a failure, but passed: ${cases.join(", ")}\nreason given: ${why(e)}`, root));
      if (e.verdict === "stale") out.push(annotation("error", report.file, `rnn-parity: stale expectation, ${entryLabel(e)}`, `matches no comparison of this run; remove or fix it\nreason given: ${why(e)}`, root));
    }
    for (const e of report.entries.filter((x) => x.verdict === "held")) {
      out.push(annotation("notice", report.file, `rnn-parity: expected failure, ${entryLabel(e)}`, `${plural(e.expectedFailures, "comparison")}${e.expectedErrors ? ` and ${plural(e.expectedErrors, "case error")}` : ""} failed as expected: ${why(e)}`, root));
    }
  }
  return out;
}

export function renderGithub(result: CheckResult, options: GithubOptions): string {
  const all = annotations(result, options.root);
  const lines = all.slice(0, MAX_ANNOTATIONS);
  if (all.length > MAX_ANNOTATIONS) {
    lines.push(`::warning title=rnn-parity::${plural(all.length - MAX_ANNOTATIONS, "more annotation")} not shown; see the job summary or the report`);
  }
  return `${renderPretty(result, { color: false })}${lines.map((l) => `${l}\n`).join("")}`;
}

/** A Markdown table cell: pipes escaped, HTML characters neutralised, one line. */
function cell(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\|/g, "\\|").replace(/[\r\n]+/g, " ");
}

/** The longest run of backticks in `s`, so a code span or fence around it can be one longer. */
function longestBacktickRun(s: string): number {
  return Math.max(0, ...(s.match(/`+/g) ?? []).map((run) => run.length));
}

/**
 * A Markdown code span, on one line. Its text is literal (entities are not decoded in code, so
 * nothing is HTML-escaped); in a table cell its pipes are escaped, which GFM undoes inside code too.
 */
function code(s: string, inTable = false): string {
  const flat = s.replace(/[\r\n]+/g, " ");
  const text = inTable ? flat.replace(/\|/g, "\\|") : flat;
  const fence = "`".repeat(longestBacktickRun(text) + 1);
  // A span that starts or ends with a backtick needs a space inside its fence (which Markdown strips).
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** A fenced block of `text`, its fence longer than any backtick run inside. */
function fenced(info: string, text: string): string[] {
  const fence = "`".repeat(Math.max(3, longestBacktickRun(text) + 1));
  return [`${fence}${info}`, text, fence];
}

export function renderGithubSummary(result: CheckResult): string {
  const s = result.summary;
  const ok = runPassed(s);
  const out = [
    `## rnn-parity check: ${ok ? "✅ PASSED" : "❌ FAILED"}`,
    "",
    `${implementationPrefix(result)}${plural(s.cases, "case")}, ${plural(s.comparisons, "comparison")}: ${statusCounts(s)}` +
      `${s.skipped ? `; onnxruntime skipped for ${plural(s.skipped, "case")} without a model` : ""}${s.unsupported ? `; ${plural(s.unsupported, "case")} unsupported` : ""}${s.stoppedEarly ? `; --fail-fast: ${plural(s.notRun, "case")} not run` : ""}`,
    "",
    `oracles ${cell(result.oracles.join(", "))}; ${cell(toleranceHeader(result))}`,
    "",
    "| module | dtype | oracle | cases | tensors passed | worst abs diff | worst headroom | worst case |",
    "| --- | --- | --- | ---: | ---: | ---: | ---: | --- |",
    ...groupComparisons(result).map(
      (g) =>
        `| ${g.module} | ${g.dtype} | ${g.oracle} | ${g.cases} | ${g.failing ? "**" : ""}${g.passed}/${g.tensors}${g.failing ? "**" : ""}${g.expected ? ` (${g.expected} xfail)` : ""} | ` +
        `${formatDiff(g.worstAbsDiff)} | ${formatHeadroom(g.worst.headroom)} | ${cell(g.worst.case)} ${cell(g.worst.tensor)} |`,
    ),
  ];
  const failures = result.comparisons.filter((r) => r.status === "failed");
  if (failures.length) {
    out.push("", `### Failures (${failures.length})`, "");
    for (const r of failures.slice(0, MAX_SUMMARY_FAILURES)) {
      out.push(
        `<details><summary>${cell(r.case)} · ${r.oracle} · ${cell(headline(r))}</summary>`,
        "",
        code(r.file),
        "",
        ...fenced("text", r.message),
        "</details>",
      );
    }
    if (failures.length > MAX_SUMMARY_FAILURES) out.push("", `… and ${failures.length - MAX_SUMMARY_FAILURES} more (see the report artifact).`);
  }
  const errors = result.errors.filter((e) => e.status === "error");
  if (errors.length) {
    out.push("", `### Errors (${errors.length}): the implementation could not run these cases`, "");
    for (const e of errors.slice(0, MAX_SUMMARY_FAILURES)) out.push(`- ${cell(e.case)}: ${code(e.message)}`);
  }
  out.push(...expectationsSummary(result));
  return `${out.join("\n")}\n\n`;
}

/** Every entry and what became of it, failing verdicts first. */
function expectationsSummary(result: CheckResult): string[] {
  const report = result.expectations;
  if (report === null || report.entries.length === 0) return [];
  const order = { xpass: 0, stale: 1, held: 2, "not exercised": 3 } as const;
  const label = { xpass: "**unexpected pass**", stale: "**stale**", held: "expected failure", "not exercised": "not exercised" } as const;
  const entries = [...report.entries].sort((a, b) => order[a.verdict] - order[b.verdict] || a.entry - b.entry);
  return [
    "",
    `### Expectations (${code(report.file)})`,
    "",
    "| entry | case | tensor | oracle | verdict | expected failures | unexpected passes | reason |",
    "| --- | --- | --- | --- | --- | ---: | ---: | --- |",
    ...entries.map(
      (e) =>
        `| ${e.entry} | ${code(e.case, true)} | ${e.tensor ?? "any"} | ${e.oracle ?? "any"} | ${label[e.verdict]} | ${e.expectedFailures} | ${e.unexpectedPasses} | ` +
        `${cell(e.reason)}${e.link === undefined ? "" : ` ${cell(e.link)}`} |`,
    ),
  ];
}
