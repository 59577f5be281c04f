/**
 * rnn-parity/vitest's plan, in this process (test/vitest-entry.test.ts runs the whole entry in a
 * child vitest, which Stryker's per-test coverage cannot see: issue 17): which tests paritySuite
 * registers per case and oracle pair, how they are named, and each expectations entry's scope.
 */
import { describe, expect, it } from "vitest";
import type { ExpectedFailure } from "../src/node/expectations/file.js";
import type { RequestedOracle } from "../src/node/report/model.js";
import { caseLabel, entryScopes, pairLabel, plannedTests, type PlannedCase } from "../src/vitest/plan.js";

const LSTM: PlannedCase = { name: "LSTM-a", module: "LSTM", config: { input_size: 2, hidden_size: 3 } as PlannedCase["config"], hasOnnx: true };
const CELL: PlannedCase = { name: "GRUCell-b", module: "GRUCell", config: { input_size: 2, hidden_size: 3 } as PlannedCase["config"], hasOnnx: false };
const PACKED: PlannedCase = { ...LSTM, name: "LSTM-packed", packing: { enforceSorted: false } };

const show = (c: PlannedCase, oracles: RequestedOracle[]): string[] => plannedTests(c, oracles).map((t) => `${t.oracle}:${t.tensor}`);

describe("plannedTests: one test per oracle pair and tensor, as runCheck compares them", () => {
  const rows: [string, PlannedCase, RequestedOracle[], string[]][] = [
    ["LSTM, torch only", LSTM, ["torch"], ["torch:output", "torch:h_n", "torch:c_n"]],
    ["LSTM, onnxruntime only", LSTM, ["onnxruntime"], ["onnxruntime:output", "onnxruntime:h_n", "onnxruntime:c_n"]],
    ["LSTM, both oracles", LSTM, ["torch", "onnxruntime"], [
      "torch:output", "torch:h_n", "torch:c_n",
      "onnxruntime:output", "onnxruntime:h_n", "onnxruntime:c_n",
      "onnxruntime-vs-torch:output", "onnxruntime-vs-torch:h_n", "onnxruntime-vs-torch:c_n",
    ]],
    ["a case without ONNX, both oracles", CELL, ["torch", "onnxruntime"], ["torch:h1"]],
    ["a case without ONNX, onnxruntime only", CELL, ["onnxruntime"], []],
    ["no oracle", LSTM, [], []],
    ["packed, unsorted, torch", PACKED, ["torch"], [
      "torch:output", "torch:output_data", "torch:batch_sizes", "torch:sorted_indices", "torch:unsorted_indices",
      "torch:output_lengths", "torch:h_n", "torch:c_n",
    ]],
    ["packed, onnxruntime: the padded output and the states only", PACKED, ["onnxruntime"], ["onnxruntime:output", "onnxruntime:h_n", "onnxruntime:c_n"]],
  ];
  it.each(rows)("%s", (_label, c, oracles, want) => {
    expect(show(c, oracles)).toEqual(want);
  });
});

describe("labels, as test/parity.test.ts names its blocks", () => {
  it("caseLabel is the name, the module and the config as JSON", () => {
    expect(caseLabel(CELL)).toBe('GRUCell-b (GRUCell {"input_size":2,"hidden_size":3})');
  });
  it.each([
    ["torch", "torch vs mine"],
    ["onnxruntime", "mine vs onnxruntime"],
    ["onnxruntime-vs-torch", "onnxruntime vs torch"],
  ] as const)("pairLabel(%s)", (oracle, want) => {
    expect(pairLabel(oracle, "mine")).toBe(want);
  });
});

describe("entryScopes: matched, stale or not exercised, with check's rules", () => {
  const entry = (e: Omit<ExpectedFailure, "reason">): ExpectedFailure => ({ ...e, reason: "r" });
  const cases = [LSTM, CELL];
  const scopes = (entries: ExpectedFailure[], oracles: RequestedOracle[]) => entryScopes(entries, cases, (c) => plannedTests(c, oracles), oracles);
  const rows: [string, ExpectedFailure[], RequestedOracle[], string[]][] = [
    ["an exact name matches", [entry({ case: "LSTM-a" })], ["torch"], ["matched"]],
    ["a glob matches", [entry({ case: "GRU*" })], ["torch"], ["matched"]],
    ["a name of no case is stale", [entry({ case: "RNN-x" })], ["torch", "onnxruntime"], ["stale"]],
    ["a tensor the case lacks is stale", [entry({ case: "GRUCell-b", tensor: "c1" })], ["torch"], ["stale"]],
    ["the tensor it names matches", [entry({ case: "GRUCell-b", tensor: "h1" })], ["torch"], ["matched"]],
    ["an oracle not run, on a case that exists: not exercised", [entry({ case: "LSTM-a", oracle: "onnxruntime" })], ["torch"], ["not exercised"]],
    ["an oracle not run, on no case: stale", [entry({ case: "RNN-x", oracle: "onnxruntime" })], ["torch"], ["stale"]],
    ["an oracle run, on a case without its model: stale", [entry({ case: "GRUCell-b", oracle: "onnxruntime" })], ["torch", "onnxruntime"], ["stale"]],
    ["the first entry that fits takes the test; the second is stale", [entry({ case: "LSTM-a" }), entry({ case: "LSTM-*" })], ["torch"], ["matched", "stale"]],
    ["entries on different tensors each match", [entry({ case: "LSTM-a", tensor: "h_n" }), entry({ case: "LSTM-a", tensor: "c_n" })], ["torch"], ["matched", "matched"]],
  ];
  it.each(rows)("%s", (_label, entries, oracles, want) => {
    expect(scopes(entries, oracles)).toEqual(want);
  });
});
