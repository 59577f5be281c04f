/**
 * `--reporter github`: for a GitHub Actions step. Prints the pretty summary (the log a person reads)
 * followed by one `::error file=...,title=...::` workflow command per failed comparison, which
 * GitHub shows as annotations on the fixture file; renderGithubSummary is the Markdown the CLI
 * appends to $GITHUB_STEP_SUMMARY (the job's summary page).
 */
import { implementationPrefix } from "./summary.js";
import { relative, resolve } from "node:path";
import { formatShape } from "../../core/tensor/tensor.js";
import { formatDiff, formatHeadroom, formatIndex, toleranceHeader } from "./format.js";
import { groupComparisons } from "./groups.js";
import type { CheckResult, ComparisonRow } from "./model.js";
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

export function renderGithub(result: CheckResult, options: GithubOptions): string {
  const failures = result.comparisons.filter((r) => !r.passed);
  const lines = failures.slice(0, MAX_ANNOTATIONS).map((r) => {
    const file = relative(options.root, resolve(r.file)) || r.file;
    const title = `rnn-parity: ${r.case} (${r.oracle})`;
    return `::error file=${escapeProperty(file)},title=${escapeProperty(title)}::${escapeData(`${headline(r)}\n${r.message}`)}`;
  });
  if (failures.length > MAX_ANNOTATIONS) {
    lines.push(`::warning title=rnn-parity::${failures.length - MAX_ANNOTATIONS} more failures are not annotated; see the job summary or the report`);
  }
  return `${renderPretty(result, { color: false })}${lines.map((l) => `${l}\n`).join("")}`;
}

/** A Markdown table cell: pipes escaped, HTML characters neutralised, one line. */
function cell(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\|/g, "\\|").replace(/[\r\n]+/g, " ");
}

export function renderGithubSummary(result: CheckResult): string {
  const s = result.summary;
  const ok = s.failed === 0 && s.comparisons > 0;
  const out = [
    `## rnn-parity check: ${ok ? "✅ PASSED" : "❌ FAILED"}`,
    "",
    `${implementationPrefix(result)}${s.cases} cases, ${s.comparisons} comparisons: ${s.passed} passed, ${s.failed} failed` +
      `${s.skipped ? `; onnxruntime skipped for ${s.skipped} without a model` : ""}${s.unsupported ? `; ${s.unsupported} unsupported` : ""}${s.stoppedEarly ? `; --fail-fast: ${s.notRun} not run` : ""}`,
    "",
    `oracles ${cell(result.oracles.join(", "))}; ${cell(toleranceHeader(result))}`,
    "",
    "| module | dtype | oracle | cases | tensors passed | worst abs diff | worst headroom | worst case |",
    "| --- | --- | --- | ---: | ---: | ---: | ---: | --- |",
    ...groupComparisons(result).map(
      (g) =>
        `| ${g.module} | ${g.dtype} | ${g.oracle} | ${g.cases} | ${g.passed < g.tensors ? "**" : ""}${g.passed}/${g.tensors}${g.passed < g.tensors ? "**" : ""} | ` +
        `${formatDiff(g.worstAbsDiff)} | ${formatHeadroom(g.worst.headroom)} | ${cell(g.worst.case)} ${cell(g.worst.tensor)} |`,
    ),
  ];
  const failures = result.comparisons.filter((r) => !r.passed);
  if (failures.length) {
    out.push("", `### Failures (${failures.length})`, "");
    for (const r of failures.slice(0, MAX_SUMMARY_FAILURES)) {
      out.push(
        `<details><summary>${cell(r.case)} · ${r.oracle} · ${cell(headline(r))}</summary>`,
        "",
        `\`${cell(r.file)}\``,
        "",
        "```text",
        r.message.replace(/```/g, "'''"),
        "```",
        "</details>",
      );
    }
    if (failures.length > MAX_SUMMARY_FAILURES) out.push("", `… and ${failures.length - MAX_SUMMARY_FAILURES} more (see the report artifact).`);
  }
  return `${out.join("\n")}\n\n`;
}
