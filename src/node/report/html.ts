/**
 * `--reporter html:FILE`: one self-contained page (uPlot, styles, script and data inline; no
 * request leaves the file): the verdict, failures first and linked, the module x dtype x oracle
 * summary, a headroom distribution, per case its error over time per oracle and direction (failing
 * cases first), and a sortable, filterable table of every comparison. The data is the JSON
 * report's document.
 */
import { implementationPrefix, runPassed, statusCounts } from "./summary.js";
import { plural, toleranceHeader } from "./format.js";
import { groupComparisons } from "./groups.js";
import { htmlAssets, inlineSafe } from "./html-assets.js";
import { HTML_SCRIPT } from "./html-client.js";
import { HTML_STYLE } from "./html-style.js";
import { jsonDocument, jsonNumber } from "./json.js";
import type { CheckResult } from "./model.js";

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** JSON inside <script type="application/json">: "<" escaped so no text in it can end the element. */
function jsonScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

function groups(result: CheckResult): Record<string, unknown>[] {
  return groupComparisons(result).map((g) => ({
    module: g.module,
    dtype: g.dtype,
    oracle: g.oracle,
    cases: g.cases,
    tensors: g.tensors,
    passed: g.passed,
    expected: g.expected,
    failing: g.failing,
    worstAbsDiff: jsonNumber(g.worstAbsDiff),
    worstHeadroom: jsonNumber(g.worst.headroom),
    worstCase: g.worst.case,
    worstFile: g.worst.file,
    worstTensor: g.worst.tensor,
  }));
}

function counts(result: CheckResult): string {
  const s = result.summary;
  const skipped = s.skipped ? `; onnxruntime skipped for ${plural(s.skipped, "case")} without a model` : "";
  const stopped = s.stoppedEarly ? `; --fail-fast stopped the run, ${plural(s.notRun, "case")} not run` : "";
  const unsupported = s.unsupported ? `; ${plural(s.unsupported, "case")} unsupported by ${result.implementation.name}` : "";
  return `${implementationPrefix(result)}${plural(s.cases, "case")}, ${plural(s.comparisons, "comparison")}: ${statusCounts(s)}${skipped}${unsupported}${stopped}`;
}

/** Cases the implementation could not run, each with its one-line error. */
function errorsSection(result: CheckResult): string {
  if (result.errors.length === 0) return "";
  const items = result.errors.map((e) => {
    const expected = e.expectation === undefined ? "" : ` (expected: expectedFailures[${e.expectation.entry}], ${escapeHtml(e.expectation.reason)})`;
    return `<li${e.status === "error" ? ' class="fail"' : ""}>${escapeHtml(e.case)}${expected}<pre class="message${e.status === "error" ? "" : " xfail"}">${escapeHtml(e.message)}</pre></li>`;
  });
  return `<section id="errors-section"><h2>Errors: the implementation could not run these cases</h2><ol id="errors">\n${items.join("\n")}\n</ol></section>\n`;
}

const VERDICTS = { xpass: "unexpected pass", stale: "stale", held: "expected failure", "not exercised": "not exercised" } as const;

/** Every expectations entry and what became of it; unexpected passes and stale entries in red. */
function expectationsSection(result: CheckResult): string {
  const report = result.expectations;
  if (report === null) return "";
  const rows = report.entries.map((e) => {
    const cls = e.verdict === "xpass" || e.verdict === "stale" ? ' class="fail"' : "";
    const link = e.link === undefined ? "" : ` · ${escapeHtml(e.link)}`;
    return `<tr><td class="num">${e.entry}</td><td>${escapeHtml(e.case)}</td><td>${escapeHtml(e.tensor ?? "any")}</td><td>${escapeHtml(e.oracle ?? "any")}</td><td${cls}>${VERDICTS[e.verdict]}</td><td class="num">${e.expectedFailures}</td><td class="num">${e.unexpectedPasses}</td><td>${escapeHtml(e.reason)}${link}</td></tr>`;
  });
  return `<h2>Expectations</h2>
<p class="muted">${escapeHtml(report.file)} · implementation ${escapeHtml(report.implementation)}</p>
<table id="expectations"><thead><tr><th class="num">entry</th><th>case</th><th>tensor</th><th>oracle</th><th>verdict</th><th class="num">expected failures</th><th class="num">unexpected passes</th><th>reason</th></tr></thead><tbody>
${rows.join("\n")}
</tbody></table>
`;
}

export function renderHtml(result: CheckResult): string {
  const assets = htmlAssets();
  const s = result.summary;
  const ok = runPassed(s);
  const verdict = ok ? "PASSED" : "FAILED";
  const filter = result.filters.length ? ` · filter ${escapeHtml(result.filters.join(" | "))}` : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>rnn-parity check: ${verdict}</title>
<style>${inlineSafe(assets.uplotCss)}</style>
<style>${inlineSafe(HTML_STYLE)}</style>
</head>
<body>
<h1>rnn-parity ${escapeHtml(result.toolVersion)} check: <span class="verdict ${ok ? "pass" : "fail"}">${verdict}</span></h1>
<p id="counts">${escapeHtml(counts(result))}</p>
<p class="muted">oracles ${escapeHtml(result.oracles.join(", "))} · ${escapeHtml(toleranceHeader(result))}${filter} · started ${escapeHtml(result.startedAt)}</p>
<section id="failures-section"${s.failed || s.unexpectedPasses ? "" : " hidden"}><h2>Failures</h2><ol id="failures"></ol></section>
${errorsSection(result)}${expectationsSection(result)}<h2>Summary per module, dtype and oracle</h2>
<div id="groups"></div>
<h2>Headroom distribution</h2>
<p class="muted">Comparisons by the share of its tolerance their worst element used (1 − headroom), per half decade, log scale: 1e0 is the tolerance, right of it fails; the leftmost bars also hold identical results.</p>
<div id="histogram"></div>
<h2>Cases: failing first, then by worst headroom</h2>
<p class="muted">Error over time for sequence outputs: the largest |actual − expected| and the share of the tolerance used at each time step, per oracle (colour) and direction (solid forward, dashed reverse; the reverse direction runs from the last step to the first). Open a case to draw its charts.</p>
<div id="cases"></div>
<h2>Every comparison</h2>
<div class="controls"><input type="search" id="filter" placeholder="filter: case, module, dtype, oracle, tensor (all words)">
<label><input type="checkbox" id="only-failed"> failures only</label><span id="shown" class="muted"></span></div>
<div class="scroll"><table id="comparisons"></table></div>
<script type="application/json" id="report-data">${jsonScript({ report: jsonDocument(result), groups: groups(result) })}</script>
<script>${inlineSafe(assets.uplotJs)}</script>
<script>${inlineSafe(HTML_SCRIPT)}</script>
</body>
</html>
`;
}
