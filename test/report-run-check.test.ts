/**
 * runCheck (src/node/report/run-check.ts) on small bundled fixtures: how a case's manifest entry is
 * checked against its file, what becomes of our own layers' errors and of an outside adapter's, the
 * onnxruntime oracle's skip and refusal, --fail-fast, the expectations report's run scope, and the
 * result's recorded options. Every expected value is written from the source and docs/.
 */
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Adapter, AdapterModule } from "../src/core/adapter/contract.js";
import { typescriptAdapter } from "../src/core/adapter/default.js";
import { FixtureError, ModuleError } from "../src/core/errors.js";
import type { ManifestCase, TorchConfig } from "../src/core/format/types.js";
import { Tensor } from "../src/core/tensor/tensor.js";
import type { Expectations } from "../src/node/expectations/file.js";
import { DEFAULT_FIXTURES_DIR, readManifest } from "../src/node/readers/manifest.js";
import type { CaseSource } from "../src/node/report/inputs.js";
import type { ExpectationVerdict, RequestedOracle } from "../src/node/report/model.js";
import { runCheck, type CheckOptions } from "../src/node/report/run-check.js";
import { fixtureErrorOfAsync } from "./helpers/fixture-bytes.js";

const manifest = await readManifest(DEFAULT_FIXTURES_DIR);
function entry(name: string): ManifestCase {
  const e = manifest.cases.find((c) => c.name === name);
  if (e === undefined) throw new Error(`${name}: not in the bundled manifest`);
  return e;
}

/** A GRU (outputs output, h_n) with an ONNX model. */
const GRU = entry("GRU-tutorial-seqfirst-h0-float32");
/** An RNNCell (output h_prime) with an ONNX model. */
const CELL = entry("RNNCell-relu-nobias-unbatched-nohx-float32");
/** A packed RNN, enforce_sorted=True, with an ONNX model. */
const PACKED = entry("RNN-packed-sorted-seqfirst-uni-L1-noh0-float32");

const fileOf = (e: ManifestCase): string => join(DEFAULT_FIXTURES_DIR, e.file);

/** The case as a source, without its ONNX model unless `withOnnx`; `name` defaults to the case's. */
function source(e: ManifestCase, extra: Partial<CaseSource> = {}, withOnnx = false): CaseSource {
  const onnx = withOnnx && e.onnx ? { onnx: join(DEFAULT_FIXTURES_DIR, e.onnx.file) } : {};
  return { name: e.name, file: fileOf(e), ...onnx, ...extra };
}

function options(over: Partial<CheckOptions>): CheckOptions {
  return { sources: [], oracles: ["torch"], onnxWhereAvailable: true, overrides: {}, filters: [], failFast: false, toolVersion: "test", ...over };
}

/** An outside adapter over our own layers, with hooks to break it. */
function outside(name: string, hooks: { create?: (module: string) => void; supports?: Adapter["supports"]; bumpHn?: boolean; version?: string } = {}): Adapter {
  return {
    name,
    ...(hooks.version === undefined ? {} : { version: hooks.version }),
    ...(hooks.supports === undefined ? {} : { supports: hooks.supports }),
    create(spec): AdapterModule {
      hooks.create?.(spec.module);
      const m = typescriptAdapter.create(spec);
      return {
        loadStateDict: (sd) => m.loadStateDict(sd),
        forward: (...args) => {
          const r = m.forward(...args);
          if (!hooks.bumpHn || spec.module !== "GRU") return r;
          const [out, h] = r as [Tensor, Tensor];
          return [out, { data: Array.from(h.data, (v) => v + 1), shape: h.shape }];
        },
      };
    },
  };
}

const tensorsOf = (rows: readonly { oracle: string; tensor: string }[]): string[] => rows.map((r) => `${r.oracle}/${r.tensor}`);

afterEach(() => {
  vi.restoreAllMocks();
  delete typescriptAdapter.supports;
});

describe("runCheck: a manifest entry must describe its file", () => {
  const reversed = (c: TorchConfig): TorchConfig => Object.fromEntries(Object.entries(c).reverse()) as TorchConfig;
  const sortedGruConfig = '{"batch_first":false,"bias":true,"bidirectional":false,"dropout":0,"hidden_size":2,"input_size":4,"num_layers":1}';

  it.each([
    ["the config's keys in reverse order", GRU, { config: reversed(GRU.config) }],
    ["a matching packing", PACKED, { packing: { enforceSorted: true } }],
    ["no packing recorded for a packed file (an older manifest)", PACKED, {}],
  ] as const)("accepts %s", async (_what, e, change) => {
    const result = await runCheck(options({ sources: [source(e, { manifestCase: { ...e, ...change } })] }));
    expect(result.comparisons.every((r) => r.status === "passed")).toBe(true);
    expect(result.comparisons.length).toBe(e === GRU ? 2 : 5);
  });

  it.each([
    ["name", GRU, { name: "GRU-other" }, `"${GRU.name}", but the manifest lists "GRU-other" for case "GRU-other"`],
    ["module", GRU, { module: "LSTM" }, `"GRU", but the manifest lists "LSTM" for case "${GRU.name}"`],
    ["dtype", GRU, { dtype: "float64" }, `"float32", but the manifest lists "float64" for case "${GRU.name}"`],
    [
      "config",
      GRU,
      { config: reversed({ ...GRU.config, hidden_size: 3 } as TorchConfig) },
      `${sortedGruConfig}, but the manifest lists ${sortedGruConfig.replace('"hidden_size":2', '"hidden_size":3')} for case "${GRU.name}"`,
    ],
    ["packing", GRU, { packing: { enforceSorted: true } }, `null, but the manifest lists {"enforceSorted":true} for case "${GRU.name}"`],
    ["packing", PACKED, { packing: { enforceSorted: false } }, `{"enforceSorted":true}, but the manifest lists {"enforceSorted":false} for case "${PACKED.name}"`],
  ] as const)("refuses a different %s (%#)", async (field, e, change, reason) => {
    const err = await fixtureErrorOfAsync(() => runCheck(options({ sources: [source(e, { manifestCase: { ...e, ...change } as ManifestCase })] })));
    expect(err.message).toBe(`${fileOf(e)}: ${field}: ${reason}`);
  });
});

describe("runCheck: our own layers' errors stay the run's", () => {
  it.each([
    ["no adapter option", undefined],
    ["the default adapter given explicitly", typescriptAdapter],
  ] as const)("a library error becomes a one-line FixtureError naming the fixture (%s)", async (_what, adapter) => {
    vi.spyOn(typescriptAdapter, "create").mockImplementation(() => {
      throw new ModuleError("first line  \n   second\nthird");
    });
    const err = await fixtureErrorOfAsync(() => runCheck(options({ sources: [source(GRU)], ...(adapter ? { adapter } : {}) })));
    expect([err.message, err.field, err.reason]).toEqual([`${fileOf(GRU)}: first line; second; third`, "", "first line; second; third"]);
  });

  it.each([
    ["a FixtureError", new FixtureError("elsewhere.msgpack", "config", "bad")],
    ["a plain TypeError (a bug)", new TypeError("boom\nline two")],
  ] as const)("%s propagates unchanged", async (_what, thrown) => {
    vi.spyOn(typescriptAdapter, "create").mockImplementation(() => {
      throw thrown;
    });
    await expect(runCheck(options({ sources: [source(GRU)] }))).rejects.toBe(thrown);
  });

  it("an exception from the default adapter's supports() propagates unchanged", async () => {
    const thrown = new FixtureError("x", "y", "z");
    typescriptAdapter.supports = () => {
      throw thrown;
    };
    await expect(runCheck(options({ sources: [source(GRU)] }))).rejects.toBe(thrown);
  });
});

describe("runCheck: an outside adapter's failures are the case's", () => {
  const base = { file: fileOf(GRU), module: "GRU", dtype: "float32" } as const;

  it.each([
    ["supports() gives a reason", "because", "because"],
    ["supports() says false", false, "not supported by the adapter"],
  ] as const)("a declined case is listed as unsupported: %s", async (_what, verdict, reason) => {
    const result = await runCheck(options({ sources: [source(GRU)], adapter: outside("ext", { supports: () => verdict }) }));
    expect(result.unsupported).toStrictEqual([{ case: GRU.name, ...base, reason }]);
    expect([result.comparisons, result.errors, result.summary.unsupported]).toEqual([[], [], 1]);
  });

  it.each([
    ["create() throws, adapter given as an object", { create: () => { throw new Error("boom"); } }, undefined, `adapter "ext": create(): ext on ${GRU.name}: threw boom`],
    ["create() throws, adapter from a file", { create: () => { throw new Error("boom"); } }, "adapters/ext.mjs", `adapters/ext.mjs: create(): ext on ${GRU.name}: threw boom`],
    ["supports() throws", { supports: () => { throw new RangeError("no"); } }, undefined, `adapter "ext": supports(): ext on ${GRU.name}: threw RangeError: no`],
  ] as const)("%s: the case's error", async (_what, hooks, adapterFile, message) => {
    const result = await runCheck(options({ sources: [source(GRU)], adapter: outside("ext", hooks), ...(adapterFile ? { adapterFile } : {}) }));
    expect(result.errors).toStrictEqual([{ case: GRU.name, ...base, message, status: "error" }]);
    expect(result.comparisons).toEqual([]);
  });

  it.each([
    ["without a version", undefined, { name: "ext" }],
    ["with a version", "1.2.3", { name: "ext", version: "1.2.3" }],
  ] as const)("the implementation is named %s", async (_what, version, implementation) => {
    const result = await runCheck(options({ adapter: outside("ext", version === undefined ? {} : { version }) }));
    expect(result.implementation).toStrictEqual(implementation);
  });
});

describe("runCheck: an expectations file must be the implementation's", () => {
  it.each([
    ["the default adapter", {}, `exp.json: implementation: "other", but the implementation under test is "rnn-parity"`],
    ["an adapter file", { adapter: outside("ext"), adapterFile: "a/ext.mjs" }, `exp.json: implementation: "other", but the implementation under test is "ext" (--impl a/ext.mjs)`],
  ] as const)("another name is refused (%s)", async (_what, over, message) => {
    const expectations: Expectations = { file: "exp.json", implementation: "other", expectedFailures: [] };
    const err = await fixtureErrorOfAsync(() => runCheck(options({ expectations, ...over })));
    expect(err.message).toBe(message);
  });
});

describe("runCheck: the onnxruntime oracle", () => {
  it("a case without a model is skipped with the default --oracle", async () => {
    const result = await runCheck(options({ sources: [source(GRU)], oracles: ["torch", "onnxruntime"] }));
    expect(result.skipped).toStrictEqual([
      { case: GRU.name, file: fileOf(GRU), module: "GRU", dtype: "float32", oracle: "onnxruntime", reason: "no ONNX model for this case" },
    ]);
    expect(tensorsOf(result.comparisons)).toEqual(["torch/output", "torch/h_n"]);
  });

  it("a case without a model is an input error when --oracle asks for onnxruntime", async () => {
    const err = await fixtureErrorOfAsync(() => runCheck(options({ sources: [source(GRU)], oracles: ["onnxruntime"], onnxWhereAvailable: false })));
    expect(err.message).toBe(`${fileOf(GRU)}: onnx: no ONNX model for this case, but --oracle asks for onnxruntime`);
  });

  it("a packed case compares every fixture tensor with torch, and the graph's outputs with onnxruntime", async () => {
    const t0 = performance.now();
    const result = await runCheck(options({ sources: [source(PACKED, {}, true)], oracles: ["torch", "onnxruntime"] }));
    const elapsed = performance.now() - t0;
    expect(tensorsOf(result.comparisons)).toEqual([
      "torch/output",
      "torch/output_data",
      "torch/batch_sizes",
      "torch/output_lengths",
      "torch/h_n",
      "onnxruntime/output",
      "onnxruntime/h_n",
      "onnxruntime-vs-torch/output",
      "onnxruntime-vs-torch/h_n",
    ]);
    expect(result.comparisons.every((r) => r.passed)).toBe(true);
    for (const r of result.comparisons) {
      expect(r.durationMs, `${r.oracle}/${r.tensor} durationMs`).toBeGreaterThanOrEqual(0);
      expect(r.durationMs, `${r.oracle}/${r.tensor} durationMs`).toBeLessThanOrEqual(elapsed);
    }
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    expect(result.durationMs).toBeLessThanOrEqual(elapsed);
  });
});

describe("runCheck: --fail-fast", () => {
  const sources = [source(GRU), source(CELL)];
  const gruFails: Expectations = { file: "e.json", implementation: "rnn-parity", expectedFailures: [{ case: GRU.name, reason: "r" }] };

  it.each([
    ["a failed tensor among passing ones", { adapter: outside("ext", { bumpHn: true }) }, ["passed", "failed"], 0],
    ["an errored case", { adapter: outside("ext", { create: (m) => { if (m === "GRU") throw new Error("no"); } }) }, [], 1],
    ["an unexpected pass", { expectations: gruFails }, ["xpass", "xpass"], 0],
  ] as const)("stops after %s", async (_what, over, statuses, errors) => {
    const result = await runCheck(options({ sources, failFast: true, ...over }));
    expect(result.comparisons.map((r) => r.status)).toEqual(statuses);
    expect([result.summary.cases, result.summary.notRun, result.summary.stoppedEarly, result.errors.length]).toEqual([1, 1, true, errors]);
  });

  it.each([
    ["fail-fast with every case passing", true, {}],
    ["a failure without fail-fast", false, { adapter: outside("ext", { bumpHn: true }) }],
  ] as const)("runs every case: %s", async (_what, failFast, over) => {
    const result = await runCheck(options({ sources, failFast, ...over }));
    expect([result.summary.cases, result.summary.notRun, result.summary.stoppedEarly]).toEqual([2, 0, false]);
    expect(tensorsOf(result.comparisons)).toEqual(["torch/output", "torch/h_n", "torch/h_prime"]);
  });
});

describe("runCheck: the run scope behind an unmatched expectation's verdict", () => {
  const ALIAS = "alias-of-the-gru";
  const breakGru = (m: string): void => {
    if (m === "GRU") throw new Error("no");
  };
  type Scenario = [string, Partial<CheckOptions>, string, RequestedOracle | undefined, ExpectationVerdict];
  const scenarios: Scenario[] = [
    ["every case ran unfiltered: stale", { sources: [source(GRU)], allCases: [GRU.name, CELL.name] }, CELL.name, undefined, "stale"],
    ["--filter narrowed the run: not exercised", { sources: [source(GRU)], allCases: [GRU.name, CELL.name], filters: ["GRU*"] }, CELL.name, undefined, "not exercised"],
    ["--fail-fast stopped the run: not exercised", { sources: [source(GRU), source(CELL)], failFast: true, adapter: outside("rnn-parity", { create: breakGru }) }, CELL.name, undefined, "not exercised"],
    ["a case glob matching no case: stale even filtered", { sources: [source(GRU)], filters: ["x"] }, "LSTM-*", undefined, "stale"],
    ["a case named by its source only", { sources: [source(GRU, { name: ALIAS })] }, ALIAS, "onnxruntime", "not exercised"],
    ["a case named by its comparisons only", { sources: [source(GRU, { name: ALIAS })] }, GRU.name, "onnxruntime", "not exercised"],
    ["a case named by its unsupported entry only", { sources: [source(GRU, { name: ALIAS })], adapter: outside("rnn-parity", { supports: () => false }) }, GRU.name, "onnxruntime", "not exercised"],
    ["a case named by its error only", { sources: [source(GRU, { name: ALIAS })], adapter: outside("rnn-parity", { create: breakGru }) }, GRU.name, "onnxruntime", "not exercised"],
  ];

  it.each(scenarios)("%s", async (_what, over, glob, oracle, verdict) => {
    const expectations: Expectations = { file: "e.json", implementation: "rnn-parity", expectedFailures: [{ case: glob, ...(oracle ? { oracle } : {}), reason: "r" }] };
    const result = await runCheck(options({ ...over, expectations }));
    expect(result.expectations?.entries.map((e) => [e.case, e.verdict, e.expectedFailures, e.unexpectedPasses, e.expectedErrors])).toEqual([[glob, verdict, 0, 0, 0]]);
  });
});

describe("runCheck: the result records the run's options", () => {
  it("oracles, tolerances, overrides, filters and timing", async () => {
    const t0 = performance.now();
    const result = await runCheck(options({ sources: [source(CELL)], oracles: ["torch", "onnxruntime"], overrides: { atol: 0.5 }, filters: ["RNNCell-*", "GRU"], failFast: true, toolVersion: "9.9.9" }));
    const elapsed = performance.now() - t0;
    expect({
      toolVersion: result.toolVersion,
      oracles: result.oracles,
      defaults: result.defaults,
      overrides: result.overrides,
      filters: result.filters,
      failFast: result.failFast,
      expectations: result.expectations,
    }).toStrictEqual({
      toolVersion: "9.9.9",
      oracles: ["torch", "onnxruntime"],
      defaults: { float32: { rtol: 1.3e-6, atol: 1e-5 }, float64: { rtol: 1e-7, atol: 1e-7 } },
      overrides: { atol: 0.5 },
      filters: ["RNNCell-*", "GRU"],
      failFast: true,
      expectations: null,
    });
    expect(result.comparisons.map((r) => [r.tensor, r.atol, r.rtol, r.status])).toEqual([["h_prime", 0.5, 1.3e-6, "passed"]]);
    expect(result.comparisons[0]?.durationMs).toBeGreaterThanOrEqual(0);
    expect(result.comparisons[0]?.durationMs).toBeLessThanOrEqual(elapsed);
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    expect(result.durationMs).toBeLessThanOrEqual(elapsed);
  });
});
