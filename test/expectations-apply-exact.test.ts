/**
 * startExpectations' exact objects (issue 17: toEqual-level tests let an absent key and a key set to
 * undefined pass alike): the applied expectation carries `link` only when the entry has one, the
 * report's entries carry `tensor`, `oracle` and `link` only when given, rows of one entry are judged
 * per oracle, and onnxruntime-vs-torch rows take no entry.
 */
import { describe, expect, it } from "vitest";
import { startExpectations } from "../src/node/expectations/apply.js";
import type { ExpectedFailure } from "../src/node/expectations/file.js";
import type { CaseError, ComparisonRow, OracleName } from "../src/node/report/model.js";

const row = (oracle: OracleName, tensor: string, passed: boolean): ComparisonRow => ({
  case: "A", file: "A.msgpack", module: "GRU", config: {} as ComparisonRow["config"], dtype: "float64", oracle, tensor,
  shape: [1], tensorDtype: "float64", maxAbsDiff: 0, maxRelDiff: 0, worstIndex: [], mismatched: 0, total: 1,
  rtol: 1e-7, atol: 1e-7, passed, headroom: 1, message: "", durationMs: 0, status: "passed",
});
const run = (entries: ExpectedFailure[]) => startExpectations({ file: "e.json", implementation: "mine", expectedFailures: entries });
const SCOPE = { caseNames: ["A"], oracles: ["torch", "onnxruntime"] as const, filtered: false, stoppedEarly: false };

describe("applied expectations", () => {
  it("carry link only when the entry has one", () => {
    const x = run([{ case: "A", reason: "r", tensor: "h_n" }, { case: "A", reason: "s", link: "L" }]);
    const rows = [row("torch", "h_n", false), row("torch", "output", false)];
    x.applyToCase(rows);
    expect(rows.map((r) => [r.status, r.expectation])).toStrictEqual([
      ["xfail", { entry: 0, reason: "r" }],
      ["xfail", { entry: 1, reason: "s", link: "L" }],
    ]);
  });

  it("are judged per oracle: a torch failure does not make the onnxruntime rows of the entry xfail", () => {
    const x = run([{ case: "A", reason: "r" }]);
    const rows = [row("torch", "h_n", false), row("onnxruntime", "h_n", true)];
    x.applyToCase(rows);
    expect(rows.map((r) => r.status)).toStrictEqual(["xfail", "xpass"]);
  });

  it("leave onnxruntime-vs-torch rows as compared, and set every row's status without an entry", () => {
    const x = run([{ case: "A", reason: "r" }]);
    const rows = [row("onnxruntime-vs-torch", "h_n", false), row("onnxruntime-vs-torch", "output", true)];
    x.applyToCase(rows);
    expect(rows.map((r) => [r.status, r.expectation])).toStrictEqual([["failed", undefined], ["passed", undefined]]);
  });

  it.each([
    [{ case: "A", reason: "r" }, { entry: 0, reason: "r" }],
    [{ case: "A", reason: "r", link: "L" }, { entry: 0, reason: "r", link: "L" }],
  ])("on an errored case: %j", (entry, applied) => {
    const x = run([entry]);
    const error: CaseError = { case: "A", file: "A.msgpack", module: "GRU", dtype: "float64", message: "m", status: "error" };
    x.applyToError(error, ["torch"]);
    expect([error.status, error.expectation]).toStrictEqual(["xfail", applied]);
  });
});

describe("the report's entries carry only the keys the entry has", () => {
  it.each([
    [{ case: "A", reason: "r" }, { entry: 0, case: "A", reason: "r" }],
    [{ case: "A", reason: "r", tensor: "h_n" }, { entry: 0, case: "A", tensor: "h_n", reason: "r" }],
    [{ case: "A", reason: "r", oracle: "torch" }, { entry: 0, case: "A", oracle: "torch", reason: "r" }],
    [{ case: "A", reason: "r", link: "L" }, { entry: 0, case: "A", reason: "r", link: "L" }],
  ] as [ExpectedFailure, object][])("%j", (entry, keys) => {
    const x = run([entry]);
    x.applyToCase([row("torch", "h_n", false)]);
    expect(x.report({ ...SCOPE, oracles: [...SCOPE.oracles] }).entries).toStrictEqual([
      { ...keys, verdict: "held", expectedFailures: 1, unexpectedPasses: 0, expectedErrors: 0 },
    ]);
  });
});
