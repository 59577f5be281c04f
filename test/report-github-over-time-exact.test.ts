/**
 * Exact output of src/node/report/github.ts (the ::error/::notice/::warning workflow commands with
 * GitHub's escaping, the 50-annotation and 50-failure caps, the step-summary Markdown line by line)
 * and of src/node/report/over-time.ts (which tensors get a series, and each step's exact values).
 * Every expected string is written from the source and GitHub's workflow-command format; the
 * synthetic results describe a report, never a parity claim.
 */
import { describe, expect, it, vi } from "vitest";
import type { SequenceConfig } from "../src/core/format/types.js";
import { Int64Tensor } from "../src/core/tensor/int64-tensor.js";
import { Tensor } from "../src/core/tensor/tensor.js";
import { renderGithub, renderGithubSummary } from "../src/node/report/github.js";
import type { CaseError, CheckResult, ComparisonRow, ExpectationOutcome, ExpectationsReport, SkippedOracle } from "../src/node/report/model.js";
import { errorOverTime } from "../src/node/report/over-time.js";
import { renderPretty } from "../src/node/report/pretty.js";
import { summarize } from "../src/node/report/summary.js";

// Colour on whenever a caller does not say otherwise, so a reporter that forgets `color: false` shows.
vi.mock("picocolors", async (importOriginal) => {
  const pc = (await importOriginal<{ default: typeof import("picocolors") }>()).default;
  return { default: { ...pc, createColors: (enabled = true) => pc.createColors(enabled) } };
});

const rnnConfig = { input_size: 1, hidden_size: 3, num_layers: 1, nonlinearity: "tanh" as const, bias: true, batch_first: false, dropout: 0, bidirectional: false };

function row(over: Partial<ComparisonRow>): ComparisonRow {
  return {
    case: "case-a", file: "fx/a.msgpack", module: "RNN", config: rnnConfig, dtype: "float32", oracle: "torch", tensor: "output",
    shape: [2, 3], maxAbsDiff: 2.384185791015625e-7, maxRelDiff: 0, worstIndex: [0, 0], mismatched: 0, total: 6,
    rtol: 1.3e-6, atol: 1e-5, passed: true, headroom: 0.9762, message: "", durationMs: 1, ...over,
    tensorDtype: over.tensorDtype ?? over.dtype ?? "float32",
    status: over.status ?? (over.passed === false ? "failed" : "passed"),
  };
}

function outcome(over: Partial<ExpectationOutcome> & Pick<ExpectationOutcome, "entry" | "case" | "verdict">): ExpectationOutcome {
  return { reason: `r${over.entry}`, expectedFailures: 0, unexpectedPasses: 0, expectedErrors: 0, ...over };
}

function caseError(over: Partial<CaseError>): CaseError {
  return { case: "E1", file: "fx/e1.msgpack", module: "RNN", dtype: "float32", message: "boom", status: "error", ...over };
}

interface Parts {
  comparisons?: ComparisonRow[];
  errors?: CaseError[];
  expectations?: ExpectationsReport | null;
  skipped?: SkippedOracle[];
  cases?: number;
  notRun?: number;
  unsupported?: number;
  implementation?: CheckResult["implementation"];
  oracles?: CheckResult["oracles"];
  overrides?: CheckResult["overrides"];
}

function result(p: Parts): CheckResult {
  const comparisons = p.comparisons ?? [];
  const errors = p.errors ?? [];
  const expectations = p.expectations ?? null;
  const skipped = p.skipped ?? [];
  return {
    startedAt: "2025-01-01T00:00:00.000Z", durationMs: 1, toolVersion: "0.1.0",
    implementation: p.implementation ?? { name: "rnn-parity", version: "0.1.0" },
    oracles: p.oracles ?? ["torch", "onnxruntime"],
    defaults: { float32: { rtol: 1.3e-6, atol: 1e-5 }, float64: { rtol: 1e-7, atol: 1e-7 } },
    overrides: p.overrides ?? {}, filters: [], failFast: false,
    summary: summarize(comparisons, skipped, p.cases ?? 2, p.notRun ?? 0, p.unsupported ?? 0, expectations, errors),
    comparisons, skipped, unsupported: [], errors, expectations,
  };
}

const failed = (i: number): ComparisonRow =>
  row({ case: `F${i}`, file: `fx/f${i}.msgpack`, passed: false, headroom: -1, maxAbsDiff: 0.5, mismatched: 1, message: "m" });

describe("renderGithub: the workflow commands, exactly", () => {
  const exp = (entry: number, reason = `r${entry}`) => ({ entry, reason });
  const annotated = result({
    comparisons: [
      row({ case: "C1", file: "fx/a:b,c.msgpack", passed: false, headroom: -1, maxAbsDiff: 0.5, worstIndex: [1, 2], mismatched: 1, message: "50% off\r\nline2" }),
      row({ case: "C2", file: "fx/c2.msgpack", dtype: "float64", tensor: "h_n", shape: [1], passed: false, headroom: -Infinity, maxAbsDiff: NaN, worstIndex: [], mismatched: 1, total: 1, message: "m2" }),
      row({ case: "X1", status: "xpass", expectation: exp(0) }),
      row({ case: "X2", oracle: "onnxruntime", status: "xpass", expectation: exp(0) }),
      row({ case: "X1", tensor: "h_n", status: "xpass", expectation: exp(0) }),
      row({ case: "Y1", status: "xpass", expectation: exp(3) }),
      row({ case: "X3", passed: false, status: "xfail", expectation: exp(0) }),
      row({ case: "P1" }),
    ],
    errors: [caseError({ message: "boom, 100%" }), caseError({ case: "E2", status: "xfail", expectation: exp(4) })],
    expectations: {
      file: "ci/expect.json",
      implementation: "rnn-parity",
      entries: [
        outcome({ entry: 0, case: "X*", verdict: "xpass", link: "https://x/0", unexpectedPasses: 3, expectedFailures: 1 }),
        outcome({ entry: 1, case: "Z*", verdict: "stale" }),
        outcome({ entry: 2, case: "H*", verdict: "held", link: "L2", expectedFailures: 3 }),
        outcome({ entry: 3, case: "Y1", tensor: "output", oracle: "torch", verdict: "xpass", unexpectedPasses: 1 }),
        outcome({ entry: 4, case: "E*", verdict: "held", expectedFailures: 2, expectedErrors: 2 }),
        outcome({ entry: 5, case: "N*", verdict: "not exercised" }),
      ],
    },
  });

  it("prints the uncoloured pretty report, then one command per line in a fixed order", () => {
    const text = renderGithub(annotated, { root: process.cwd() });
    const pretty = renderPretty(annotated, { color: false });
    expect(text.startsWith(pretty)).toBe(true);
    expect(text).not.toContain("\u001b");
    expect(text.slice(pretty.length).split("\n")).toEqual([
      "::error file=fx/a%3Ab%2Cc.msgpack,title=rnn-parity%3A C1 (torch)::output [2, 3] float32: 2.00x tolerance at index (1, 2), max abs diff 5.00e-1, 1/6 mismatched%0A50%25 off%0D%0Aline2",
      "::error file=fx/c2.msgpack,title=rnn-parity%3A C2 (torch)::h_n [1] float64: -inf, max abs diff nan, 1/1 mismatched%0Am2",
      "::error file=fx/e1.msgpack,title=rnn-parity%3A E1 (the implementation could not run it)::boom, 100%25",
      '::error file=ci/expect.json,title=rnn-parity%3A unexpected pass%2C expectedFailures[0] (case "X*")::expects a failure, but passed: X1 (torch), X2 (onnxruntime)%0Areason given: r0 (https://x/0)',
      '::error file=ci/expect.json,title=rnn-parity%3A stale expectation%2C expectedFailures[1] (case "Z*")::matches no comparison of this run; remove or fix it%0Areason given: r1',
      '::error file=ci/expect.json,title=rnn-parity%3A unexpected pass%2C expectedFailures[3] (case "Y1"%2C tensor output%2C oracle torch)::expects a failure, but passed: Y1 (torch)%0Areason given: r3',
      '::notice file=ci/expect.json,title=rnn-parity%3A expected failure%2C expectedFailures[2] (case "H*")::3 comparisons failed as expected: r2 (L2)',
      '::notice file=ci/expect.json,title=rnn-parity%3A expected failure%2C expectedFailures[4] (case "E*")::2 comparisons and 2 case errors failed as expected: r4',
      "",
    ]);
  });

  it.each([
    { n: 50, warning: [] },
    { n: 51, warning: ["::warning title=rnn-parity::1 more annotation not shown; see the job summary or the report"] },
    { n: 53, warning: ["::warning title=rnn-parity::3 more annotations not shown; see the job summary or the report"] },
  ])("$n failures: at most 50 annotations, then one warning", ({ n, warning }) => {
    const r = result({ comparisons: Array.from({ length: n }, (_, i) => failed(i)) });
    const lines = renderGithub(r, { root: process.cwd() }).slice(renderPretty(r, { color: false }).length).split("\n");
    const shown = Array.from({ length: 50 }, (_, i) => `::error file=fx/f${i}.msgpack,title=rnn-parity%3A F${i} (torch)::output [2, 3] float32: 2.00x tolerance at index (0, 0), max abs diff 5.00e-1, 1/6 mismatched%0Am`);
    expect(lines).toEqual([...shown, ...warning, ""]);
  });
});

const TABLE_HEAD = [
  "| module | dtype | oracle | cases | tensors passed | worst abs diff | worst headroom | worst case |",
  "| --- | --- | --- | ---: | ---: | ---: | ---: | --- |",
];
const DEFAULTS = "float32 rtol=1.3e-6 atol=1e-5; float64 rtol=1e-7 atol=1e-7";

describe("renderGithubSummary: the step summary, exactly", () => {
  const passing = [row({}), row({ case: "case-b", file: "fx/b.msgpack", headroom: 0.5 })];
  it.each([
    { name: "without expectations", expectations: null },
    { name: "with an expectations file of no entries", expectations: { file: "e.json", implementation: "rnn-parity", entries: [] } },
  ])("a passing run $name: verdict, counts, tolerances, the group table, nothing more", ({ expectations }) => {
    expect(renderGithubSummary(result({ comparisons: passing, expectations })).split("\n")).toEqual([
      "## rnn-parity check: ✅ PASSED",
      "",
      "2 cases, 2 comparisons: 2 passed, 0 failed",
      "",
      `oracles torch, onnxruntime; tolerances: torch.testing.assert_close defaults (${DEFAULTS})`,
      "",
      ...TABLE_HEAD,
      "| RNN | float32 | torch | 2 | 2/2 | 2.38e-7 | 50.0% | case-b output |",
      "",
      "",
    ]);
  });

  it("a failing run: every optional part, cells escaped, entries sorted by verdict then index", () => {
    const q = { case: "q", file: "fx/q.msgpack", module: "GRU" as const, dtype: "float64" as const };
    const r = result({
      implementation: { name: "ext", version: "2.0" },
      oracles: ["torch"],
      overrides: { atol: 0.5 },
      cases: 3,
      notRun: 4,
      unsupported: 2,
      skipped: [{ case: "q", file: "fx/q.msgpack", module: "GRU", dtype: "float64", oracle: "onnxruntime", reason: "no model" }],
      comparisons: [
        row({ case: "a|b\r\nc<d>&", file: "fx/<f&1>.msgpack", passed: false, headroom: -1, maxAbsDiff: 0.5, worstIndex: [0, 1], mismatched: 2, message: "x ```py\ny```" }),
        row({ ...q, tensor: "h_n", shape: [1, 2], passed: false, status: "xfail", headroom: -0.5, maxAbsDiff: 0.25, expectation: { entry: 0, reason: "r0" } }),
        row({ ...q, headroom: 0.5, maxAbsDiff: 0.125 }),
      ],
      errors: [caseError({ case: "e|1", message: "bad `x`\nmore <a&b>" }), caseError({ case: "e2", status: "xfail" }), caseError({ case: "e3", message: "`tick`" }), caseError({ case: "e4", message: "`start a|b\r\nnext" }), caseError({ case: "e5", message: "end`" })],
      expectations: {
        file: "ci/exp.json",
        implementation: "ext",
        entries: [
          outcome({ entry: 4, case: "H2", tensor: "output", verdict: "held", expectedFailures: 1 }),
          outcome({ entry: 3, case: "N", tensor: "h_n", oracle: "torch", verdict: "not exercised" }),
          outcome({ entry: 0, case: "H*", verdict: "held", reason: "r<0>", link: "https://l/0", expectedFailures: 1 }),
          outcome({ entry: 1, case: "X|<", oracle: "onnxruntime", verdict: "xpass", unexpectedPasses: 2 }),
          outcome({ entry: 2, case: "S", verdict: "stale", link: "L" }),
        ],
      },
    });
    expect(renderGithubSummary(r).split("\n")).toEqual([
      "## rnn-parity check: ❌ FAILED",
      "",
      "ext 2.0: 3 cases, 3 comparisons: 1 passed, 1 failed, 1 expected failure, 1 stale expectation, 4 case errors, 1 expected case error" +
        "; onnxruntime skipped for 1 case without a model; 2 cases unsupported; --fail-fast: 4 cases not run",
      "",
      `oracles torch; tolerances: OVERRIDDEN atol=5e-1 (torch.testing.assert_close defaults: ${DEFAULTS})`,
      "",
      ...TABLE_HEAD,
      "| RNN | float32 | torch | 1 | **0/1** | 5.00e-1 | 2.00x tolerance | a\\|b c&lt;d&gt;&amp; output |",
      "| GRU | float64 | torch | 1 | 1/2 (1 xfail) | 2.50e-1 | 1.50x tolerance | q h_n |",
      "",
      "### Failures (1)",
      "",
      "<details><summary>a\\|b c&lt;d&gt;&amp; · torch · output [2, 3] float32: 2.00x tolerance at index (0, 1), max abs diff 5.00e-1, 2/6 mismatched</summary>",
      "",
      // Code is literal: no HTML entities in it, and its fence outgrows the backticks inside.
      "`fx/<f&1>.msgpack`",
      "",
      "````text",
      "x ```py",
      "y```",
      "````",
      "</details>",
      "",
      "### Errors (4): the implementation could not run these cases",
      "",
      "- e\\|1: ``bad `x` more <a&b>``",
      "- e3: `` `tick` ``",
      // Outside a table a pipe stays as it is; CR LF is one space.
      "- e4: `` `start a|b next ``",
      "- e5: `` end` ``",
      "",
      "### Expectations (`ci/exp.json`)",
      "",
      "| entry | case | tensor | oracle | verdict | expected failures | unexpected passes | reason |",
      "| --- | --- | --- | --- | --- | ---: | ---: | --- |",
      "| 1 | `X\\|<` | any | onnxruntime | **unexpected pass** | 0 | 2 | r1 |",
      "| 2 | `S` | any | any | **stale** | 0 | 0 | r2 L |",
      "| 0 | `H*` | any | any | expected failure | 1 | 0 | r&lt;0&gt; https://l/0 |",
      "| 4 | `H2` | output | any | expected failure | 1 | 0 | r4 |",
      "| 3 | `N` | h_n | torch | not exercised | 0 | 0 | r3 |",
      "",
      "",
    ]);
  });

  it.each([
    { n: 50, more: [] },
    { n: 51, more: ["", "… and 1 more (see the report artifact)."] },
    { n: 52, more: ["", "… and 2 more (see the report artifact)."] },
  ])("$n failures and $n case errors: at most 50 of each are written out", ({ n, more }) => {
    const r = result({ comparisons: Array.from({ length: n }, (_, i) => failed(i)), errors: Array.from({ length: n }, (_, i) => caseError({ case: `E${i}` })) });
    const lines = renderGithubSummary(r).split("\n");
    const details = (i: number): string[] => [
      `<details><summary>F${i} · torch · output [2, 3] float32: 2.00x tolerance at index (0, 0), max abs diff 5.00e-1, ${"1/6"} mismatched</summary>`,
      "", `\`fx/f${i}.msgpack\``, "", "```text", "m", "```", "</details>",
    ];
    const start = lines.indexOf(`### Failures (${n})`);
    expect(start).toBeGreaterThan(0);
    expect(lines.slice(start)).toEqual([
      `### Failures (${n})`,
      "",
      ...Array.from({ length: 50 }, (_, i) => details(i)).flat(),
      ...more,
      "",
      `### Errors (${n}): the implementation could not run these cases`,
      "",
      ...Array.from({ length: 50 }, (_, i) => `- E${i}: \`boom\``),
      "",
      "",
    ]);
  });
});

describe("errorOverTime: which tensors get a series, and its exact values", () => {
  const TOL = { rtol: 0, atol: 1 };
  const cfg = (over: Partial<SequenceConfig>): SequenceConfig => ({ ...rnnConfig, ...over }) as SequenceConfig;
  const t = (shape: number[], values?: number[]): Tensor => {
    const n = shape.reduce((a, b) => a * b, 1);
    return new Tensor(Float64Array.from(values ?? new Array<number>(n).fill(0)), shape);
  };
  const ints = new Int64Tensor([0, 0, 0, 0], [2, 2]);

  it.each([
    { name: "int64 actual", actual: ints, expected: t([2, 2]), config: cfg({}) },
    { name: "int64 expected", actual: t([2, 2]), expected: ints, config: cfg({}) },
    { name: "rank 1", actual: t([4]), expected: t([4]), config: cfg({}) },
    { name: "rank 4", actual: t([2, 1, 1, 2]), expected: t([2, 1, 1, 2]), config: cfg({}) },
    { name: "features not split in two directions", actual: t([2, 3]), expected: t([2, 3]), config: cfg({ bidirectional: true }) },
  ])("no series: $name", ({ actual, expected, config }) => {
    expect(errorOverTime(actual, expected, config, TOL)).toBeUndefined();
  });

  it.each([
    {
      name: "unbatched (L=3, H=2) with batch_first: steps are rows",
      shape: [3, 2], config: cfg({ batch_first: true }), values: [0.5, 0, 0, 0.25, 0, 0],
      out: { directions: ["forward"], maxAbsDiff: [[0.5, 0.25, 0]], headroom: [[0.5, 0.75, 1]] },
    },
    {
      name: "unbatched (L=2, H=1): every row counted once",
      shape: [2, 1], config: cfg({}), values: [0.5, 0],
      out: { directions: ["forward"], maxAbsDiff: [[0.5, 0]], headroom: [[0.5, 1]] },
    },
    {
      name: "batch-first bidirectional (N=2, L=3, 2*H=2)",
      shape: [2, 3, 2], config: cfg({ batch_first: true, bidirectional: true }), values: [0.125, 0, 0, 0.5, 0, 0, 0, 0.25, 0, 0, 0.75, 0],
      out: { directions: ["forward", "reverse"], maxAbsDiff: [[0.125, 0, 0.75], [0.25, 0.5, 0]], headroom: [[0.875, 1, 0.25], [0.75, 0.5, 1]] },
    },
  ])("$name", ({ shape, config, values, out }) => {
    expect(errorOverTime(t(shape, values), t(shape), config, TOL)).toEqual(out);
  });
});
