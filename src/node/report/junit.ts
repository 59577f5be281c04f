/**
 * JUnit XML as GitHub Actions reporters, GitLab and Jenkins read it: <testsuites> > one <testsuite>
 * per module > one <testcase> per case and oracle (name = case, classname = "<module>.<oracle>").
 * A failing testcase carries every mismatched tensor's assert_close message; an oracle that did
 * not run for a case is a <skipped/> testcase, so a report never hides what was not checked.
 * Expectations (docs/adapters.md) are shown as pytest's junitxml shows xfail and strict xpass, which
 * the usual JUnit viewers display with their message: a case and oracle whose only failures were
 * expected is <skipped type="xfail" message="expected failure: ...">, an unexpected pass is a
 * <failure type="xpass">, and stale entries are failing testcases of an "expectations" testsuite.
 * Every testsuite names the implementation under test (a property, and the name's prefix when it is
 * not rnn-parity's own layers).
 */
import { entryLabel } from "../expectations/apply.js";
import { implementationLabel, implementationPrefix } from "./summary.js";
import { formatShape } from "../../core/tensor/tensor.js";
import { formatDiff, formatHeadroom, formatIndex, formatTol, plural, toleranceHeader } from "./format.js";
import type { CheckResult, ComparisonRow } from "./model.js";

// XML 1.0 allows tab, LF, CR and U+0020.. except surrogates (paired ones encode valid characters),
// U+FFFE and U+FFFF. Anything else is written as a visible escape instead of breaking the parser.
const INVALID_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\uD800-\uDBFF\uDC00-\uDFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function clean(s: string): string {
  return s.replace(INVALID_XML, (ch) => `\\u${(ch.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`);
}

export function escapeText(s: string): string {
  return clean(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Attribute values also escape quotes, and whitespace that parsers would otherwise normalize away. */
export function escapeAttr(s: string): string {
  return escapeText(s).replace(/"/g, "&quot;").replace(/'/g, "&apos;").replace(/\n/g, "&#10;").replace(/\r/g, "&#13;").replace(/\t/g, "&#9;");
}

function attrs(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([k, v]) => ` ${k}="${escapeAttr(String(v))}"`)
    .join("");
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

interface TestCase {
  name: string;
  classname: string;
  file: string;
  timeMs: number;
  rows: ComparisonRow[];
  skipped?: string;
  /** A testcase of the run itself, e.g. a stale expectations entry. */
  failure?: { type: string; message: string; body: string };
  /** The implementation could not run the case (JUnit's <error>: it did not get as far as a comparison). */
  error?: string;
}

function metrics(r: ComparisonRow): string {
  return (
    `${r.tensor} ${formatShape(r.shape)} ${r.tensorDtype}: max abs diff ${formatDiff(r.maxAbsDiff)}, max rel diff ${formatDiff(r.maxRelDiff)}, ` +
    `mismatched ${r.mismatched}/${r.total}, worst index ${formatIndex(r.worstIndex)}, headroom ${formatHeadroom(r.headroom)}, ` +
    `rtol=${formatTol(r.rtol)} atol=${formatTol(r.atol)}: ${r.status === "passed" ? "PASS" : r.status === "failed" ? "FAIL" : r.status.toUpperCase()}`
  );
}

function testcasesByModule(result: CheckResult): Map<string, TestCase[]> {
  const modules = new Map<string, Map<string, TestCase>>();
  const slot = (module: string, key: string, make: () => TestCase): TestCase => {
    const cases = modules.get(module) ?? new Map<string, TestCase>();
    modules.set(module, cases);
    const tc = cases.get(key) ?? make();
    cases.set(key, tc);
    return tc;
  };
  for (const r of result.comparisons) {
    const tc = slot(r.module, `${r.file}\0${r.oracle}`, () => ({
      name: r.case,
      classname: `${r.module}.${r.oracle}`,
      file: r.file,
      timeMs: r.durationMs,
      rows: [],
    }));
    tc.rows.push(r);
  }
  for (const e of result.errors) {
    const expected = e.expectation;
    const link = expected?.link === undefined ? "" : ` (${expected.link})`;
    slot(e.module, `${e.file}\0error`, () => ({
      name: e.case,
      classname: `${e.module}.implementation`,
      file: e.file,
      timeMs: 0,
      rows: [],
      ...(expected === undefined ? { error: e.message } : { skipped: `expected failure: ${expected.reason}${link}: ${e.message}` }),
    }));
  }
  for (const s of result.skipped) {
    slot(s.module, `${s.file}\0${s.oracle}`, () => ({
      name: s.case,
      classname: `${s.module}.${s.oracle}`,
      file: s.file,
      timeMs: 0,
      rows: [],
      skipped: s.reason,
    }));
  }
  return new Map([...modules].map(([m, cases]) => [m, [...cases.values()]]));
}

function renderCase(tc: TestCase): string[] {
  const open = `    <testcase${attrs({ name: tc.name, classname: tc.classname, file: tc.file, time: seconds(tc.timeMs) })}`;
  if (tc.skipped !== undefined) return [`${open}>`, `      <skipped${attrs({ message: tc.skipped })}/>`, "    </testcase>"];
  if (tc.error !== undefined) return [`${open}>`, `      <error${attrs({ message: tc.error, type: "AdapterError" })}/>`, "    </testcase>"];
  if (tc.failure !== undefined) {
    const f = tc.failure;
    return [`${open}>`, `      <failure${attrs({ message: f.message, type: f.type })}>${escapeText(f.body)}</failure>`, "    </testcase>"];
  }
  const failed = tc.rows.filter((r) => r.status === "failed");
  const xpass = tc.rows.filter((r) => r.status === "xpass");
  const xfail = tc.rows.filter((r) => r.status === "xfail");
  const lines = [`${open}>`];
  if (failed.length) {
    const first = failed[0] as ComparisonRow;
    const headline = `${first.tensor}: ${first.message.split("\n")[0] ?? ""}${failed.length > 1 ? ` (and ${plural(failed.length - 1, "more tensor")})` : ""}`;
    const body = failed.map((r) => `${metrics(r)}\n${r.message}`).join("\n\n");
    lines.push(`      <failure${attrs({ message: headline, type: "AssertionError" })}>${escapeText(body)}</failure>`);
  } else if (xpass.length) {
    const e = (xpass[0] as ComparisonRow).expectation;
    const headline = `unexpected pass: ${xpass.map((r) => r.tensor).join(", ")} passed, but expectedFailures[${e?.entry ?? "?"}] expects a failure: ${e?.reason ?? ""}`;
    lines.push(`      <failure${attrs({ message: headline, type: "xpass" })}>${escapeText(xpass.map(metrics).join("\n"))}</failure>`);
  } else if (xfail.length) {
    const e = (xfail[0] as ComparisonRow).expectation;
    const link = e?.link === undefined ? "" : ` (${e.link})`;
    const message = `expected failure: ${xfail.map((r) => r.tensor).join(", ")}: ${e?.reason ?? ""}${link}`;
    lines.push(`      <skipped${attrs({ type: "xfail", message })}/>`);
  }
  lines.push(`      <system-out>${escapeText(tc.rows.map(metrics).join("\n"))}</system-out>`, "    </testcase>");
  return lines;
}

function failing(tc: TestCase): boolean {
  return tc.failure !== undefined || tc.rows.some((r) => r.status === "failed" || r.status === "xpass");
}

function skippedCase(tc: TestCase): boolean {
  return tc.skipped !== undefined || (!failing(tc) && tc.rows.some((r) => r.status === "xfail"));
}

/** Stale entries as failing testcases of their own testsuite, named by the entry. */
function staleCases(result: CheckResult): TestCase[] {
  const report = result.expectations;
  if (report === null) return [];
  return report.entries
    .filter((e) => e.verdict === "stale")
    .map((e) => ({
      name: entryLabel(e),
      classname: "expectations",
      file: report.file,
      timeMs: 0,
      rows: [],
      failure: {
        type: "stale",
        message: `stale expectation: ${entryLabel(e)} matches no comparison of this run`,
        body: `reason given: ${e.reason}\nremove or fix the entry in ${report.file}`,
      },
    }));
}

function counts(cases: readonly TestCase[]): { tests: number; failures: number; errors: number; skipped: number; timeMs: number } {
  return {
    tests: cases.length,
    errors: cases.filter((tc) => tc.error !== undefined).length,
    failures: cases.filter(failing).length,
    skipped: cases.filter(skippedCase).length,
    // onnxruntime-vs-torch reuses the onnxruntime run's outputs (and its time): count that run once.
    timeMs: cases.reduce((t, tc) => (tc.classname.endsWith(".onnxruntime-vs-torch") ? t : t + tc.timeMs), 0),
  };
}

export function renderJunit(result: CheckResult): string {
  const byModule = testcasesByModule(result);
  const stale = staleCases(result);
  if (stale.length) byModule.set("expectations", stale);
  const all = [...byModule.values()].flat();
  const total = counts(all);
  const properties = [
    `      <property${attrs({ name: "implementation", value: implementationLabel(result.implementation) })}/>`,
    ...(result.expectations ? [`      <property${attrs({ name: "expectations", value: result.expectations.file })}/>`] : []),
    `      <property${attrs({ name: "oracles", value: result.oracles.join(",") })}/>`,
    `      <property${attrs({ name: "tolerances", value: toleranceHeader(result).replace(/^tolerances: /, "") })}/>`,
    ...(result.filters.length ? [`      <property${attrs({ name: "filter", value: result.filters.join(" | ") })}/>`] : []),
    ...(result.summary.stoppedEarly ? [`      <property${attrs({ name: "fail-fast", value: `stopped early; ${result.summary.notRun} cases not run` })}/>`] : []),
  ];
  const lines = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites${attrs({ name: "rnn-parity", tests: total.tests, failures: total.failures, errors: total.errors, skipped: total.skipped, time: seconds(result.durationMs), timestamp: result.startedAt })}>`,
  ];
  for (const [module, cases] of byModule) {
    const c = counts(cases);
    lines.push(
      `  <testsuite${attrs({ name: `${implementationPrefix(result)}${module}`, tests: c.tests, failures: c.failures, errors: c.errors, skipped: c.skipped, time: seconds(c.timeMs), timestamp: result.startedAt })}>`,
      "    <properties>",
      ...properties,
      "    </properties>",
      ...cases.flatMap(renderCase),
      "  </testsuite>",
    );
  }
  lines.push("</testsuites>");
  return `${lines.join("\n")}\n`;
}
