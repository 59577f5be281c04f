import { describe, expect, it } from "vitest";
import { RNN } from "../src/core/nn/rnn.js";
import { RNNCell } from "../src/core/nn/rnn-cell.js";
import type { RNNOptions } from "../src/core/nn/options.js";

const keysAndShapes = (sd: Record<string, { shape: readonly number[] }>) =>
  Object.entries(sd).map(([k, t]) => [k, [...t.shape]]);

/**
 * Key names and shapes (metadata, not values) printed by torch 2.13's state_dict() for the
 * same configurations; the order is torch's too.
 */
const TORCH_RNN_KEYS: [RNNOptions, [string, number[]][]][] = [
  [{ inputSize: 3, hiddenSize: 5 }, [["weight_ih_l0", [5, 3]], ["weight_hh_l0", [5, 5]], ["bias_ih_l0", [5]], ["bias_hh_l0", [5]]]],
  [{ inputSize: 3, hiddenSize: 5, numLayers: 2, bidirectional: true }, [
    ["weight_ih_l0", [5, 3]], ["weight_hh_l0", [5, 5]], ["bias_ih_l0", [5]], ["bias_hh_l0", [5]],
    ["weight_ih_l0_reverse", [5, 3]], ["weight_hh_l0_reverse", [5, 5]], ["bias_ih_l0_reverse", [5]], ["bias_hh_l0_reverse", [5]],
    ["weight_ih_l1", [5, 10]], ["weight_hh_l1", [5, 5]], ["bias_ih_l1", [5]], ["bias_hh_l1", [5]],
    ["weight_ih_l1_reverse", [5, 10]], ["weight_hh_l1_reverse", [5, 5]], ["bias_ih_l1_reverse", [5]], ["bias_hh_l1_reverse", [5]],
  ]],
  [{ inputSize: 3, hiddenSize: 5, numLayers: 3, bias: false }, [
    ["weight_ih_l0", [5, 3]], ["weight_hh_l0", [5, 5]], ["weight_ih_l1", [5, 5]], ["weight_hh_l1", [5, 5]],
    ["weight_ih_l2", [5, 5]], ["weight_hh_l2", [5, 5]],
  ]],
  [{ inputSize: 3, hiddenSize: 5, numLayers: 3, bias: false, bidirectional: true }, [
    ["weight_ih_l0", [5, 3]], ["weight_hh_l0", [5, 5]], ["weight_ih_l0_reverse", [5, 3]], ["weight_hh_l0_reverse", [5, 5]],
    ["weight_ih_l1", [5, 10]], ["weight_hh_l1", [5, 5]], ["weight_ih_l1_reverse", [5, 10]], ["weight_hh_l1_reverse", [5, 5]],
    ["weight_ih_l2", [5, 10]], ["weight_hh_l2", [5, 5]], ["weight_ih_l2_reverse", [5, 10]], ["weight_hh_l2_reverse", [5, 5]],
  ]],
];

describe("parameter names and shapes", () => {
  it.each(TORCH_RNN_KEYS)("RNN %j matches torch's state_dict keys", (options, expected) => {
    expect(keysAndShapes(new RNN(options).stateDict())).toEqual(expected);
  });

  it("batchFirst and nonlinearity do not change the parameters", () => {
    const a = keysAndShapes(new RNN({ inputSize: 4, hiddenSize: 2, numLayers: 2, bidirectional: true }).stateDict());
    const b = keysAndShapes(new RNN({ inputSize: 4, hiddenSize: 2, numLayers: 2, bidirectional: true, batchFirst: true, nonlinearity: "relu" }).stateDict());
    expect(b).toEqual(a);
  });

  it("RNNCell matches torch's state_dict keys", () => {
    expect(keysAndShapes(new RNNCell({ inputSize: 3, hiddenSize: 5 }).stateDict())).toEqual([
      ["weight_ih", [5, 3]], ["weight_hh", [5, 5]], ["bias_ih", [5]], ["bias_hh", [5]],
    ]);
    expect(keysAndShapes(new RNNCell({ inputSize: 3, hiddenSize: 5, bias: false }).stateDict())).toEqual([
      ["weight_ih", [5, 3]], ["weight_hh", [5, 5]],
    ]);
  });
});

describe("initialisation", () => {
  it.each(["float32", "float64"] as const)("draws from U(-1/sqrt(H), 1/sqrt(H)) in %s", (dtype) => {
    const sd = new RNN({ inputSize: 7, hiddenSize: 9, numLayers: 2, bidirectional: true, dtype, seed: 3 }).stateDict();
    const bound = 1 / Math.sqrt(9);
    const all = Object.values(sd).flatMap((t) => Array.from(t.data));
    for (const t of Object.values(sd)) expect(t.dtype).toBe(dtype);
    expect(Math.max(...all)).toBeLessThanOrEqual(bound);
    expect(Math.min(...all)).toBeGreaterThanOrEqual(-bound);
    // Not degenerate: values spread over most of the interval.
    expect(Math.max(...all) - Math.min(...all)).toBeGreaterThan(1.5 * bound);
  });

  it("is reproducible with a seed and differs between seeds", () => {
    const a = new RNNCell({ inputSize: 3, hiddenSize: 4, seed: 1 }).stateDict();
    const b = new RNNCell({ inputSize: 3, hiddenSize: 4, seed: 1 }).stateDict();
    const c = new RNNCell({ inputSize: 3, hiddenSize: 4, seed: 2 }).stateDict();
    expect(Array.from(a.weight_ih!.data)).toEqual(Array.from(b.weight_ih!.data));
    expect(Array.from(a.weight_ih!.data)).not.toEqual(Array.from(c.weight_ih!.data));
  });

  it("without a seed differs from one module to the next (Math.random, not a fixed seed)", () => {
    const a = new RNNCell({ inputSize: 3, hiddenSize: 4 }).stateDict();
    const b = new RNNCell({ inputSize: 3, hiddenSize: 4 }).stateDict();
    expect(Array.from(a.weight_ih!.data)).not.toEqual(Array.from(b.weight_ih!.data));
  });
});
