/**
 * Stale weights after loadStateDict, against PyTorch (issue 17). The float32 WebAssembly engine
 * (every layered module) and float64's f64x2 engine (RNN) keep packed, transposed copies of the
 * weights in their memory; the scalar kernels and the cells read views of the parameters. After
 * loadStateDict every path must compute with the new weights.
 *
 * Independent of test/kernels-wasm.test.ts's repacking test (engine against scalar kernels, one
 * RNN): here each case is a bundled fixture, the reference is torch's own output for it, and every
 * module and path is covered. A module is built with the fixture's config and our fresh weights,
 * run once on the fixture's inputs (so an engine packs those weights), then loaded with the
 * fixture's state_dict and run again: that second run must pass assert_close against torch. The
 * first run must fail it, or the case could not tell a stale module from a fresh one: stale
 * packed weights would give exactly the first run's output.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Fixture, FixtureTensor, ManifestCase } from "../src/core/format/types.js";
import { WasmLayerEngine } from "../src/core/kernels/wasm-layer.js";
import { WasmRnnEngine } from "../src/core/kernels/wasm-rnn.js";
import { moduleFromTorchConfig } from "../src/core/nn/from-torch.js";
import { runModule } from "../src/core/oracle/typescript.js";
import { failingOutputs, loadFixture, manifestCases } from "./helpers/cases.js";

type Path = "wasm-f32x4" | "wasm-f64x2" | "scalar";

/** Which kernels a run of `f` takes, by the engines' entry points. */
function pathOf(run: () => void): Path {
  const f32 = vi.spyOn(WasmLayerEngine.prototype, "runDirection");
  const f64 = vi.spyOn(WasmRnnEngine.prototype, "runLayer");
  try {
    run();
    return f32.mock.calls.length > 0 ? "wasm-f32x4" : f64.mock.calls.length > 0 ? "wasm-f64x2" : "scalar";
  } finally {
    f32.mockRestore();
    f64.mockRestore();
  }
}

const fixtures = new Map(await Promise.all(manifestCases.map(async (c) => [c.name, await loadFixture(c)] as const)));
const fixtureOf = (c: ManifestCase): Fixture => fixtures.get(c.name)!;

/** The path a fixture takes once its weights are loaded (measured, not predicted from sizes). */
const pathByCase = new Map<string, Path>();
for (const c of manifestCases) {
  const f = fixtureOf(c);
  const m = moduleFromTorchConfig(f.module, f.config, f.dtype);
  m.loadStateDict(f.stateDict);
  pathByCase.set(c.name, pathOf(() => runModule(m, f)));
}

/**
 * Every fixture on a WebAssembly engine (there are few), and the first two of each module, dtype
 * and layout on the scalar kernels: the scalar path and the cells keep no copies, so a few cases
 * per module show that loadStateDict writes where they read.
 */
const chosen: ManifestCase[] = [];
const perGroup = new Map<string, number>();
for (const c of manifestCases) {
  const path = pathByCase.get(c.name)!;
  const group = `${c.module} ${c.dtype} ${fixtureOf(c).packing ? "packed" : "padded"} ${path}`;
  const n = perGroup.get(group) ?? 0;
  perGroup.set(group, n + 1);
  if (path !== "scalar" || n < 2) chosen.push(c);
}

describe("loadStateDict after a forward: the next forward follows the new weights (torch's outputs)", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("covers every module on the scalar kernels and RNN, LSTM and GRU on the engines", () => {
    const groups = new Set(chosen.map((c) => `${c.module} ${pathByCase.get(c.name)}`));
    for (const m of ["RNN", "RNNCell", "LSTM", "LSTMCell", "GRU", "GRUCell"]) expect(groups).toContain(`${m} scalar`);
    for (const m of ["RNN", "LSTM", "GRU"]) expect(groups).toContain(`${m} wasm-f32x4`);
    expect(groups).toContain("RNN wasm-f64x2");
  });

  it.each(chosen.map((c) => [`${c.name} (${pathByCase.get(c.name)})`, c] as const))("%s", (_label, c) => {
    const f = fixtureOf(c);
    const m = moduleFromTorchConfig(f.module, f.config, f.dtype);
    const before = runModule(m, f);
    // Our fresh weights are not torch's: the first run must fail, or staleness would go unseen.
    expect(failingOutputs(before, f)).not.toEqual([]);
    m.loadStateDict(f.stateDict);
    let after: Record<string, FixtureTensor> = {};
    expect(pathOf(() => (after = runModule(m, f)))).toBe(pathByCase.get(c.name));
    expect(failingOutputs(after, f)).toEqual([]);
  });
});

describe("two modules taking turns on the shared WebAssembly memory", () => {
  // Engines of one dtype share one instance and its memory: a module whose packed weights were
  // overwritten by another module's must pack its own again before it runs.
  const onEngine = chosen.filter((c) => pathByCase.get(c.name) !== "scalar");
  for (const dtype of ["float32", "float64"] as const) {
    const pair = onEngine.filter((c) => c.dtype === dtype).slice(0, 2);
    it(`${dtype}: ${pair.map((c) => c.name).join(" then ")}, then the first again`, () => {
      expect(pair).toHaveLength(2);
      const [a, b] = pair.map((c) => {
        const f = fixtureOf(c);
        const m = moduleFromTorchConfig(f.module, f.config, f.dtype);
        m.loadStateDict(f.stateDict);
        return { f, m };
      });
      for (const { f, m } of [a!, b!, a!, b!]) expect(failingOutputs(runModule(m, f), f)).toEqual([]);
    });
  }
});
