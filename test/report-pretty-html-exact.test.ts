/**
 * The pretty and HTML reports, line for line, from small hand-built check results: every header
 * variant, the group table's widths and its case column's room, failures, errors, the expectations
 * sections (terse and --verbose), the blank line before the verdict, colours, the HTML page's
 * counts, sections and escapes, its embedded data, and the inline-asset guard. These numbers
 * describe reports, not parity claims.
 */
import picocolors from "picocolors";
import { describe, expect, it } from "vitest";
import { htmlAssets, inlineSafe } from "../src/node/report/html-assets.js";
import { renderHtml } from "../src/node/report/html.js";
import { renderJson } from "../src/node/report/json.js";
import type { CaseError, CheckResult, ComparisonRow, ExpectationOutcome, ExpectationsReport, SkippedOracle } from "../src/node/report/model.js";
import { expectationLines } from "../src/node/report/pretty-expectations.js";
import { comparisonTables } from "../src/node/report/pretty-table.js";
import { renderPretty, shortCaseName } from "../src/node/report/pretty.js";
import { summarize } from "../src/node/report/summary.js";
import { syntheticResult } from "./helpers/check-result.js";

const BASE = syntheticResult();
const BASE_ROW: ComparisonRow = BASE.comparisons[0] as ComparisonRow;
const PLAIN = picocolors.createColors(false);

/** The helper's passing RNN float32 torch row (2.38e-7 abs, 97.6% headroom), changed where asked. */
function row(over: Partial<ComparisonRow>): ComparisonRow {
  return { ...BASE_ROW, tensorDtype: over.dtype ?? BASE_ROW.dtype, ...over };
}

function failed(over: Partial<ComparisonRow>): ComparisonRow {
  return row({ passed: false, status: "failed", ...over });
}

interface Extra {
  cases: number;
  skipped?: SkippedOracle[];
  notRun?: number;
  unsupported?: number;
  errors?: CaseError[];
  expectations?: ExpectationsReport | null;
  overrides?: CheckResult["overrides"];
  filters?: string[];
  implementation?: CheckResult["implementation"];
}

/** A CheckResult around these rows, its summary computed as run-check computes it. */
function check(comparisons: ComparisonRow[], x: Extra): CheckResult {
  const skipped = x.skipped ?? [];
  const errors = x.errors ?? [];
  const expectations = x.expectations ?? null;
  return {
    ...BASE,
    implementation: x.implementation ?? BASE.implementation,
    overrides: x.overrides ?? {},
    filters: x.filters ?? [],
    summary: summarize(comparisons, skipped, x.cases, x.notRun ?? 0, x.unsupported ?? 0, expectations, errors),
    comparisons,
    skipped,
    unsupported: [],
    errors,
    expectations,
  };
}

function skip(name: string): SkippedOracle {
  return { case: name, file: `fx/${name}.msgpack`, module: "RNN", dtype: "float32", oracle: "onnxruntime", reason: "no ONNX model for this case" };
}

function caseError(name: string, message: string, expectation?: CaseError["expectation"]): CaseError {
  const e: CaseError = { case: name, file: `fx/${name}.msgpack`, module: "GRU", dtype: "float32", message, status: expectation ? "xfail" : "error" };
  if (expectation) e.expectation = expectation;
  return e;
}

function outcome(o: Partial<ExpectationOutcome> & Pick<ExpectationOutcome, "entry" | "case" | "verdict">): ExpectationOutcome {
  return { reason: "why", expectedFailures: 0, unexpectedPasses: 0, expectedErrors: 0, ...o };
}

const DEFAULT_TOLERANCES = "float32 rtol=1.3e-6 atol=1e-5; float64 rtol=1e-7 atol=1e-7";
const HEADER = "rnn-parity 0.1.0 check · oracles torch, onnxruntime · assert_close default tolerances";
const TABLE_HEAD = "module  dtype    oracle  cases  tensors  worst abs  headroom  worst case";

/** The --verbose tables (pretty-table's own output, pinned by its own tests) as lines. */
const tableLines = (rows: readonly ComparisonRow[]): string[] => comparisonTables(rows, PLAIN).flatMap((t) => t.split("\n"));

const lines = (text: string): string[] => {
  expect(text.endsWith("\n")).toBe(true);
  return text.slice(0, -1).split("\n");
};

describe("shortCaseName: the row's module prefix and dtype suffix are dropped", () => {
  it.each([
    ["prefix and suffix", "RNN-tanh-bidir-float32", "RNN", "float32", "tanh-bidir"],
    ["prefix only (other dtype)", "RNN-tanh-float64", "RNN", "float32", "tanh-float64"],
    ["suffix only (module without its dash)", "RNNCell-relu-float32", "RNN", "float32", "RNNCell-relu"],
    ["neither: module and dtype elsewhere in the name", "x-RNN-float32-y", "RNN", "float32", "x-RNN-float32-y"],
    ["a longer module name", "LSTMCell-a-float64", "LSTMCell", "float64", "a"],
    ["control characters escaped after cutting", "GRU-a\u0001b-float32", "GRU", "float32", "a\\u0001b"],
  ])("%s", (_what, name, module, dtype, want) => {
    expect(shortCaseName(name, module, dtype)).toBe(want);
  });
});

describe("pretty report: whole outputs", () => {
  // Widths 6+7+6+5+7+9+8 plus 7 gaps of 2 leave the case column 100 - 62 = 38 columns: a 38-character
  // name fits whole, a 39-character one is cut in the middle.
  const fits = "a".repeat(38);
  const cut = "b".repeat(39);
  const passing = check([row({ case: `RNN-${fits}-float32` }), row({ case: `GRU-${cut}-float32`, module: "GRU", file: "fx/g.msgpack" })], { cases: 2 });
  const passingRows = [
    TABLE_HEAD,
    `RNN     float32  torch       1      1/1    2.38e-7     97.6%  ${fits}`,
    `GRU     float32  torch       1      1/1    2.38e-7     97.6%  ${"b".repeat(19)}…${"b".repeat(18)}`,
  ];

  it("a passing run: header, group table (case column exactly as wide as the room left), verdict, no blank line", () => {
    expect(lines(renderPretty(passing, { color: false }))).toEqual([HEADER, ...passingRows, "PASSED 2 cases, 2 comparisons: 2 passed, 0 failed"]);
  });

  it("--verbose on a passing run: the default tolerances line, a blank line, the tables, then a blank line before the verdict", () => {
    const tables = tableLines(passing.comparisons);
    expect(tables.length).toBe(14);
    expect(lines(renderPretty(passing, { color: false, verbose: true }))).toEqual([
      HEADER,
      `tolerances: torch.testing.assert_close defaults (${DEFAULT_TOLERANCES})`,
      "",
      ...tables,
      ...passingRows,
      "",
      "PASSED 2 cases, 2 comparisons: 2 passed, 0 failed",
    ]);
  });

  const failing = check(
    [
      failed({
        case: "RNN-f1-float32",
        file: "fx/f1.msgpack",
        headroom: -1,
        maxAbsDiff: 2e-5,
        worstIndex: [1, 0, 3],
        message: "Tensor-likes are not close!\n\nMismatched elements: 1 / 180 (0.6%)",
      }),
      failed({ case: "RNN-f2-float32", file: "fx/f2.msgpack", tensor: "h_n", shape: [2, 3, 6], headroom: -Infinity, maxAbsDiff: NaN, worstIndex: [], message: "shape\u001b mismatch" }),
      row({ case: "RNN-p-float32", file: "fx/p.msgpack" }),
    ],
    {
      cases: 4,
      notRun: 2,
      skipped: [skip("RNN-s-float32")],
      implementation: { name: "ext", version: "2.0" },
      overrides: { atol: 1e-4 },
      filters: ["RNN-*", "GRU-\u0001"],
      errors: [caseError("GRU-e-float32", "adapter.mjs: forward(): ext on GRU-e-float32: boom\u0007"), caseError("GRU-x-float32", "held back", { entry: 0, reason: "known" })],
      expectations: {
        file: "exp.json",
        implementation: "ext",
        entries: [outcome({ entry: 0, case: "GRU-x-*", verdict: "held", reason: "known", expectedErrors: 1 })],
      },
    },
  );
  const failingTop = [
    "ext 2.0: rnn-parity 0.1.0 check · oracles torch, onnxruntime",
    `tolerances: OVERRIDDEN atol=1e-4 (torch.testing.assert_close defaults: ${DEFAULT_TOLERANCES})`,
    "filter: RNN-* | GRU-\\u0001",
  ];
  const failingRest = [
    TABLE_HEAD,
    "RNN     float32  torch       3      1/3        nan      -inf  f2",
    "",
    "Failures (2)",
    "✗ RNN-f1-float32",
    "  torch · output [5, 3, 12] float32: 2.00x tolerance at index (1, 0, 3)",
    "  file: fx/f1.msgpack",
    "  Tensor-likes are not close!",
    "",
    "  Mismatched elements: 1 / 180 (0.6%)",
    "",
    "✗ RNN-f2-float32",
    "  torch · h_n [2, 3, 6] float32: -inf",
    "  file: fx/f2.msgpack",
    "  shape\\u001b mismatch",
    "",
    "",
    "Errors (1): the implementation could not run these cases",
    "✗ GRU-e-float32",
    "  file: fx/GRU-e-float32.msgpack",
    "  adapter.mjs: forward(): ext on GRU-e-float32: boom\\u0007",
    "",
    "",
    "Expected failures (0 and 1 case error)",
    '~ expectedFailures[0] (case "GRU-x-*"): 1 case error in 1 case failed as expected: known',
    "",
    "FAILED 4 cases, 3 comparisons: 1 passed, 2 failed, 1 case error, 1 expected case error (2 cases)",
    "skipped: onnxruntime for 1 case without an ONNX model",
    "--fail-fast: stopped after the first failing case; 2 cases not run",
  ];

  it("a failing run: implementation, atol-only override, filters, failures with and without an index, errors (xfail ones left out), expectations, verdict lines", () => {
    expect(lines(renderPretty(failing, { color: false }))).toEqual([...failingTop, ...failingRest]);
  });

  it("--verbose with an override: no second tolerance line, and no extra blank line after the failures", () => {
    const tables = tableLines(failing.comparisons);
    const held = failingRest.indexOf('~ expectedFailures[0] (case "GRU-x-*"): 1 case error in 1 case failed as expected: known') + 1;
    expect(lines(renderPretty(failing, { color: false, verbose: true }))).toEqual([
      ...failingTop,
      "",
      ...tables,
      ...failingRest.slice(0, held),
      "  GRU-x-float32: held back",
      ...failingRest.slice(held),
    ]);
  });

  it.each([
    ["rtol only", { rtol: 1e-3 }, "tolerances: OVERRIDDEN rtol=1e-3"],
    ["atol only", { atol: 0 }, "tolerances: OVERRIDDEN atol=0"],
    ["both", { rtol: 2.5e-6, atol: 1e-8 }, "tolerances: OVERRIDDEN rtol=2.5e-6 atol=1e-8"],
  ])("header with an override (%s): title without the defaults note, then the tolerance line", (_what, overrides, tol) => {
    const result = check([row({})], { cases: 1, overrides });
    expect(lines(renderPretty(result, { color: false })).slice(0, 3)).toEqual([
      "rnn-parity 0.1.0 check · oracles torch, onnxruntime",
      `${tol} (torch.testing.assert_close defaults: ${DEFAULT_TOLERANCES})`,
      TABLE_HEAD,
    ]);
  });

  it("failures without errors or expectations: the failure's own blank line only, then the verdict", () => {
    const result = check([failed({ case: "RNN-f-float32", file: "fx/f.msgpack", headroom: -1, worstIndex: [2], message: "bad" })], { cases: 1 });
    expect(lines(renderPretty(result, { color: false }))).toEqual([
      HEADER,
      "module  dtype    oracle  cases  tensors  worst abs         headroom  worst case",
      "RNN     float32  torch       1      0/1    2.38e-7  2.00x tolerance  f",
      "",
      "Failures (1)",
      "✗ RNN-f-float32",
      "  torch · output [5, 3, 12] float32: 2.00x tolerance at index (2,)",
      "  file: fx/f.msgpack",
      "  bad",
      "",
      "FAILED 1 case, 1 comparison: 0 passed, 1 failed (1 case)",
    ]);
  });

  it("an expected-failure group says how many were expected in its tensors column", () => {
    const result = check(
      [row({ case: "RNN-x-float32", passed: false, status: "xfail", headroom: 0.5, expectation: { entry: 0, reason: "r" } }), row({ case: "RNN-y-float32" })],
      { cases: 2 },
    );
    expect(lines(renderPretty(result, { color: false })).slice(1, 3)).toEqual([
      "module  dtype    oracle  cases        tensors  worst abs  headroom  worst case",
      "RNN     float32  torch       2  1/2 (1 xfail)    2.38e-7     50.0%  x",
    ]);
  });

  it("colour: only the rows of groups that fail the run are red (not the head, not passing groups)", () => {
    const result = check([row({ case: "RNN-ok-float32" }), failed({ case: "GRU-bad-float32", module: "GRU", headroom: -1, message: "" })], { cases: 2 });
    const plain = lines(renderPretty(result, { color: false }));
    const coloured = lines(renderPretty(result, { color: true }));
    expect(plain.slice(1, 4)).toEqual([
      "module  dtype    oracle  cases  tensors  worst abs         headroom  worst case",
      "RNN     float32  torch       1      1/1    2.38e-7            97.6%  ok",
      "GRU     float32  torch       1      0/1    2.38e-7  2.00x tolerance  bad",
    ]);
    expect(coloured.slice(1, 4)).toEqual([plain[1], plain[2], `\u001b[31m${plain[3] ?? ""}\u001b[39m`]);
  });
});

describe("pretty report: expectations sections", () => {
  const xfailRow = (name: string, entry: number, over: Partial<ComparisonRow> = {}): ComparisonRow =>
    row({ case: name, module: "LSTM", passed: false, status: "xfail", headroom: -1, expectation: { entry, reason: "r" }, ...over });
  const xpassRow = (name: string, tensor: string): ComparisonRow => row({ case: name, module: "LSTM", tensor, status: "xpass", expectation: { entry: 0, reason: "flaky" } });
  const result = check(
    [
      xpassRow("LSTM-a-float32", "output"),
      xpassRow("LSTM-a-float32", "h_n"),
      xfailRow("LSTM-a-float64", 0, { dtype: "float64" }),
      xfailRow("GRU-h1-float32", 3, { module: "GRU" }),
      xfailRow("GRU-h2-float32", 3, { module: "GRU", oracle: "onnxruntime" }),
      row({ case: "RNN-plain-float32" }),
    ],
    {
      cases: 9,
      errors: [
        caseError("GRU-h3-float32", "m3", { entry: 3, reason: "drift" }),
        caseError("GRU-e1-float32", "m4\u0001", { entry: 4, reason: "errs" }),
        caseError("GRU-e2-float32", "m5", { entry: 4, reason: "errs" }),
        caseError("GRU-other-float32", "unexpected"),
      ],
      expectations: {
        file: "exp\u0002.json",
        implementation: "ext",
        entries: [
          outcome({ entry: 0, case: "LSTM-a-*", oracle: "torch", verdict: "xpass", reason: "flaky", link: "https://x/1", expectedFailures: 1, unexpectedPasses: 2 }),
          outcome({ entry: 1, case: "GRU-zzz", verdict: "stale" }),
          outcome({ entry: 2, case: "GRU-yyy", tensor: "h_n", verdict: "stale" }),
          outcome({ entry: 3, case: "GRU-h-*", tensor: "output", verdict: "held", reason: "drift", expectedFailures: 2, expectedErrors: 1 }),
          outcome({ entry: 4, case: "GRU-e-*", verdict: "held", reason: "errs", expectedErrors: 2 }),
          outcome({ entry: 5, case: "RNN-n", verdict: "not exercised" }),
          outcome({ entry: 6, case: "RNN-m", verdict: "not exercised" }),
        ],
      },
    },
  );
  const xpassAndStale = [
    "",
    "Unexpected passes (2)",
    '✗ expectedFailures[0] (case "LSTM-a-*", oracle torch) expects a failure, but these passed:',
    "  LSTM-a-float32 · torch: output, h_n",
    "  reason given: flaky (https://x/1)",
    "  remove or narrow the entry in exp\\u0002.json",
    "",
    "",
    "Stale expectations (2)",
    '✗ expectedFailures[1] (case "GRU-zzz"): matches no comparison of this run',
    '✗ expectedFailures[2] (case "GRU-yyy", tensor h_n): matches no comparison of this run',
    "  remove or fix them in exp\\u0002.json",
    "",
    "Expected failures (3 and 3 case errors)",
  ];
  const held0 = '~ expectedFailures[0] (case "LSTM-a-*", oracle torch): 1 comparison in 1 case failed as expected: flaky (https://x/1)';
  const held3 = '~ expectedFailures[3] (case "GRU-h-*", tensor output): 2 comparisons and 1 case error in 3 cases failed as expected: drift';
  const held4 = '~ expectedFailures[4] (case "GRU-e-*"): 2 case errors in 2 cases failed as expected: errs';
  const idle = "not exercised by this narrowed run: expectedFailures[5], expectedFailures[6]";
  const terse = [...xpassAndStale, held0, held3, held4, idle];
  const verbose = [
    ...xpassAndStale,
    held0,
    "  LSTM-a-float64 · torch: output",
    held3,
    "  GRU-h1-float32 · torch: output",
    "  GRU-h2-float32 · onnxruntime: output",
    "  GRU-h3-float32: m3",
    held4,
    "  GRU-e1-float32: m4\\u0001",
    "  GRU-e2-float32: m5",
    idle,
  ];

  it.each([
    ["terse", false, terse],
    ["verbose: the rows and errors each entry held", true, verbose],
  ])("every section, %s", (_what, isVerbose, want) => {
    expect(expectationLines(result, PLAIN, isVerbose)).toEqual(want);
  });

  it.each([
    ["verbose unset", { color: false }, terse],
    ["verbose: false", { color: false, verbose: false }, terse],
    ["verbose: true", { color: false, verbose: true }, verbose],
  ])("renderPretty passes --verbose on to them (%s), followed by a blank line", (_what, options, want) => {
    const out = lines(renderPretty(result, options));
    const start = out.indexOf("Unexpected passes (2)") - 1;
    expect(out.slice(start, start + want.length + 2)).toEqual([...want, "", "FAILED 9 cases, 6 comparisons: 1 passed, 0 failed, 3 expected failures, 2 unexpected passes, 2 stale expectations, 1 case error, 3 expected case errors (1 case)"]);
  });

  it.each([
    ["no expectations file", null, []],
    ["an empty file", { file: "e.json", implementation: "x", entries: [] }, []],
    ["only not-exercised entries", { file: "e.json", implementation: "x", entries: [outcome({ entry: 0, case: "a", verdict: "not exercised" })] }, ["not exercised by this narrowed run: expectedFailures[0]"]],
    [
      "one held entry, one comparison, no case errors",
      { file: "e.json", implementation: "x", entries: [outcome({ entry: 0, case: "LSTM-a-*", verdict: "held", expectedFailures: 1 })] },
      ["", "Expected failures (1)", '~ expectedFailures[0] (case "LSTM-a-*"): 1 comparison in 1 case failed as expected: why', "  LSTM-a-float32 · torch: output"],
    ],
  ])("%s", (_what, expectations: ExpectationsReport | null, want) => {
    const r = check([xfailRow("LSTM-a-float32", 0)], { cases: 1, expectations });
    expect(expectationLines(r, PLAIN, true)).toEqual(want);
  });
});

/** The body of the page up to the group table's placeholder (the assets and data come after). */
function body(html: string): string[] {
  const all = html.split("\n");
  return all.slice(all.indexOf("<body>") + 1, all.indexOf('<div id="groups"></div>'));
}

function reportData(html: string): { raw: string; data: unknown } {
  const open = '<script type="application/json" id="report-data">';
  const start = html.indexOf(open) + open.length;
  const raw = html.slice(start, html.indexOf("</script>", start));
  return { raw, data: JSON.parse(raw) as unknown };
}

describe("HTML report", () => {
  const odd = "RNN-<x>\u2028\u2029-float32";
  const passing = check([row({ case: odd }), row({ case: "GRU-g-float32", module: "GRU", file: "fx/g.msgpack", maxAbsDiff: 0, headroom: 1 })], { cases: 2 });
  const passingHtml = renderHtml(passing);

  it("a passing run: title, verdict, counts, header line, failures hidden, no errors or expectations sections", () => {
    expect(passingHtml).toContain("\n<title>rnn-parity check: PASSED</title>\n");
    expect(body(passingHtml)).toEqual([
      '<h1>rnn-parity 0.1.0 check: <span class="verdict pass">PASSED</span></h1>',
      '<p id="counts">2 cases, 2 comparisons: 2 passed, 0 failed</p>',
      `<p class="muted">oracles torch, onnxruntime · tolerances: torch.testing.assert_close defaults (${DEFAULT_TOLERANCES}) · started 2025-01-01T00:00:00.000Z</p>`,
      '<section id="failures-section" hidden><h2>Failures</h2><ol id="failures"></ol></section>',
      "<h2>Summary per module, dtype and oracle</h2>",
    ]);
  });

  it("the embedded data: the JSON report and the groups, with <, U+2028 and U+2029 escaped", () => {
    const { raw, data } = reportData(passingHtml);
    expect(raw).toContain('"case":"RNN-\\u003cx>\\u2028\\u2029-float32"');
    expect(raw).not.toContain("<");
    expect(raw).not.toContain("\u2028");
    expect(raw).not.toContain("\u2029");
    expect(data).toEqual({
      report: JSON.parse(renderJson(passing)) as unknown,
      groups: [
        {
          module: "RNN",
          dtype: "float32",
          oracle: "torch",
          cases: 1,
          tensors: 1,
          passed: 1,
          expected: 0,
          failing: 0,
          worstAbsDiff: 2.384185791015625e-7,
          worstHeadroom: 0.9762,
          worstCase: odd,
          worstFile: "fixtures/float32/RNN-tanh-bidir-L2-float32.msgpack",
          worstTensor: "output",
        },
        { module: "GRU", dtype: "float32", oracle: "torch", cases: 1, tensors: 1, passed: 1, expected: 0, failing: 0, worstAbsDiff: 0, worstHeadroom: 1, worstCase: "GRU-g-float32", worstFile: "fx/g.msgpack", worstTensor: "output" },
      ],
    });
  });

  it("non-finite group numbers are written as the JSON report writes them", () => {
    const r = check([failed({ maxAbsDiff: NaN, headroom: -Infinity })], { cases: 1 });
    const { data } = reportData(renderHtml(r));
    expect((data as { groups: unknown[] }).groups).toEqual([
      {
        module: "RNN",
        dtype: "float32",
        oracle: "torch",
        cases: 1,
        tensors: 1,
        passed: 0,
        expected: 0,
        failing: 1,
        worstAbsDiff: "NaN",
        worstHeadroom: "-Infinity",
        worstCase: BASE_ROW.case,
        worstFile: BASE_ROW.file,
        worstTensor: "output",
      },
    ]);
  });

  it("a failing run: counts with skipped, unsupported and --fail-fast; filters; errors and expectations sections, escaped", () => {
    const r = check([failed({ case: "RNN-f-float32" }), row({ case: "RNN-p-float32" })], {
      cases: 5,
      skipped: [skip("a"), skip("b")],
      unsupported: 1,
      notRun: 3,
      implementation: { name: "ext<&>", version: "2.0" },
      filters: ["RNN-*", 'a<b>&"c"'],
      errors: [caseError("GRU-<e>-float32", "boom & <bang>"), caseError("GRU-x-float32", 'held "back"', { entry: 1, reason: "known <bug>" })],
      expectations: {
        file: "exp&.json",
        implementation: "ext<&>",
        entries: [
          outcome({ entry: 0, case: "LSTM-<a>-*", oracle: "torch", verdict: "xpass", reason: "flaky & odd", link: "https://x/?a=1&b=2", unexpectedPasses: 1 }),
          outcome({ entry: 1, case: "GRU-x-*", verdict: "held", reason: "known <bug>", expectedErrors: 1 }),
          outcome({ entry: 2, case: "GRU-z", tensor: "h_n", verdict: "stale", reason: '"old"' }),
          outcome({ entry: 3, case: "RNN-n", tensor: "output", oracle: "onnxruntime", verdict: "not exercised", expectedFailures: 4 }),
        ],
      },
    });
    const html = renderHtml(r);
    expect(html).toContain("\n<title>rnn-parity check: FAILED</title>\n");
    expect(body(html)).toEqual([
      '<h1>rnn-parity 0.1.0 check: <span class="verdict fail">FAILED</span></h1>',
      '<p id="counts">ext&lt;&amp;&gt; 2.0: 5 cases, 2 comparisons: 1 passed, 1 failed, 1 stale expectation, 1 case error, 1 expected case error; onnxruntime skipped for 2 cases without a model; 1 case unsupported by ext&lt;&amp;&gt;; --fail-fast stopped the run, 3 cases not run</p>',
      `<p class="muted">oracles torch, onnxruntime · tolerances: torch.testing.assert_close defaults (${DEFAULT_TOLERANCES}) · filter RNN-* | a&lt;b&gt;&amp;&quot;c&quot; · started 2025-01-01T00:00:00.000Z</p>`,
      '<section id="failures-section"><h2>Failures</h2><ol id="failures"></ol></section>',
      '<section id="errors-section"><h2>Errors: the implementation could not run these cases</h2><ol id="errors">',
      '<li class="fail">GRU-&lt;e&gt;-float32<pre class="message">boom &amp; &lt;bang&gt;</pre></li>',
      '<li>GRU-x-float32 (expected: expectedFailures[1], known &lt;bug&gt;)<pre class="message xfail">held &quot;back&quot;</pre></li>',
      "</ol></section>",
      "<h2>Expectations</h2>",
      '<p class="muted">exp&amp;.json · implementation ext&lt;&amp;&gt;</p>',
      '<table id="expectations"><thead><tr><th class="num">entry</th><th>case</th><th>tensor</th><th>oracle</th><th>verdict</th><th class="num">expected failures</th><th class="num">unexpected passes</th><th>reason</th></tr></thead><tbody>',
      '<tr><td class="num">0</td><td>LSTM-&lt;a&gt;-*</td><td>any</td><td>torch</td><td class="fail">unexpected pass</td><td class="num">0</td><td class="num">1</td><td>flaky &amp; odd · https://x/?a=1&amp;b=2</td></tr>',
      '<tr><td class="num">1</td><td>GRU-x-*</td><td>any</td><td>any</td><td>expected failure</td><td class="num">0</td><td class="num">0</td><td>known &lt;bug&gt;</td></tr>',
      '<tr><td class="num">2</td><td>GRU-z</td><td>h_n</td><td>any</td><td class="fail">stale</td><td class="num">0</td><td class="num">0</td><td>&quot;old&quot;</td></tr>',
      '<tr><td class="num">3</td><td>RNN-n</td><td>output</td><td>onnxruntime</td><td>not exercised</td><td class="num">4</td><td class="num">0</td><td>why</td></tr>',
      "</tbody></table>",
      "<h2>Summary per module, dtype and oracle</h2>",
    ]);
  });

  it.each([
    ["a failure only", [failed({})], ""],
    ["an unexpected pass only", [row({ status: "xpass", expectation: { entry: 0, reason: "r" } })], ""],
    ["an expected failure only", [row({ passed: false, status: "xfail", expectation: { entry: 0, reason: "r" } })], " hidden"],
    ["passes only", [row({})], " hidden"],
  ])("the failures section is shown for failing comparisons: %s", (_what, rows, hidden) => {
    expect(body(renderHtml(check(rows, { cases: 1 })))[3]).toBe(`<section id="failures-section"${hidden}><h2>Failures</h2><ol id="failures"></ol></section>`);
  });

  it("counts: one case each for skipped, unsupported and not run (singular)", () => {
    const r = check([row({})], { cases: 1, skipped: [skip("a")], unsupported: 1, notRun: 1 });
    expect(body(renderHtml(r))[1]).toBe(
      '<p id="counts">1 case, 1 comparison: 1 passed, 0 failed; onnxruntime skipped for 1 case without a model; 1 case unsupported by rnn-parity; --fail-fast stopped the run, 1 case not run</p>',
    );
  });

  it("carries uPlot's assets and its own style inline, made safe", () => {
    const assets = htmlAssets();
    expect(passingHtml).toContain(`\n<style>${inlineSafe(assets.uplotCss)}</style>\n`);
    expect(passingHtml).toContain(`\n<script>${inlineSafe(assets.uplotJs)}</script>\n`);
  });
});

describe("html assets", () => {
  it("are read once and cached", () => {
    const first = htmlAssets();
    expect(htmlAssets()).toBe(first);
    expect(first.uplotJs.length).toBeGreaterThan(1000);
    expect(first.uplotCss.length).toBeGreaterThan(100);
  });

  it.each([
    ["plain text unchanged", "a < b && c > d", "a < b && c > d"],
    ["a closing script tag", "x</script>y", "x<\\/script>y"],
    ["a closing style tag, any case", "x</STYLE >y</Script", "x<\\/STYLE >y<\\/Script"],
    ["an HTML comment opener", "a<!--b<!--", "a<\\!--b<\\!--"],
    ["other closing tags left alone", "</div></scripts", "</div><\\/scripts"],
  ])("inlineSafe: %s", (_what, text, want) => {
    expect(inlineSafe(text)).toBe(want);
  });
});
