import { describe, expect, it } from "vitest";
import { ModuleError } from "../src/core/errors.js";
import { GRU } from "../src/core/nn/gru.js";
import { GRUCell } from "../src/core/nn/gru-cell.js";
import { LSTM } from "../src/core/nn/lstm.js";
import { LSTMCell } from "../src/core/nn/lstm-cell.js";
import type { GatedCellOptions, GRUOptions, LSTMOptions } from "../src/core/nn/options.js";

/** Plain-JS callers bypass the option types; the tests do the same on purpose. */
const lstm = (o: Record<string, unknown>) => () => new LSTM(o as unknown as LSTMOptions);
const gru = (o: Record<string, unknown>) => () => new GRU(o as unknown as GRUOptions);
const lstmCell = (o: Record<string, unknown>) => () => new LSTMCell(o as unknown as GatedCellOptions);
const gruCell = (o: Record<string, unknown>) => () => new GRUCell(o as unknown as GatedCellOptions);

function expectModuleError(f: () => unknown, message: string): void {
  expect(f).toThrow(ModuleError);
  expect(f).toThrow(message);
}

const keysAndShapes = (sd: Record<string, { shape: readonly number[] }>) => Object.entries(sd).map(([k, t]) => [k, [...t.shape]]);

describe("LSTM and GRU constructors", () => {
  it("have torch's defaults", () => {
    for (const m of [new LSTM({ inputSize: 3, hiddenSize: 4 }), new GRU({ inputSize: 3, hiddenSize: 4 })]) {
      expect([m.numLayers, m.bias, m.batchFirst, m.dropout, m.bidirectional, m.dtype]).toEqual([1, true, false, 0, false, "float32"]);
    }
    expect(new LSTM({ inputSize: 3, hiddenSize: 4 }).projSize).toBe(0);
  });

  // Messages whose torch counterpart exists are torch 2.13's, recorded by running it.
  it.each([
    [{ inputSize: 3, hiddenSize: 4, projSize: -1 }, "proj_size should be a positive integer or zero to disable projections"],
    [{ inputSize: 3, hiddenSize: 4, projSize: 4 }, "proj_size has to be smaller than hidden_size"],
    [{ inputSize: 3, hiddenSize: 4, projSize: 5 }, "proj_size has to be smaller than hidden_size"],
    [{ inputSize: 3, hiddenSize: 4, projSize: 1.5 }, "projSize should be an integer, got: 1.5"],
    [{ inputSize: 3, hiddenSize: 4, numLayers: 0, projSize: 4 }, "numLayers must be greater than zero"],
    [{ inputSize: 3, hiddenSize: 4, dropout: 2, projSize: 9 }, "dropout should be a number in range [0, 1] representing the probability of an element being zeroed"],
    [{ inputSize: 3, hiddenSize: 4, nonlinearity: "tanh" }, "LSTM got an unknown option 'nonlinearity'"],
    [{ inputSize: 3, hiddenSize: 4, proj_size: 2 }, "LSTM got an unknown option 'proj_size'; did you mean 'projSize'?"],
    [{ inputSize: 0, hiddenSize: 4 }, "inputSize must be greater than zero"],
  ])("LSTM rejects %j", (options, message) => {
    expectModuleError(lstm(options), message);
  });

  it.each([
    [{ inputSize: 3, hiddenSize: 4, projSize: 2 }, "proj_size argument is only supported for LSTM, not RNN or GRU"],
    [{ inputSize: 3, hiddenSize: 4, nonlinearity: "relu" }, "GRU got an unknown option 'nonlinearity'"],
    [{ inputSize: 3, hiddenSize: 4, dropout: -1 }, "dropout should be a number in range [0, 1] representing the probability of an element being zeroed"],
    [{ inputSize: 3, hiddenSize: 4, bidirectional: 1 }, "bidirectional should be of type boolean, got: number"],
    [{ inputSize: 3, hiddenSize: 4, dtype: "float16" }, 'dtype must be "float32" or "float64", got "float16"'],
  ])("GRU rejects %j", (options, message) => {
    expectModuleError(gru(options), message);
  });

  it.each([
    [{ inputSize: 3, hiddenSize: 0 }, "hiddenSize must be greater than zero"],
    [{ inputSize: 3, hiddenSize: 4, nonlinearity: "tanh" }, "got an unknown option 'nonlinearity'"],
    [{ inputSize: 3, hiddenSize: 4, projSize: 2 }, "got an unknown option 'projSize'"],
    [{ inputSize: 3, hiddenSize: 4, numLayers: 2 }, "got an unknown option 'numLayers'"],
  ])("LSTMCell and GRUCell reject %j", (options, message) => {
    expectModuleError(lstmCell(options), message);
    expectModuleError(gruCell(options), message);
  });

  it("rejects a non-object", () => {
    expect(() => new LSTM(undefined as unknown as LSTMOptions)).toThrow(ModuleError);
    expect(() => new GRU(null as unknown as GRUOptions)).toThrow(ModuleError);
    expect(() => new GRUCell(7 as unknown as GatedCellOptions)).toThrow(ModuleError);
  });
});

/** Key names and shapes (metadata, not values) printed by torch 2.13's state_dict(), in its order. */
const TORCH_KEYS: [string, () => { stateDict(): Record<string, { shape: readonly number[] }> }, [string, number[]][]][] = [
  ["LSTM(3, 5)", () => new LSTM({ inputSize: 3, hiddenSize: 5 }),
    [["weight_ih_l0", [20, 3]], ["weight_hh_l0", [20, 5]], ["bias_ih_l0", [20]], ["bias_hh_l0", [20]]]],
  ["LSTM(3, 5, num_layers=2, bidirectional=True, proj_size=2)", () => new LSTM({ inputSize: 3, hiddenSize: 5, numLayers: 2, bidirectional: true, projSize: 2 }),
    [["weight_ih_l0", [20, 3]], ["weight_hh_l0", [20, 2]], ["bias_ih_l0", [20]], ["bias_hh_l0", [20]], ["weight_hr_l0", [2, 5]],
      ["weight_ih_l0_reverse", [20, 3]], ["weight_hh_l0_reverse", [20, 2]], ["bias_ih_l0_reverse", [20]], ["bias_hh_l0_reverse", [20]], ["weight_hr_l0_reverse", [2, 5]],
      ["weight_ih_l1", [20, 4]], ["weight_hh_l1", [20, 2]], ["bias_ih_l1", [20]], ["bias_hh_l1", [20]], ["weight_hr_l1", [2, 5]],
      ["weight_ih_l1_reverse", [20, 4]], ["weight_hh_l1_reverse", [20, 2]], ["bias_ih_l1_reverse", [20]], ["bias_hh_l1_reverse", [20]], ["weight_hr_l1_reverse", [2, 5]]]],
  ["LSTM(3, 5, num_layers=2, bias=False, proj_size=2)", () => new LSTM({ inputSize: 3, hiddenSize: 5, numLayers: 2, bias: false, projSize: 2 }),
    [["weight_ih_l0", [20, 3]], ["weight_hh_l0", [20, 2]], ["weight_hr_l0", [2, 5]], ["weight_ih_l1", [20, 2]], ["weight_hh_l1", [20, 2]], ["weight_hr_l1", [2, 5]]]],
  ["LSTM(3, 5, num_layers=2, bidirectional=True, bias=False)", () => new LSTM({ inputSize: 3, hiddenSize: 5, numLayers: 2, bidirectional: true, bias: false }),
    [["weight_ih_l0", [20, 3]], ["weight_hh_l0", [20, 5]], ["weight_ih_l0_reverse", [20, 3]], ["weight_hh_l0_reverse", [20, 5]],
      ["weight_ih_l1", [20, 10]], ["weight_hh_l1", [20, 5]], ["weight_ih_l1_reverse", [20, 10]], ["weight_hh_l1_reverse", [20, 5]]]],
  ["GRU(3, 5, num_layers=2, bidirectional=True)", () => new GRU({ inputSize: 3, hiddenSize: 5, numLayers: 2, bidirectional: true }),
    [["weight_ih_l0", [15, 3]], ["weight_hh_l0", [15, 5]], ["bias_ih_l0", [15]], ["bias_hh_l0", [15]],
      ["weight_ih_l0_reverse", [15, 3]], ["weight_hh_l0_reverse", [15, 5]], ["bias_ih_l0_reverse", [15]], ["bias_hh_l0_reverse", [15]],
      ["weight_ih_l1", [15, 10]], ["weight_hh_l1", [15, 5]], ["bias_ih_l1", [15]], ["bias_hh_l1", [15]],
      ["weight_ih_l1_reverse", [15, 10]], ["weight_hh_l1_reverse", [15, 5]], ["bias_ih_l1_reverse", [15]], ["bias_hh_l1_reverse", [15]]]],
  ["GRU(3, 5, num_layers=3, bias=False)", () => new GRU({ inputSize: 3, hiddenSize: 5, numLayers: 3, bias: false }),
    [["weight_ih_l0", [15, 3]], ["weight_hh_l0", [15, 5]], ["weight_ih_l1", [15, 5]], ["weight_hh_l1", [15, 5]], ["weight_ih_l2", [15, 5]], ["weight_hh_l2", [15, 5]]]],
  ["LSTMCell(3, 5)", () => new LSTMCell({ inputSize: 3, hiddenSize: 5 }),
    [["weight_ih", [20, 3]], ["weight_hh", [20, 5]], ["bias_ih", [20]], ["bias_hh", [20]]]],
  ["LSTMCell(3, 5, bias=False)", () => new LSTMCell({ inputSize: 3, hiddenSize: 5, bias: false }), [["weight_ih", [20, 3]], ["weight_hh", [20, 5]]]],
  ["GRUCell(3, 5)", () => new GRUCell({ inputSize: 3, hiddenSize: 5 }),
    [["weight_ih", [15, 3]], ["weight_hh", [15, 5]], ["bias_ih", [15]], ["bias_hh", [15]]]],
  ["GRUCell(3, 5, bias=False)", () => new GRUCell({ inputSize: 3, hiddenSize: 5, bias: false }), [["weight_ih", [15, 3]], ["weight_hh", [15, 5]]]],
];

describe("state_dict keys, order and shapes are torch's", () => {
  it.each(TORCH_KEYS)("%s", (_name, make, expected) => {
    expect(keysAndShapes(make().stateDict())).toEqual(expected);
  });

  it("loadStateDict is strict and names the module", () => {
    const m = new LSTM({ inputSize: 3, hiddenSize: 5, projSize: 2 });
    const sd = m.stateDict();
    delete sd.weight_hr_l0;
    expect(() => m.loadStateDict(sd)).toThrow('Error(s) in loading state_dict for LSTM: Missing key(s) in state_dict: "weight_hr_l0".');
    const g = new GRUCell({ inputSize: 3, hiddenSize: 5 });
    const wrong = { ...g.stateDict(), weight_hh: new LSTMCell({ inputSize: 3, hiddenSize: 5 }).stateDict().weight_hh! };
    expect(() => g.loadStateDict(wrong)).toThrow(
      "Error(s) in loading state_dict for GRUCell: size mismatch for weight_hh: copying a param with shape torch.Size([20, 5]) from checkpoint, the shape in current model is torch.Size([15, 5]).",
    );
  });

  it("round-trips and is reproducible with a seed", () => {
    const a = new GRU({ inputSize: 3, hiddenSize: 4, numLayers: 2, seed: 3 });
    const b = new GRU({ inputSize: 3, hiddenSize: 4, numLayers: 2, seed: 4 });
    expect(b.stateDict()).not.toEqual(a.stateDict());
    b.loadStateDict(a.stateDict());
    expect(b.stateDict()).toEqual(a.stateDict());
    expect(new GRU({ inputSize: 3, hiddenSize: 4, numLayers: 2, seed: 3 }).stateDict()).toEqual(a.stateDict());
  });
});
