/**
 * The refusals whose wording is ours, not torch's (torch's are in nn-torch-errors.test.ts): what a
 * plain-JS caller can pass that TypeScript would have stopped. Each message is compared whole, so a
 * refusal that names the wrong function, option or value fails, not only one that vanishes.
 */
import { describe, expect, it } from "vitest";
import { ModuleError } from "../src/core/errors.js";
import { GRU } from "../src/core/nn/gru.js";
import { GRUCell } from "../src/core/nn/gru-cell.js";
import { LSTM } from "../src/core/nn/lstm.js";
import { LSTMCell } from "../src/core/nn/lstm-cell.js";
import { packPaddedSequence, packSequence, padPackedSequence, padSequence } from "../src/core/nn/pack.js";
import { RNN } from "../src/core/nn/rnn.js";
import { RNNCell } from "../src/core/nn/rnn-cell.js";
import { pythonTuple } from "../src/core/nn/checks.js";
import { moduleFromOptions, optionsFromTorchConfig } from "../src/core/nn/from-torch.js";
import { checkModuleSize, parameterCount } from "../src/core/nn/limits.js";
import { Tensor } from "../src/core/tensor/tensor.js";
import { thrown } from "./helpers/thrown.js";

/** Plain-JS callers bypass the declared types; so do these calls, on purpose. */
const loose = <T>(value: unknown): T => value as T;
const zeros = (...shape: number[]): Tensor => Tensor.zeros(shape);
const small = { inputSize: 3, hiddenSize: 4 };
const packed = (): ReturnType<typeof packPaddedSequence> => packPaddedSequence(zeros(3, 2, 3), [3, 2]);

const refusal = (f: () => unknown): string => thrown(f, { type: ModuleError, returned: "(accepted)" });

const cases: [string, () => unknown, string][] = [
  // Constructor options.
  ["RNN of null", () => new RNN(loose(null)), "RNN options must be an object with at least inputSize and hiddenSize"],
  ["LSTM of an array", () => new LSTM(loose([3, 4])), "LSTM options must be an object with at least inputSize and hiddenSize"],
  ["GRUCell of a number", () => new GRUCell(loose(7)), "GRUCell options must be an object with at least inputSize and hiddenSize"],
  ["RNNCell of a string", () => new RNNCell(loose("3, 4")), "RNNCell options must be an object with at least inputSize and hiddenSize"],
  ["GRU with proj_size", () => new GRU(loose({ ...small, proj_size: 2 })), "proj_size argument is only supported for LSTM, not RNN or GRU"],
  ["RNN with projSize", () => new RNN(loose({ ...small, projSize: 2 })), "proj_size argument is only supported for LSTM, not RNN or GRU"],
  ["LSTMCell with projSize", () => new LSTMCell(loose({ ...small, projSize: 2 })), "LSTMCell got an unknown option 'projSize'"],
  ["RNN with batch_first", () => new RNN(loose({ ...small, batch_first: true })), "RNN got an unknown option 'batch_first'; did you mean 'batchFirst'?"],
  ["LSTM with foo_bar", () => new LSTM(loose({ ...small, foo_bar: 1 })), "LSTM got an unknown option 'foo_bar'"],
  ["GRU with nonlinearity", () => new GRU(loose({ ...small, nonlinearity: "tanh" })), "GRU got an unknown option 'nonlinearity'"],
  ["RNNCell with num_layers", () => new RNNCell(loose({ ...small, num_layers: 1 })), "RNNCell got an unknown option 'num_layers'"],
  ["inputSize a string", () => new RNN(loose({ inputSize: "3", hiddenSize: 4 })), "inputSize should be an integer, got: string"],
  ["inputSize 1.5", () => new GRU(loose({ inputSize: 1.5, hiddenSize: 4 })), "inputSize should be an integer, got: 1.5"],
  ["hiddenSize null", () => new LSTMCell(loose({ inputSize: 3, hiddenSize: null })), "hiddenSize should be an integer, got: null"],
  ["hiddenSize missing", () => new RNNCell(loose({ inputSize: 3 })), "hiddenSize should be an integer, got: undefined"],
  ["numLayers 0", () => new LSTM({ ...small, numLayers: 0 }), "numLayers must be greater than zero"],
  ["numLayers 2.5", () => new RNN({ ...small, numLayers: 2.5 }), "numLayers should be an integer, got: 2.5"],
  ["seed 1.5", () => new RNN({ ...small, seed: 1.5 }), "seed should be an integer, got: 1.5"],
  ["seed 2^53", () => new GRUCell({ ...small, seed: 2 ** 53 }), "seed should be an integer, got: 9007199254740992"],
  ["seed a string", () => new LSTM(loose({ ...small, seed: "1" })), "seed should be an integer, got: string"],
  ["projSize a string", () => new LSTM(loose({ ...small, projSize: "2" })), "projSize should be an integer, got: string"],
  ["projSize 1.5", () => new LSTM({ ...small, projSize: 1.5 }), "projSize should be an integer, got: 1.5"],
  ["RNNCell bias 1", () => new RNNCell(loose({ ...small, bias: 1 })), "bias should be of type boolean, got: number"],
  ["LSTMCell bias null", () => new LSTMCell(loose({ ...small, bias: null })), "bias should be of type boolean, got: null"],
  ["GRU batchFirst 'yes'", () => new GRU(loose({ ...small, batchFirst: "yes" })), "batchFirst should be of type boolean, got: string"],
  ["LSTM bidirectional 1", () => new LSTM(loose({ ...small, bidirectional: 1 })), "bidirectional should be of type boolean, got: number"],
  ["GRUCell dtype float16", () => new GRUCell(loose({ ...small, dtype: "float16" })), 'dtype must be "float32" or "float64", got "float16"'],
  ["RNN dropout a string", () => new RNN(loose({ ...small, dropout: "0.5" })), "dropout should be a number in range [0, 1] representing the probability of an element being zeroed"],
  ["RNN nonlinearity 3", () => new RNN(loose({ ...small, nonlinearity: 3 })), "Unknown nonlinearity '3'. Select from 'tanh' or 'relu'."],
  ["inputSize over 2^24", () => new RNNCell({ inputSize: 2 ** 24 + 1, hiddenSize: 1 }), "RNNCell: inputSize 16777217 is more than the limit of 16777216 (2^24)"],
  ["hiddenSize over 2^24", () => new GRU({ inputSize: 1, hiddenSize: 2 ** 24 + 1 }), "GRU: hiddenSize 16777217 is more than the limit of 16777216 (2^24)"],
  ["too many parameters", () => new LSTM({ inputSize: 1000, hiddenSize: 1000, numLayers: 100 }), "LSTM: 800800000 parameters, more than the limit of 268435456 (2^28) per module"],
  ["exactly 1e15 parameters", () => new RNN({ inputSize: 1e6, hiddenSize: 1e6, numLayers: 500, bias: false }), "RNN: 1000000000000000 parameters, more than the limit of 268435456 (2^28) per module"],
  ["far too many parameters", () => new RNN({ inputSize: 1, hiddenSize: 2 ** 24, numLayers: 1e9 }), "RNN: 5.629e+23 parameters, more than the limit of 268435456 (2^28) per module"],

  // forward's states.
  ["LSTMCell hx of one tensor in an array", () => new LSTMCell(small).forward(zeros(2, 3), loose([zeros(2, 4)])), "LSTMCell: expected hx to be a pair [h, c] of Tensors, got an array of length 1"],
  ["LSTMCell hx null", () => new LSTMCell(small).forward(zeros(2, 3), loose(null)), "LSTMCell: expected hx to be a pair [h, c] of Tensors, got null"],
  ["LSTMCell hx a tensor", () => new LSTMCell(small).forward(zeros(2, 3), loose(zeros(2, 4))), "LSTMCell: expected hx to be a pair [h, c] of Tensors, got object"],
  ["LSTM hx of three", () => new LSTM(small).forward(zeros(2, 1, 3), loose([zeros(1, 1, 4), zeros(1, 1, 4), zeros(1, 1, 4)])), "LSTM: expected hx to be a pair [h, c] of Tensors, got an array of length 3"],
  ["RNN hx float64", () => new RNN(small).forward(zeros(2, 1, 3), Tensor.zeros([1, 1, 4], "float64")), 'RNN hx dtype (float64) does not match weight dtype (float32). Convert hx to float32, or create the module with dtype: "float64"'],
  ["GRU input float64", () => new GRU(small).forward(Tensor.zeros([2, 1, 3], "float64")), 'GRU input dtype (float64) does not match weight dtype (float32). Convert input to float32, or create the module with dtype: "float64"'],
  ["LSTM hx float64", () => new LSTM(small).forward(zeros(2, 1, 3), [Tensor.zeros([1, 1, 4], "float64"), zeros(1, 1, 4)]), 'LSTM hx dtype (float64) does not match weight dtype (float32). Convert hx to float32, or create the module with dtype: "float64"'],
  ["LSTM cx float64", () => new LSTM(small).forward(zeros(2, 1, 3), [zeros(1, 1, 4), Tensor.zeros([1, 1, 4], "float64")]), 'LSTM cx dtype (float64) does not match weight dtype (float32). Convert cx to float32, or create the module with dtype: "float64"'],
  ["GRUCell hx float64", () => new GRUCell(small).forward(zeros(2, 3), Tensor.zeros([2, 4], "float64")), 'GRUCell hx dtype (float64) does not match weight dtype (float32). Convert hx to float32, or create the module with dtype: "float64"'],
  ["LSTMCell c float64", () => new LSTMCell(small).forward(zeros(2, 3), [zeros(2, 4), Tensor.zeros([2, 4], "float64")]), 'LSTMCell hx[1] dtype (float64) does not match weight dtype (float32). Convert hx[1] to float32, or create the module with dtype: "float64"'],
  ["RNN packed, 2-D hx", () => new RNN(small).forward(packed(), zeros(2, 4)), "For a PackedSequence input, hx should be 3-D but got 2-D tensor"],
  ["GRU packed, 2-D hx", () => new GRU(small).forward(packed(), zeros(2, 4)), "For a PackedSequence input, hx should be 3-D but got 2-D tensor"],
  ["LSTM packed, 2-D cx", () => new LSTM(small).forward(packed(), [zeros(1, 2, 4), zeros(2, 4)]), "For a PackedSequence input, hx and cx should be 3-D but got (3-D, 2-D) tensors"],
  ["LSTM packed, 2-D hx", () => new LSTM(small).forward(packed(), [zeros(2, 4), zeros(1, 2, 4)]), "For a PackedSequence input, hx and cx should be 3-D but got (2-D, 3-D) tensors"],
  ["RNNCell batched, 1-D hx", () => new RNNCell(small).forward(zeros(2, 3), zeros(4)), "For batched 2-D input, hx should also be 2-D but got 1-D tensor"],
  ["LSTMCell unbatched, 2-D c", () => new LSTMCell(small).forward(zeros(3), [zeros(4), zeros(1, 4)]), "For unbatched 1-D input, hx[1] should also be 1-D but got 2-D tensor"],

  // torch.nn.utils.rnn's functions.
  ["packPaddedSequence options null", () => packPaddedSequence(zeros(3, 2, 1), [3, 2], loose(null)), "packPaddedSequence: options must be an object, got null"],
  ["packPaddedSequence options an array", () => packPaddedSequence(zeros(3, 2, 1), [3, 2], loose([])), "packPaddedSequence: options must be an object, got object"],
  ["packPaddedSequence options true", () => packPaddedSequence(zeros(3, 2, 1), [3, 2], loose(true)), "packPaddedSequence: options must be an object, got boolean"],
  ["packPaddedSequence batch_first", () => packPaddedSequence(zeros(3, 2, 1), [3, 2], loose({ batch_first: true })), "packPaddedSequence got an unknown option 'batch_first'; did you mean 'batchFirst'?"],
  ["packPaddedSequence batchFirst 1", () => packPaddedSequence(zeros(3, 2, 1), [3, 2], loose({ batchFirst: 1 })), "packPaddedSequence: batchFirst should be of type boolean, got: number"],
  ["packPaddedSequence enforceSorted null", () => packPaddedSequence(zeros(3, 2, 1), [3, 2], loose({ enforceSorted: null })), "packPaddedSequence: enforceSorted should be of type boolean, got: null"],
  ["packPaddedSequence input a string", () => packPaddedSequence(loose("x"), [3, 2]), "packPaddedSequence: expected input to be a Tensor, got string"],
  ["packPaddedSequence 1-D input", () => packPaddedSequence(zeros(3), [3]), "packPaddedSequence: expected input to be at least 2-D, (T, B, *) or (B, T, *) with batchFirst, got 1-D"],
  ["packPaddedSequence lengths 1.5", () => packPaddedSequence(zeros(3, 2, 1), [3, 1.5]), "packPaddedSequence: lengths must be integers, got 1.5"],
  ["packPaddedSequence lengths a string", () => packPaddedSequence(zeros(3, 2, 1), loose("3, 2")), "packPaddedSequence: expected lengths to be a Tensor, got string"],
  ["packPaddedSequence a length past T", () => packPaddedSequence(zeros(3, 2, 1), [4, 2]), "Expected every length to be at most the padded sequence length 3, but got 4"],
  ["padPackedSequence of a tensor", () => padPackedSequence(loose(zeros(3, 2))), "padPackedSequence: expected a PackedSequence"],
  ["padPackedSequence options 7", () => padPackedSequence(packed(), loose(7)), "padPackedSequence: options must be an object, got number"],
  ["padPackedSequence batchFirst 'no'", () => padPackedSequence(packed(), loose({ batchFirst: "no" })), "padPackedSequence: batchFirst should be of type boolean, got: string"],
  ["padPackedSequence paddingValue a string", () => padPackedSequence(packed(), loose({ paddingValue: "0" })), "padPackedSequence: paddingValue should be a number, got: string"],
  ["padPackedSequence totalLength 3.5", () => padPackedSequence(packed(), { totalLength: 3.5 }), "padPackedSequence: totalLength should be an integer, got: 3.5"],
  ["padPackedSequence totalLength a string", () => padPackedSequence(packed(), loose({ totalLength: "4" })), "padPackedSequence: totalLength should be an integer, got: 4"],
  ["padPackedSequence total_length", () => padPackedSequence(packed(), loose({ total_length: 4 })), "padPackedSequence got an unknown option 'total_length'; did you mean 'totalLength'?"],
  ["padSequence of a tensor", () => padSequence(loose(zeros(2, 3))), "padSequence: expected an array of Tensors"],
  ["padSequence options null", () => padSequence([zeros(2, 3)], loose(null)), "padSequence: options must be an object, got null"],
  ["padSequence batchFirst 0", () => padSequence([zeros(2, 3)], loose({ batchFirst: 0 })), "padSequence: batchFirst should be of type boolean, got: number"],
  ["padSequence paddingValue null", () => padSequence([zeros(2, 3)], loose({ paddingValue: null })), "padSequence: paddingValue should be a number, got: null"],
  ["padPackedSequence totalLength null", () => padPackedSequence(packed(), loose({ totalLength: null })), "padPackedSequence: totalLength should be an integer, got: null"],
  ["padSequence a string among tensors", () => padSequence([zeros(2, 3), loose("x")]), "padSequence: expected sequences[1] to be a Tensor, got string"],
  ["padSequence a 0-D sequence", () => padSequence([zeros()]), "padSequence: sequences[0] is 0-D; each sequence needs a leading length dimension"],
  ["padSequence features 4 for 3", () => padSequence([zeros(2, 3), zeros(1, 4)]), "padSequence: sequences[1] has shape [1, 4], but every sequence must be (L, 3) like sequences[0] [2, 3]"],
  ["padSequence rank 1 for 2", () => padSequence([zeros(2, 3), zeros(3)]), "padSequence: sequences[1] has shape [3], but every sequence must be (L, 3) like sequences[0] [2, 3]"],
  ["padSequence rank 3 for 2", () => padSequence([zeros(2, 3), zeros(1, 3, 1)]), "padSequence: sequences[1] has shape [1, 3, 1], but every sequence must be (L, 3) like sequences[0] [2, 3]"],
  ["padSequence features (3, 2) for (3, 1)", () => padSequence([zeros(2, 3, 1), zeros(1, 3, 2)]), "padSequence: sequences[1] has shape [1, 3, 2], but every sequence must be (L, 3, 1) like sequences[0] [2, 3, 1]"],
  ["padSequence float64 after float32", () => padSequence([zeros(2, 3), Tensor.zeros([1, 3], "float64")]), "padSequence: sequences[1] is float64, but sequences[0] is float32"],
  ["optionsFromTorchConfig of an unknown module", () => optionsFromTorchConfig(loose<"RNN">("Transformer"), loose({}), "float32"), "Unknown module 'Transformer'. Select from 'RNN', 'RNNCell', 'LSTM', 'LSTMCell', 'GRU' or 'GRUCell'."],
  ["moduleFromOptions of an unknown module", () => moduleFromOptions(loose<"RNN">("rnn"), loose({})), "Unknown module 'rnn'. Select from 'RNN', 'RNNCell', 'LSTM', 'LSTMCell', 'GRU' or 'GRUCell'."],
  ["packSequence options null", () => packSequence([zeros(2, 3)], loose(null)), "packSequence: options must be an object, got null"],
  ["packSequence enforce_sorted", () => packSequence([zeros(2, 3)], loose({ enforce_sorted: false })), "packSequence got an unknown option 'enforce_sorted'; did you mean 'enforceSorted'?"],
];

describe("refusals worded by us, compared whole", () => {
  it.each(cases)("%s", (_name, f, message) => {
    expect(refusal(f)).toBe(message);
  });
});

describe("what the refusals above must not catch", () => {
  it("a 2-D padded batch (T, B) packs, as in torch", () => {
    expect(packPaddedSequence(zeros(3, 2), [3, 1]).batchSizes).toEqual([2, 1, 1]);
  });

  it("exactly 2^28 parameters are within the limit (8192 · (24576 + 8192))", () => {
    expect(parameterCount("RNN", { inputSize: 24576, hiddenSize: 8192, bias: false })).toBe(2 ** 28);
    expect(() => checkModuleSize("RNN", { inputSize: 24576, hiddenSize: 8192, bias: false })).not.toThrow();
    expect(() => checkModuleSize("RNN", { inputSize: 24577, hiddenSize: 8192, bias: false })).toThrow(ModuleError);
  });

  it("tuples are printed as Python prints them", () => {
    expect([pythonTuple([4]), pythonTuple([2, 3]), pythonTuple([1, 2, 3])]).toEqual(["(4,)", "(2, 3)", "(1, 2, 3)"]);
  });

  it("a size of exactly 2^24 is within the limit", () => {
    expect(new RNNCell({ inputSize: 2 ** 24, hiddenSize: 1 }).inputSize).toBe(2 ** 24);
  });

  it("every sequence of a 1-D list pads, as in torch", () => {
    expect(padSequence([zeros(2), zeros(3)]).shape).toEqual([3, 2]);
  });
});
