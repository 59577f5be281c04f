/**
 * parameterCount (src/core/nn/limits.ts), which the size limit is judged by, against torch: for
 * every bundled fixture the count from its config must equal the number of elements in the
 * state_dict torch saved for it (every module, layer count, direction, bias and proj_size).
 */
import { describe, expect, it } from "vitest";
import { parameterCount } from "../src/core/nn/limits.js";
import { loadFixture, manifestCases } from "./helpers/cases.js";

const fixtures = await Promise.all(manifestCases.map((c) => loadFixture(c)));

describe("parameterCount equals the elements of torch's state_dict", () => {
  it("covers every module, bias, direction, several layers and proj_size", () => {
    const configs: Record<string, unknown>[] = fixtures.map((f) => ({ module: f.module, ...(f.config as unknown as Record<string, unknown>) }));
    for (const module of ["RNN", "RNNCell", "LSTM", "LSTMCell", "GRU", "GRUCell"]) expect(configs.some((c) => c.module === module)).toBe(true);
    expect(configs.some((c) => c.bias === false)).toBe(true);
    expect(configs.some((c) => c.bidirectional === true && (c.num_layers as number) > 1)).toBe(true);
    expect(configs.some((c) => (c.proj_size as number) > 0 && c.bidirectional === true)).toBe(true);
  });

  it.each(fixtures.map((f) => [f.name, f] as const))("%s", (_name, f) => {
    const c = f.config as unknown as Record<string, number | boolean | undefined>;
    const elements = Object.values(f.stateDict).reduce((sum, t) => sum + t.data.length, 0);
    expect(
      parameterCount(f.module, {
        inputSize: c.input_size as number,
        hiddenSize: c.hidden_size as number,
        numLayers: (c.num_layers as number | undefined) ?? 1,
        bidirectional: c.bidirectional === true,
        bias: c.bias === true,
        projSize: (c.proj_size as number | undefined) ?? 0,
      }),
    ).toBe(elements);
  });
});
