/**
 * One module instance through several fixtures of the same config, smallest input first, then
 * largest first, against torch's outputs. A module keeps grow-only scratch buffers and a cached
 * step schedule between calls (src/core/kernels/workspace.ts, recurrent.ts): a buffer that failed
 * to grow for a bigger batch or sequence, or state left from the previous call, would show up
 * here as a mismatch, where a fresh module per fixture (the parity suite) cannot see it.
 */
import { describe, expect, it } from "vitest";
import type { Fixture } from "../src/core/format/types.js";
import { moduleFromTorchConfig } from "../src/core/nn/from-torch.js";
import { runModule } from "../src/core/oracle/typescript.js";
import { failingOutputs, loadFixture, manifestCases } from "./helpers/cases.js";

const fixtures = await Promise.all(manifestCases.map((c) => loadFixture(c)));
const inputSize = (f: Fixture): number => Object.values(f.inputs).reduce((n, t) => n + t.data.length, 0);

const groups = new Map<string, Fixture[]>();
for (const f of fixtures) {
  const key = `${f.module} ${f.dtype} ${JSON.stringify(f.config)}`;
  groups.set(key, [...(groups.get(key) ?? []), f]);
}
const shared = [...groups.values()]
  .filter((g) => g.length > 1 && new Set(g.map(inputSize)).size > 1)
  .map((g) => [...g].sort((a, b) => inputSize(a) - inputSize(b)));

function failures(order: readonly Fixture[]): string[] {
  const first = order[0]!;
  const m = moduleFromTorchConfig(first.module, first.config, first.dtype);
  const bad: string[] = [];
  for (const f of order) {
    m.loadStateDict(f.stateDict);
    bad.push(...failingOutputs(runModule(m, f), f).map((name) => `${f.name} ${name}`));
  }
  return bad;
}

describe("one module, fixtures of one config in turn, against torch", () => {
  it("has groups for every module and dtype", () => {
    for (const module of ["RNN", "LSTM", "GRU"]) {
      for (const dtype of ["float32", "float64"]) expect(shared.some((g) => g[0]!.module === module && g[0]!.dtype === dtype)).toBe(true);
    }
  });

  it.each(shared.map((g) => [g.map((f) => f.name).join(", "), g] as const))("smallest first: %s", (_names, g) => {
    expect(failures(g)).toEqual([]);
  });

  it.each(shared.map((g) => [g.map((f) => f.name).join(", "), g] as const))("largest first: %s", (_names, g) => {
    expect(failures([...g].reverse())).toEqual([]);
  });
});
