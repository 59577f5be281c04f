import { describe, expect, it } from "vitest";
import { ModuleError } from "../src/core/errors.js";
import { RNN } from "../src/core/nn/rnn.js";
import { RNNCell } from "../src/core/nn/rnn-cell.js";
import type { RNNCellOptions, RNNOptions } from "../src/core/nn/options.js";

/** Plain-JS callers bypass the option types; the tests do the same on purpose. */
const rnn = (o: Record<string, unknown>) => () => new RNN(o as unknown as RNNOptions);
const cell = (o: Record<string, unknown>) => () => new RNNCell(o as unknown as RNNCellOptions);

describe("RNN constructor", () => {
  it("has torch's defaults", () => {
    const m = new RNN({ inputSize: 3, hiddenSize: 4 });
    expect({
      numLayers: m.numLayers, nonlinearity: m.nonlinearity, bias: m.bias, batchFirst: m.batchFirst,
      dropout: m.dropout, bidirectional: m.bidirectional, dtype: m.dtype,
    }).toEqual({
      numLayers: 1, nonlinearity: "tanh", bias: true, batchFirst: false,
      dropout: 0, bidirectional: false, dtype: "float32",
    });
  });

  it("accepts dropout in [0, 1] and ignores it, even with one layer", () => {
    expect(new RNN({ inputSize: 3, hiddenSize: 4, dropout: 1 }).dropout).toBe(1);
    expect(new RNN({ inputSize: 3, hiddenSize: 4, numLayers: 2, dropout: 0.5 }).dropout).toBe(0.5);
  });

  it.each([
    [{ inputSize: 3, hiddenSize: 4, nonlinearity: "x" }, "Unknown nonlinearity 'x'. Select from 'tanh' or 'relu'."],
    [{ inputSize: 3, hiddenSize: 4, dropout: 1.5 }, "dropout should be a number in range [0, 1] representing the probability of an element being zeroed"],
    [{ inputSize: 3, hiddenSize: 4, dropout: -0.1 }, "dropout should be a number in range [0, 1] representing the probability of an element being zeroed"],
    [{ inputSize: 3, hiddenSize: 4, dropout: Number.NaN }, "dropout should be a number in range [0, 1] representing the probability of an element being zeroed"],
    [{ inputSize: 3, hiddenSize: 4, dropout: true }, "dropout should be a number in range [0, 1] representing the probability of an element being zeroed"],
    [{ inputSize: 0, hiddenSize: 4 }, "inputSize must be greater than zero"],
    [{ inputSize: 3, hiddenSize: 0 }, "hiddenSize must be greater than zero"],
    [{ inputSize: 3, hiddenSize: 4, numLayers: 0 }, "numLayers must be greater than zero"],
    [{ inputSize: 2.5, hiddenSize: 4 }, "inputSize should be an integer, got: 2.5"],
    [{ inputSize: "3", hiddenSize: 4 }, "inputSize should be an integer, got: string"],
    [{ inputSize: 3 }, "hiddenSize should be an integer, got: undefined"],
    [{ inputSize: 3, hiddenSize: 4, bias: 1 }, "bias should be of type boolean, got: number"],
    [{ inputSize: 3, hiddenSize: 4, batchFirst: "yes" }, "batchFirst should be of type boolean, got: string"],
    [{ inputSize: 3, hiddenSize: 4, bidirectional: null }, "bidirectional should be of type boolean, got: null"],
    [{ inputSize: 3, hiddenSize: 4, dtype: "float16" }, 'dtype must be "float32" or "float64", got "float16"'],
    [{ inputSize: 3, hiddenSize: 4, seed: 1.5 }, "seed should be an integer, got: 1.5"],
    [{ input_size: 3, hiddenSize: 4 }, "RNN got an unknown option 'input_size'; did you mean 'inputSize'?"],
    [{ inputSize: 3, hiddenSize: 4, projSize: 2 }, "proj_size argument is only supported for LSTM, not RNN or GRU"],
  ])("rejects %j", (options, message) => {
    expect(rnn(options)).toThrow(ModuleError);
    expect(rnn(options)).toThrow(message);
  });

  it("checks the nonlinearity before dropout, as torch does", () => {
    expect(rnn({ inputSize: 3, hiddenSize: 4, nonlinearity: "x", dropout: 2 })).toThrow(/Unknown nonlinearity/);
  });

  it("rejects a non-object", () => {
    expect(() => new RNN(undefined as unknown as RNNOptions)).toThrow(ModuleError);
  });
});

describe("RNNCell constructor", () => {
  it("has torch's defaults", () => {
    const m = new RNNCell({ inputSize: 3, hiddenSize: 4 });
    expect([m.inputSize, m.hiddenSize, m.bias, m.nonlinearity, m.dtype]).toEqual([3, 4, true, "tanh", "float32"]);
  });

  it.each([
    [{ inputSize: 3, hiddenSize: 4, nonlinearity: "sigmoid" }, "Unknown nonlinearity 'sigmoid'. Select from 'tanh' or 'relu'."],
    [{ inputSize: 0, hiddenSize: 4 }, "inputSize must be greater than zero"],
    [{ inputSize: 3, hiddenSize: -1 }, "hiddenSize must be greater than zero"],
    [{ inputSize: 3, hiddenSize: 4, numLayers: 2 }, "RNNCell got an unknown option 'numLayers'"],
    [{ inputSize: 3, hidden_size: 4 }, "RNNCell got an unknown option 'hidden_size'; did you mean 'hiddenSize'?"],
    [{ inputSize: 3, hiddenSize: 4, dtype: "int32" }, 'dtype must be "float32" or "float64", got "int32"'],
  ])("rejects %j", (options, message) => {
    expect(cell(options)).toThrow(ModuleError);
    expect(cell(options)).toThrow(message);
  });
});
