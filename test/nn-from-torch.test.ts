import { describe, expect, it } from "vitest";
import { ModuleError, StateDictError } from "../src/core/errors.js";
import type { Fixture, RNNFixture, RNNCellFixture } from "../src/core/format/types.js";
import { moduleFromFixture, moduleFromTorchConfig } from "../src/core/nn/from-torch.js";
import { RNN } from "../src/core/nn/rnn.js";
import { RNNCell } from "../src/core/nn/rnn-cell.js";
import { runTypeScript } from "../src/core/oracle/typescript.js";
import { Tensor } from "../src/core/tensor/tensor.js";

const rnnConfig = {
  input_size: 4, hidden_size: 2, num_layers: 3, nonlinearity: "relu", bias: false,
  batch_first: true, dropout: 0.25, bidirectional: true,
} as const;

function fixtureBase(stateDict: Record<string, Tensor>, input: Tensor) {
  return {
    file: "mem.msgpack", format: "rnn-parity-fixture", version: 1, name: "mem", dtype: "float64",
    seed: 0, torchVersion: "n/a", stateDict, inputs: { input }, outputs: {},
  } as const;
}

describe("moduleFromTorchConfig", () => {
  it("maps torch's snake_case kwargs onto the camelCase options", () => {
    const m = moduleFromTorchConfig("RNN", { ...rnnConfig }, "float64");
    expect(m).toBeInstanceOf(RNN);
    expect([m.inputSize, m.hiddenSize, m.numLayers, m.nonlinearity, m.bias, m.batchFirst, m.dropout, m.bidirectional, m.dtype])
      .toEqual([4, 2, 3, "relu", false, true, 0.25, true, "float64"]);
    const c = moduleFromTorchConfig("RNNCell", { input_size: 3, hidden_size: 5, bias: true, nonlinearity: "tanh" }, "float32");
    expect(c).toBeInstanceOf(RNNCell);
    expect([c.inputSize, c.hiddenSize, c.bias, c.nonlinearity, c.dtype]).toEqual([3, 5, true, "tanh", "float32"]);
  });

  it("refuses an unknown module name", () => {
    expect(() => moduleFromTorchConfig("Transformer" as "RNN", { ...rnnConfig }, "float32")).toThrow(
      new ModuleError("Unknown module 'Transformer'. Select from 'RNN', 'RNNCell', 'LSTM', 'LSTMCell', 'GRU' or 'GRUCell'."),
    );
  });
});

describe("moduleFromFixture / runTypeScript", () => {
  it("loads the state dict strictly and names outputs as fixtures do", () => {
    const donor = moduleFromTorchConfig("RNN", { ...rnnConfig }, "float64");
    const f: RNNFixture = { ...fixtureBase(donor.stateDict(), Tensor.zeros([2, 5, 4], "float64")), module: "RNN", config: { ...rnnConfig } };
    expect((moduleFromFixture(f) as RNN).stateDict()).toEqual(donor.stateDict());
    const out = runTypeScript(f);
    expect(Object.keys(out)).toEqual(["output", "h_n"]);
    expect(out.output!.shape).toEqual([2, 5, 4]);
    expect(out.h_n!.shape).toEqual([6, 2, 2]);

    const broken: Fixture = { ...f, stateDict: { ...f.stateDict, extra: Tensor.zeros([1]) } };
    expect(() => moduleFromFixture(broken)).toThrow(StateDictError);
  });

  it("runs a cell fixture", () => {
    const cfg = { input_size: 3, hidden_size: 5, bias: true, nonlinearity: "tanh" } as const;
    const donor = moduleFromTorchConfig("RNNCell", cfg, "float64");
    const f: RNNCellFixture = { ...fixtureBase(donor.stateDict(), Tensor.zeros([3], "float64")), module: "RNNCell", config: cfg };
    const out = runTypeScript(f);
    expect(Object.keys(out)).toEqual(["h_prime"]);
    expect(out.h_prime!.shape).toEqual([5]);
  });
});
