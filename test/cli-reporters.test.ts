/** The three reporters as pure functions of a small synthetic CheckResult. */
import { describe, expect, it } from "vitest";
import { renderJson } from "../src/node/report/json.js";
import { escapeAttr, escapeText, renderJunit } from "../src/node/report/junit.js";
import { formatHeadroom } from "../src/node/report/format.js";
import { renderPretty } from "../src/node/report/pretty.js";
import { FAILING_CASE, syntheticResult } from "./helpers/check-result.js";
import { validateJsonReport } from "./helpers/json-report-schema.js";
import { xmlProblems } from "./helpers/xml-wellformed.js";

describe("pretty reporter (default)", () => {
  const text = renderPretty(syntheticResult(), { color: false });
  const lines = text.trimEnd().split("\n");

  it("has one header line and a row per module x dtype x oracle, then the failures and a verdict", () => {
    expect(lines[0]).toBe("rnn-parity 0.1.0 check · oracles torch, onnxruntime · assert_close default tolerances");
    expect(lines[1]).toMatch(/^module +dtype +oracle +cases +tensors +worst abs +headroom +worst case$/);
    expect(lines[2]).toMatch(/^RNNCell +float64 +torch +2 +0\/2 +nan +-inf +relu-nan$/);
    expect(lines[3]).toMatch(/^RNN +float32 +torch +1 +2\/2 +2\.38e-7 +97\.6% +tanh-bidir-L2$/);
    expect(lines[4]).toMatch(/^RNN +float32 +onnxruntime +1 +2\/2 +0 +100\.0% +tanh-bidir-L2$/);
    expect(lines[5]).toMatch(/^RNN +float32 +onnxruntime-vs-torch +1 +2\/2 +2\.38e-7 +97\.0% +tanh-bidir-L2$/);
    expect(lines[6]).toBe("");
    expect(lines.at(-2)).toBe("FAILED 3 cases, 8 comparisons: 6 passed, 2 failed (2 cases)");
    expect(lines.at(-1)).toBe("skipped: onnxruntime for 1 case without an ONNX model");
    for (const line of lines.slice(0, 6)) expect([...line].length).toBeLessThanOrEqual(100);
  });

  it("prints each failure in full: case, oracle, tensor, times over tolerance, worst index, file, message", () => {
    const failures = text.slice(text.indexOf("Failures (2)"));
    expect(failures).toContain(`✗ ${FAILING_CASE}\n  torch · h_prime [4, 5] float64: 7143x tolerance at index (2, 3)`);
    expect(failures).toContain("  file: fixtures/float64/x.msgpack\n");
    expect(failures).toContain("  Greatest absolute difference: 0.001 at index (2, 3) (up to 1e-07 allowed)");
    expect(failures).toContain("torch.Size([4, 6]) != torch.Size([4, 5])");
    expect(failures).toContain("\\u0001");
  });

  it("colours only when asked", () => {
    expect(text).not.toContain("\u001b[");
    expect(renderPretty(syntheticResult(), { color: true })).toContain("\u001b[");
  });

  it("announces tolerance overrides and filters in the header", () => {
    const result = { ...syntheticResult(), overrides: { rtol: 1e-3 }, filters: ["RNN-*"] };
    const head = renderPretty(result, { color: false }).split("\n");
    expect(head[1]).toContain("tolerances: OVERRIDDEN rtol=1e-3 (torch.testing.assert_close defaults:");
    expect(head[2]).toBe("filter: RNN-*");
  });

  it("says so when --fail-fast stopped the run", () => {
    const result = syntheticResult();
    result.summary = { ...result.summary, stoppedEarly: true, notRun: 5 };
    expect(renderPretty(result, { color: false })).toContain("--fail-fast: stopped after the first failing case; 5 cases not run");
  });
});

describe("pretty reporter --verbose", () => {
  const text = renderPretty(syntheticResult(), { color: false, verbose: true });

  it("adds a table per module with a row per case, oracle and tensor", () => {
    expect(text).toMatch(/^RNN$/m);
    expect(text).toMatch(/^RNNCell$/m);
    for (const name of ["RNN-tanh-bidir-L2-float32", FAILING_CASE, "RNNCell-relu-nan-float64"]) expect(text).toContain(name);
    expect(text).toContain("output [5, 3, 12]");
    expect(text).toContain("h_prime [4, 5]");
    expect(text.match(/PASS/g)).toHaveLength(6);
    expect(text).toContain("tolerances: torch.testing.assert_close defaults (float32 rtol=1.3e-6 atol=1e-5; float64 rtol=1e-7 atol=1e-7)");
  });

  it("shows diffs, mismatched/total, tolerances and headroom in every row", () => {
    expect(text).toContain("2.38e-7");
    expect(text).toContain("1/20");
    expect(text).toContain("1.3e-6 / 1e-5");
    expect(text).toContain("1e-7 / 1e-7");
    expect(text).toContain("97.6%");
    expect(text).toContain("100.0%");
    expect(text).toContain("7143x tolerance");
    expect(text).toContain("-inf");
  });
});

describe("headroom as a person reads it", () => {
  it.each([
    [1, "100.0%"],
    [0.9999999, ">99.9%"],
    [0.941, "94.1%"],
    [0, "0.0%"],
    [-30.7, "31.7x tolerance"],
    [-0.000001, ">1.00x tolerance"],
    [-1, "2.00x tolerance"],
    [-1234.4, "1235x tolerance"],
    [-3e7, "3.00e7x tolerance"],
    [-Infinity, "-inf"],
  ])("%s -> %s", (h, text) => {
    expect(formatHeadroom(h)).toBe(text);
  });
});

describe("json reporter", () => {
  const doc: unknown = JSON.parse(renderJson(syntheticResult()));

  it("has exactly the documented fields, with their types", () => {
    expect(validateJsonReport(doc)).toEqual([]);
  });

  it("writes summary and comparisons", () => {
    const d = doc as { summary: Record<string, unknown>; comparisons: Record<string, unknown>[]; schema: string; version: number };
    expect(d.schema).toBe("rnn-parity-check");
    expect(d.version).toBe(3);
    expect(d.summary).toMatchObject({ ok: false, cases: 3, comparisons: 8, passed: 6, failed: 2, failedCases: 2, skipped: 1 });
    expect(d.summary.byOracle).toEqual({
      torch: { comparisons: 4, passed: 2, failed: 2, expectedFailures: 0, unexpectedPasses: 0 },
      onnxruntime: { comparisons: 2, passed: 2, failed: 0, expectedFailures: 0, unexpectedPasses: 0 },
      "onnxruntime-vs-torch": { comparisons: 2, passed: 2, failed: 0, expectedFailures: 0, unexpectedPasses: 0 },
    });
    const failing = d.comparisons.find((c) => c.case === FAILING_CASE);
    expect(failing).toMatchObject({ oracle: "torch", tensor: "h_prime", shape: [4, 5], mismatched: 1, total: 20, passed: false, worstIndex: [2, 3] });
    expect(failing?.message).toContain("Greatest absolute difference: 0.001");
    expect(failing?.config).toEqual({ input_size: 3, hidden_size: 5, bias: true, nonlinearity: "relu" });
  });

  it("writes non-finite numbers as strings", () => {
    const d = doc as { comparisons: Record<string, unknown>[] };
    expect(d.comparisons.at(-1)).toMatchObject({ maxAbsDiff: "NaN", maxRelDiff: "Infinity", headroom: "-Infinity" });
  });
});

describe("junit reporter", () => {
  const xml = renderJunit(syntheticResult());

  it("is well-formed XML", () => {
    expect(xmlProblems(xml)).toEqual([]);
  });

  it("has a testsuite per module and a testcase per case and oracle, with counts", () => {
    expect(xml).toContain('<testsuites name="rnn-parity" tests="6" failures="2" errors="0" skipped="1" time="0.013"');
    expect(xml).toMatch(/<testsuite name="RNN" tests="3" failures="0" errors="0" skipped="0"/);
    expect(xml).toMatch(/<testsuite name="RNNCell" tests="3" failures="2" errors="0" skipped="1"/);
    expect(xml).toContain('<testcase name="RNN-tanh-bidir-L2-float32" classname="RNN.onnxruntime-vs-torch"');
    expect(xml.match(/<testcase /g)).toHaveLength(6);
  });

  it("carries the mismatch message in the failure, escaped", () => {
    const escapedName = "RNNCell-relu-&lt;bias&gt;&amp;&quot;quoted&quot;-float64";
    expect(xml).toContain(`<testcase name="${escapedName}" classname="RNNCell.torch"`);
    expect(xml).toContain('<failure message="h_prime: Tensor-likes are not close!" type="AssertionError">');
    expect(xml).toContain("Greatest absolute difference: 0.001 at index (2, 3) (up to 1e-07 allowed)");
    expect(xml).toContain("item [&apos;h_prime&apos;] &lt;&amp;&gt; \\u0001".replace("&apos;", "'").replace("&apos;", "'"));
    expect(xml).toContain(`<testcase name="${escapedName}" classname="RNNCell.onnxruntime"`);
    expect(xml).toContain('<skipped message="no ONNX model for this case"/>');
  });

  it("escapes text and attributes, and replaces characters XML forbids", () => {
    expect(escapeText("a<b>&c\u0000d\uFFFE")).toBe("a&lt;b&gt;&amp;c\\u0000d\\ufffe");
    expect(escapeAttr("\"x\"\n'y'\t")).toBe("&quot;x&quot;&#10;&apos;y&apos;&#9;");
    expect(escapeText("\uD83D\uDE00 ok, lone \uD800")).toBe("\uD83D\uDE00 ok, lone \\ud800");
  });
});
