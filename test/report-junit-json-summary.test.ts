/**
 * The JUnit report line for line (testsuites per module, testcases per case and oracle, failure,
 * xfail/xpass, error, skipped and stale testcases, their counts, properties and escapes), the JSON
 * report's non-finite numbers, and summarize's worst headroom, failed cases and implementation
 * labels. Built from small hand-made check results: these numbers describe reports, not parity claims.
 */
import { describe, expect, it } from "vitest";
import { jsonNumber } from "../src/node/report/json.js";
import { renderJunit } from "../src/node/report/junit.js";
import type { CaseError, CheckResult, ComparisonRow, ExpectationsReport, SkippedOracle } from "../src/node/report/model.js";
import { implementationLabel, implementationPrefix, summarize } from "../src/node/report/summary.js";
import { syntheticResult } from "./helpers/check-result.js";

const BASE = syntheticResult();
const BASE_ROW = BASE.comparisons[0] as ComparisonRow;

/** The helper's passing RNN float32 torch `output` row (180 elements, 97.6% headroom), changed where asked. */
function row(over: Partial<ComparisonRow>): ComparisonRow {
  return { ...BASE_ROW, tensorDtype: over.dtype ?? BASE_ROW.dtype, ...over };
}

const FAIL = {
  passed: false,
  mismatched: 3,
  maxAbsDiff: 0.002,
  maxRelDiff: 0.004,
  headroom: -1,
  worstIndex: [1, 0, 2],
};

interface Extra {
  cases: number;
  skipped?: SkippedOracle[];
  errors?: CaseError[];
  expectations?: ExpectationsReport | null;
  notRun?: number;
  filters?: string[];
  implementation?: CheckResult["implementation"];
  overrides?: CheckResult["overrides"];
}

function check(comparisons: ComparisonRow[], x: Extra): CheckResult {
  const skipped = x.skipped ?? [];
  const errors = x.errors ?? [];
  const expectations = x.expectations ?? null;
  return {
    ...BASE,
    implementation: x.implementation ?? BASE.implementation,
    overrides: x.overrides ?? {},
    filters: x.filters ?? [],
    failFast: (x.notRun ?? 0) > 0,
    summary: summarize(comparisons, skipped, x.cases, x.notRun ?? 0, 0, expectations, errors),
    comparisons,
    skipped,
    unsupported: [],
    errors,
    expectations,
  };
}

const XF = { entry: 0, reason: "ort rounds tanh", link: "https://example.org/1" };
const XP = { entry: 1, reason: "fixed\tupstream" };

/** One RNN module with every kind of testcase, an outside implementation, filters, overrides and --fail-fast. */
const FULL = check(
  [
    row({ case: "a", file: "f/a", ...FAIL, status: "failed", message: "Tensor-likes are not close!\n\nMismatched elements: 3 / 180" }),
    row({ case: "a", file: "f/a", tensor: "h_n", ...FAIL, status: "failed", message: "h_n off" }),
    row({ case: "a", file: "f/a", tensor: "c_n" }),
    row({ case: "b", file: "f/b", ...FAIL, status: "failed", message: "only one" }),
    row({ case: "c", file: "f/c", ...FAIL, status: "xfail", message: "xf", expectation: XF }),
    row({ case: "c", file: "f/c", tensor: "h_n" }),
    row({ case: "d", file: "f/d", status: "xpass", expectation: XP }),
    row({ case: "d", file: "f/d", tensor: "h_n", status: "xpass", expectation: XP }),
    row({ case: "e", file: "f/e", oracle: "onnxruntime", durationMs: 500 }),
    row({ case: "g", file: "f/g", status: "xfail", ...FAIL, message: "m" }),
    row({ case: "g", file: "f/g", tensor: "h_n", status: "xfail", ...FAIL, message: "m" }),
    row({ case: "h", file: "f/h", status: "xpass" }),
    row({ case: "i", file: "f/i", ...FAIL, status: "failed", message: "i off" }),
    row({ case: "i", file: "f/i", tensor: "h_n", ...FAIL, status: "xfail", message: "i xf", expectation: XF }),
  ],
  {
    cases: 9,
    notRun: 4,
    filters: ["RNN-*", "GRU-*"],
    implementation: { name: "torch-port" },
    overrides: { rtol: 0.001 },
    skipped: [
      { case: "a", file: "f/a", module: "RNN", dtype: "float32", oracle: "onnxruntime", reason: "no ONNX model\r\nfor this case" },
      { case: "b", file: "f/b", module: "RNN", dtype: "float32", oracle: "onnxruntime", reason: "no model" },
    ],
    errors: [
      { case: "j", file: "f/j", module: "GRU", dtype: "float32", message: "forward threw", status: "error" },
      { case: "k", file: "f/k", module: "GRU", dtype: "float32", message: "create threw", status: "error" },
      { case: "l", file: "f/l", module: "GRU", dtype: "float32", message: "no GRU", status: "xfail", expectation: XF },
      { case: "m", file: "f/m", module: "GRU", dtype: "float32", message: "no GRU", status: "xfail", expectation: { entry: 2, reason: "later" } },
    ],
    expectations: {
      file: "exp.json",
      implementation: "torch-port",
      entries: [
        { entry: 0, case: "c", reason: "ort rounds tanh", verdict: "held", expectedFailures: 1, unexpectedPasses: 0, expectedErrors: 1 },
        { entry: 3, case: "z*", tensor: "h_n", reason: "gone", verdict: "stale", expectedFailures: 0, unexpectedPasses: 0, expectedErrors: 0 },
      ],
    },
  },
);

/** Our own layers, one passing case, no options: no optional property or testsuite. */
const PLAIN = check([row({}), row({ tensor: "h_n" })], { cases: 1 });

// metrics() of the two kinds of row above, after the tensor name and before ": STATUS".
const BAD = "[5, 3, 12] float32: max abs diff 2.00e-3, max rel diff 4.00e-3, mismatched 3/180, worst index (1, 0, 2), headroom 2.00x tolerance, rtol=1.3e-6 atol=1e-5";
const GOOD = "[5, 3, 12] float32: max abs diff 2.38e-7, max rel diff 1.19e-7, mismatched 0/180, worst index (4, 2, 11), headroom 97.6%, rtol=1.3e-6 atol=1e-5";
const STAMP = 'timestamp="2025-01-01T00:00:00.000Z"';
const FULL_PROPS = `    <properties>
      <property name="implementation" value="torch-port"/>
      <property name="expectations" value="exp.json"/>
      <property name="oracles" value="torch,onnxruntime"/>
      <property name="tolerances" value="OVERRIDDEN rtol=1e-3 (torch.testing.assert_close defaults: float32 rtol=1.3e-6 atol=1e-5; float64 rtol=1e-7 atol=1e-7)"/>
      <property name="filter" value="RNN-* | GRU-*"/>
      <property name="fail-fast" value="stopped early; 4 cases not run"/>
    </properties>`;

const FULL_XML = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="rnn-parity" tests="15" failures="6" errors="2" skipped="6" time="0.013" ${STAMP}>
  <testsuite name="torch-port: RNN" tests="10" failures="5" errors="0" skipped="4" time="0.509" ${STAMP}>
${FULL_PROPS}
    <testcase name="a" classname="RNN.torch" file="f/a" time="0.001">
      <failure message="output: Tensor-likes are not close! (and 1 more tensor)" type="AssertionError">output ${BAD}: FAIL
Tensor-likes are not close!

Mismatched elements: 3 / 180

h_n ${BAD}: FAIL
h_n off</failure>
      <system-out>output ${BAD}: FAIL
h_n ${BAD}: FAIL
c_n ${GOOD}: PASS</system-out>
    </testcase>
    <testcase name="b" classname="RNN.torch" file="f/b" time="0.001">
      <failure message="output: only one" type="AssertionError">output ${BAD}: FAIL
only one</failure>
      <system-out>output ${BAD}: FAIL</system-out>
    </testcase>
    <testcase name="c" classname="RNN.torch" file="f/c" time="0.001">
      <skipped type="xfail" message="expected failure: output: ort rounds tanh (https://example.org/1)"/>
      <system-out>output ${BAD}: XFAIL
h_n ${GOOD}: PASS</system-out>
    </testcase>
    <testcase name="d" classname="RNN.torch" file="f/d" time="0.001">
      <failure message="unexpected pass: output, h_n passed, but expectedFailures[1] expects a failure: fixed&#9;upstream" type="xpass">output ${GOOD}: XPASS
h_n ${GOOD}: XPASS</failure>
      <system-out>output ${GOOD}: XPASS
h_n ${GOOD}: XPASS</system-out>
    </testcase>
    <testcase name="e" classname="RNN.onnxruntime" file="f/e" time="0.500">
      <system-out>output ${GOOD}: PASS</system-out>
    </testcase>
    <testcase name="g" classname="RNN.torch" file="f/g" time="0.001">
      <skipped type="xfail" message="expected failure: output, h_n: "/>
      <system-out>output ${BAD}: XFAIL
h_n ${BAD}: XFAIL</system-out>
    </testcase>
    <testcase name="h" classname="RNN.torch" file="f/h" time="0.001">
      <failure message="unexpected pass: output passed, but expectedFailures[?] expects a failure: " type="xpass">output ${GOOD}: XPASS</failure>
      <system-out>output ${GOOD}: XPASS</system-out>
    </testcase>
    <testcase name="i" classname="RNN.torch" file="f/i" time="0.001">
      <failure message="output: i off" type="AssertionError">output ${BAD}: FAIL
i off</failure>
      <system-out>output ${BAD}: FAIL
h_n ${BAD}: XFAIL</system-out>
    </testcase>
    <testcase name="a" classname="RNN.onnxruntime" file="f/a" time="0.000">
      <skipped message="no ONNX model&#13;&#10;for this case"/>
    </testcase>
    <testcase name="b" classname="RNN.onnxruntime" file="f/b" time="0.000">
      <skipped message="no model"/>
    </testcase>
  </testsuite>
  <testsuite name="torch-port: GRU" tests="4" failures="0" errors="2" skipped="2" time="0.000" ${STAMP}>
${FULL_PROPS}
    <testcase name="j" classname="GRU.implementation" file="f/j" time="0.000">
      <error message="forward threw" type="AdapterError"/>
    </testcase>
    <testcase name="k" classname="GRU.implementation" file="f/k" time="0.000">
      <error message="create threw" type="AdapterError"/>
    </testcase>
    <testcase name="l" classname="GRU.implementation" file="f/l" time="0.000">
      <skipped message="expected failure: ort rounds tanh (https://example.org/1): no GRU"/>
    </testcase>
    <testcase name="m" classname="GRU.implementation" file="f/m" time="0.000">
      <skipped message="expected failure: later: no GRU"/>
    </testcase>
  </testsuite>
  <testsuite name="torch-port: expectations" tests="1" failures="1" errors="0" skipped="0" time="0.000" ${STAMP}>
${FULL_PROPS}
    <testcase name="expectedFailures[3] (case &quot;z*&quot;, tensor h_n)" classname="expectations" file="exp.json" time="0.000">
      <failure message="stale expectation: expectedFailures[3] (case &quot;z*&quot;, tensor h_n) matches no comparison of this run" type="stale">reason given: gone
remove or fix the entry in exp.json</failure>
    </testcase>
  </testsuite>
</testsuites>
`;

const PLAIN_XML = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="rnn-parity" tests="1" failures="0" errors="0" skipped="0" time="0.013" ${STAMP}>
  <testsuite name="RNN" tests="1" failures="0" errors="0" skipped="0" time="0.001" ${STAMP}>
    <properties>
      <property name="implementation" value="rnn-parity 0.1.0"/>
      <property name="oracles" value="torch,onnxruntime"/>
      <property name="tolerances" value="torch.testing.assert_close defaults (float32 rtol=1.3e-6 atol=1e-5; float64 rtol=1e-7 atol=1e-7)"/>
    </properties>
    <testcase name="RNN-tanh-bidir-L2-float32" classname="RNN.torch" file="fixtures/float32/RNN-tanh-bidir-L2-float32.msgpack" time="0.001">
      <system-out>output ${GOOD}: PASS
h_n ${GOOD}: PASS</system-out>
    </testcase>
  </testsuite>
</testsuites>
`;

describe("renderJunit, line for line", () => {
  it.each([
    ["every kind of testcase, an outside implementation and every optional property", FULL, FULL_XML],
    ["our own layers, one passing case: no optional property, no expectations testsuite", PLAIN, PLAIN_XML],
  ])("%s", (_name, result, xml) => {
    const out = renderJunit(result);
    // Line by line first, so a difference names its line; then the whole, with its final newline.
    expect(out.split("\n")).toEqual(xml.split("\n"));
    expect(out).toBe(xml);
  });
});

describe("jsonNumber", () => {
  it.each([
    [1.5, 1.5],
    [0, 0],
    [NaN, "NaN"],
    [Infinity, "Infinity"],
    [-Infinity, "-Infinity"],
  ])("%s -> %s", (x, expected) => {
    expect(jsonNumber(x)).toBe(expected);
  });
});

describe("implementation labels", () => {
  it.each([
    [{ name: "torch-port" }, "torch-port", "torch-port: "],
    [{ name: "torch-port", version: "2.1" }, "torch-port 2.1", "torch-port 2.1: "],
    [{ name: "rnn-parity", version: "0.1.0" }, "rnn-parity 0.1.0", ""],
  ])("%j", (implementation, label, prefix) => {
    expect(implementationLabel(implementation)).toBe(label);
    expect(implementationPrefix({ implementation })).toBe(prefix);
  });
});

describe("summarize: worst headroom per dtype, failed cases", () => {
  const f64 = (over: Partial<ComparisonRow>): ComparisonRow => row({ dtype: "float64", ...over });
  const rows = [
    row({ case: "p", headroom: 0.5 }),
    row({ case: "q", tensor: "h_n", headroom: 0.2 }),
    // As low as q but not lower: the first to reach a value keeps it.
    row({ case: "r", headroom: 0.2, status: "failed", passed: false }),
    row({ case: "s", headroom: 0.9, oracle: "onnxruntime", status: "xpass" }),
    f64({ case: "t", headroom: 0.3, status: "failed", passed: false }),
    // NaN counts as worst, and a later NaN or a lower number does not replace it.
    f64({ case: "u", headroom: NaN }),
    f64({ case: "v", headroom: NaN }),
    f64({ case: "w", headroom: -1, status: "xfail" }),
    // A second failing tensor of a failing case is not a second failed case.
    f64({ case: "t", tensor: "h_n", headroom: 0.3, status: "failed", passed: false }),
  ];
  const s = summarize(rows, [], 9, 0);

  it("keeps the first lowest headroom, NaN lowest of all", () => {
    expect(s.worstHeadroom).toEqual({
      float32: { headroom: 0.2, case: "q", oracle: "torch", tensor: "h_n" },
      float64: { headroom: NaN, case: "u", oracle: "torch", tensor: "output" },
    });
  });

  it("counts each case with a failed or xpass comparison once", () => {
    expect(s.failedCases).toBe(3);
    expect([s.comparisons, s.passed, s.failed, s.expectedFailures, s.unexpectedPasses]).toEqual([9, 4, 3, 1, 1]);
  });

  it.each([
    ["a NaN first, then numbers", [NaN, 0.1, -5], NaN],
    ["numbers, the lowest in the middle", [0.4, -2, 0.1], -2],
  ])("%s", (_name, headrooms, worst) => {
    const r = summarize(headrooms.map((h, i) => row({ case: `c${i}`, headroom: h })), [], 3, 0);
    expect(r.worstHeadroom.float32?.headroom).toBe(worst);
  });
});
