/**
 * The exact refusal of every shape check in validate-shapes.ts and validate-packed.ts, one case
 * per module, layout (seq-first, batch-first, unbatched) and projection: each message names the
 * field, the shape torch expects and why, so a wrong layout word or a skipped check shows as a
 * changed line. Bad inputs are bundled PyTorch exports mutated in memory; the few checks the
 * reader already guarantees (a missing or non-int64 packed field, a state_dict key absent when its
 * shapes are checked) are exercised by calling the exported checks on a decoded fixture.
 */
import { describe, expect, it } from "vitest";
import { decodeFixture } from "../src/core/format/msgpack.js";
import type { FixtureTensor, SequenceConfig } from "../src/core/format/types.js";
import { checkPackedIo } from "../src/core/format/validate-packed.js";
import { checkStateDictShapes, type IoTensors } from "../src/core/format/validate-shapes.js";
import { Tensor } from "../src/core/tensor/tensor.js";
import { child, encodeRaw, fixtureBytes, fixtureErrorOf, int64Map, rawFixture, tensorMap, type RawMap } from "./helpers/fixture-bytes.js";

const F = "fixtures/x.msgpack";

/** A bundled float32 fixture by case name. */
function f32(name: string): string {
  return `float32/${name}-float32.msgpack`;
}

// Shapes below are those of the bundled exports (input_size 4, hidden_size 6 unless noted).
/** input [5, 3, 4], hx [1, 3, 6], output [5, 3, 6]. */
const RNN_SEQ = f32("RNN-tanh-bias-seqfirst-uni-L1-h0");
/** batch_first, L2, bidirectional: input [3, 5, 4], hx [4, 3, 6], output [3, 5, 12]. */
const RNN_BF = f32("RNN-relu-bias-batchfirst-bidir-L2-h0");
/** unbatched, L2: input [5, 4], hx [2, 6], output [5, 6]. */
const RNN_UNB = f32("RNN-unbatched-uni-L2-h0");
/** seq-first, L2, bidirectional: input [5, 3, 4], hx [4, 3, 6], output [5, 3, 12]. */
const GRU_SEQ = f32("GRU-bias-seqfirst-bidir-L2-h0");
/** proj_size=0: input [5, 3, 4], hx and cx [1, 3, 6]. */
const LSTM_NOPROJ = f32("LSTM-bias-seqfirst-uni-L1-noproj-h0");
/** proj_size=3, batch_first: input [3, 5, 4], hx [1, 3, 3], cx [1, 3, 6], output [3, 5, 3]. */
const LSTM_PROJ = f32("LSTM-bias-batchfirst-uni-L1-proj3-h0");
/** proj_size=3, unbatched, L2, bidirectional: input [5, 4], hx [4, 3], cx [4, 6], output [5, 6]. */
const LSTM_UNB_PROJ = f32("LSTM-unbatched-bidir-L2-proj3-h0");
// Cells: input_size 3, hidden_size 5; batched ones have batch 4.
const RNNCELL_B = f32("RNNCell-tanh-bias-batched-hx");
const RNNCELL_UNB = f32("RNNCell-tanh-bias-unbatched-hx");
const LSTMCELL_B = f32("LSTMCell-bias-batched-hx");
const LSTMCELL_UNB = f32("LSTMCell-bias-unbatched-hx");
const GRUCELL_B = f32("GRUCell-bias-batched-hx");
const GRUCELL_UNB = f32("GRUCell-bias-unbatched-hx");
// Packed cases: input_size 4, hidden_size 5, batch 5, padded length 6, 17 steps in all.
/** enforce_sorted, seq-first: input [6, 5, 4], lengths [6, 4, 4, 2, 1]. */
const PACKED_SORTED_SEQ = f32("RNN-packed-sorted-seqfirst-uni-L1-h0");
/** enforce_sorted=False, batch_first: input [5, 6, 4], lengths [4, 1, 6, 2, 4], sorted_indices [2, 0, 4, 3, 1]. */
const PACKED_UNSORTED_BF = f32("RNN-packed-unsorted-batchfirst-uni-L1-h0");
/** enforce_sorted=False, seq-first, bidirectional, proj_size=3: h_n [2, 5, 3], c_n [2, 5, 5]. */
const PACKED_LSTM_PROJ = f32("LSTM-packed-unsorted-seqfirst-bidir-L1-proj3-noh0");
/** enforce_sorted, batch_first, bidirectional GRU. */
const PACKED_GRU_BF = f32("GRU-packed-sorted-batchfirst-bidir-L1-h0");

/** Mutates a copy of a bundled fixture, encodes it, and returns the loader's refusal. */
function refusal(base: string, mutate: (raw: RawMap) => void): string {
  const raw = rawFixture(base);
  mutate(raw);
  return fixtureErrorOf(() => decodeFixture(encodeRaw(raw), F)).message;
}

/** Sets `group.name` of the raw fixture to a float32 tensor of `shape`. */
function setTensor(group: "inputs" | "outputs" | "state_dict", name: string, shape: number[]): (raw: RawMap) => void {
  return (raw) => {
    child(raw, group)[name] = tensorMap(shape);
  };
}

interface RefusalCase {
  name: string;
  base: string;
  mutate: (raw: RawMap) => void;
  message: string;
}

describe("state_dict keys: the refusal describes the module as torch prints it", () => {
  const cases: RefusalCase[] = [
    {
      name: "RNN (no proj_size in the description)",
      base: RNN_BF,
      mutate: (r) => { delete child(r, "state_dict").weight_hh_l0; },
      message: `${F}: state_dict.weight_hh_l0: missing; RNN(num_layers=2, bidirectional=True, bias=True) has this parameter`,
    },
    {
      name: "GRU (no proj_size in the description)",
      base: GRU_SEQ,
      mutate: (r) => { delete child(r, "state_dict").bias_ih_l1_reverse; },
      message: `${F}: state_dict.bias_ih_l1_reverse: missing; GRU(num_layers=2, bidirectional=True, bias=True) has this parameter`,
    },
    {
      name: "LSTM with proj_size=0 (no proj_size in the description)",
      base: LSTM_NOPROJ,
      mutate: (r) => { delete child(r, "state_dict").weight_ih_l0; },
      message: `${F}: state_dict.weight_ih_l0: missing; LSTM(num_layers=1, bidirectional=False, bias=True) has this parameter`,
    },
    {
      name: "LSTM with proj_size=3",
      base: LSTM_PROJ,
      mutate: (r) => { delete child(r, "state_dict").weight_hr_l0; },
      message: `${F}: state_dict.weight_hr_l0: missing; LSTM(num_layers=1, bidirectional=False, bias=True, proj_size=3) has this parameter`,
    },
    {
      name: "LSTM with proj_size=0 and a stray weight_hr_l0",
      base: LSTM_NOPROJ,
      mutate: setTensor("state_dict", "weight_hr_l0", [3, 6]),
      message: `${F}: state_dict.weight_hr_l0: unexpected key; LSTM(num_layers=1, bidirectional=False, bias=True) has only weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0`,
    },
    {
      name: "RNNCell",
      base: RNNCELL_B,
      mutate: (r) => { delete child(r, "state_dict").bias_hh; },
      message: `${F}: state_dict.bias_hh: missing; RNNCell(bias=True) has this parameter`,
    },
  ];
  it.each(cases)("$name", ({ base, mutate, message }) => {
    expect(refusal(base, mutate)).toBe(message);
  });
});

describe("state_dict shapes: the reason names input_size, hidden_size and a positive proj_size", () => {
  const cases: RefusalCase[] = [
    {
      name: "RNN weight_ih_l0 with the wrong input size",
      base: RNN_SEQ,
      mutate: setTensor("state_dict", "weight_ih_l0", [6, 5]),
      message: `${F}: state_dict.weight_ih_l0.shape[1]: is 5, expected 4: shape [6, 5], expected [6, 4] for RNN with input_size=4, hidden_size=6`,
    },
    {
      name: "GRU weight_ih_l0 with the wrong input size",
      base: GRU_SEQ,
      mutate: setTensor("state_dict", "weight_ih_l0", [18, 5]),
      message: `${F}: state_dict.weight_ih_l0.shape[1]: is 5, expected 4: shape [18, 5], expected [18, 4] for GRU with input_size=4, hidden_size=6`,
    },
    {
      name: "LSTM (proj_size=0) weight_ih_l0 with the wrong input size",
      base: LSTM_NOPROJ,
      mutate: setTensor("state_dict", "weight_ih_l0", [24, 5]),
      message: `${F}: state_dict.weight_ih_l0.shape[1]: is 5, expected 4: shape [24, 5], expected [24, 4] for LSTM with input_size=4, hidden_size=6`,
    },
    {
      name: "LSTM (proj_size=3) weight_hh_l0 over hidden_size instead of proj_size",
      base: LSTM_PROJ,
      mutate: setTensor("state_dict", "weight_hh_l0", [24, 6]),
      message: `${F}: state_dict.weight_hh_l0.shape[1]: is 6, expected 3: shape [24, 6], expected [24, 3] for LSTM with input_size=4, hidden_size=6, proj_size=3`,
    },
    {
      name: "LSTM (proj_size=3) bias_ih_l0 of the wrong rank",
      base: LSTM_PROJ,
      mutate: setTensor("state_dict", "bias_ih_l0", [24, 1]),
      message: `${F}: state_dict.bias_ih_l0.shape: is [24, 1], expected [24] for LSTM with input_size=4, hidden_size=6, proj_size=3`,
    },
  ];
  it.each(cases)("$name", ({ base, mutate, message }) => {
    expect(refusal(base, mutate)).toBe(message);
  });

  it("a key absent from the state_dict is left to checkStateDictKeys, not dereferenced", () => {
    const f = decodeFixture(fixtureBytes(RNN_SEQ), F);
    const partial = Object.fromEntries(Object.entries(f.stateDict).filter(([k]) => k !== "weight_ih_l0"));
    expect(() => checkStateDictShapes(F, partial, f.module, f.config)).not.toThrow();
    expect(() => checkStateDictShapes(F, {}, f.module, f.config)).not.toThrow();
  });
});

describe("sequence modules (RNN, LSTM, GRU): inputs, states and outputs", () => {
  const cases: RefusalCase[] = [
    // A zero sequence or batch dimension.
    {
      name: "seq-first, sequence length 0",
      base: RNN_SEQ,
      mutate: setTensor("inputs", "input", [0, 3, 4]),
      message: `${F}: inputs.input.shape[0]: the sequence length is 0, expected at least 1`,
    },
    {
      name: "batch_first, sequence length 0",
      base: RNN_BF,
      mutate: setTensor("inputs", "input", [3, 0, 4]),
      message: `${F}: inputs.input.shape[1]: the sequence length is 0, expected at least 1`,
    },
    {
      name: "unbatched, sequence length 0",
      base: RNN_UNB,
      mutate: setTensor("inputs", "input", [0, 4]),
      message: `${F}: inputs.input.shape[0]: the sequence length is 0, expected at least 1`,
    },
    {
      name: "seq-first, batch size 0",
      base: RNN_SEQ,
      mutate: setTensor("inputs", "input", [5, 0, 4]),
      message: `${F}: inputs.input.shape[1]: the batch size is 0, expected at least 1`,
    },
    {
      name: "batch_first, batch size 0",
      base: RNN_BF,
      mutate: setTensor("inputs", "input", [0, 5, 4]),
      message: `${F}: inputs.input.shape[0]: the batch size is 0, expected at least 1`,
    },
    // The input against input_size, per layout.
    {
      name: "rank 4 input",
      base: RNN_SEQ,
      mutate: setTensor("inputs", "input", [5, 3, 4, 1]),
      message: `${F}: inputs.input.shape: RNN input must have rank 2 (unbatched) or 3 (batched), got [5, 3, 4, 1]`,
    },
    {
      name: "seq-first input with the wrong input_size",
      base: RNN_SEQ,
      mutate: setTensor("inputs", "input", [5, 3, 7]),
      message: `${F}: inputs.input.shape[2]: is 7, expected 4: shape [5, 3, 7], expected [5, 3, 4] (seq, batch, input_size), input_size=4`,
    },
    {
      name: "batch_first input with the wrong input_size",
      base: RNN_BF,
      mutate: setTensor("inputs", "input", [3, 5, 7]),
      message: `${F}: inputs.input.shape[2]: is 7, expected 4: shape [3, 5, 7], expected [3, 5, 4] (batch, seq, input_size), input_size=4`,
    },
    {
      name: "unbatched input with the wrong input_size",
      base: RNN_UNB,
      mutate: setTensor("inputs", "input", [5, 7]),
      message: `${F}: inputs.input.shape[1]: is 7, expected 4: shape [5, 7], expected [5, 4] (seq, input_size), input_size=4`,
    },
    // hx, cx, h_n, c_n: batched and unbatched, hidden_size and proj_size.
    {
      name: "batched RNN hx with the wrong hidden size",
      base: RNN_SEQ,
      mutate: setTensor("inputs", "hx", [1, 3, 7]),
      message: `${F}: inputs.hx.shape[2]: is 7, expected 6: shape [1, 3, 7], expected [1, 3, 6] (num_layers * num_directions, batch, hidden_size)`,
    },
    {
      name: "unbatched RNN hx with the wrong hidden size",
      base: RNN_UNB,
      mutate: setTensor("inputs", "hx", [2, 7]),
      message: `${F}: inputs.hx.shape[1]: is 7, expected 6: shape [2, 7], expected [2, 6] (num_layers * num_directions, hidden_size)`,
    },
    {
      name: "batched LSTM (proj_size=3) hx over hidden_size",
      base: LSTM_PROJ,
      mutate: setTensor("inputs", "hx", [1, 3, 6]),
      message: `${F}: inputs.hx.shape[2]: is 6, expected 3: shape [1, 3, 6], expected [1, 3, 3] (num_layers * num_directions, batch, proj_size)`,
    },
    {
      name: "unbatched LSTM (proj_size=3) hx over hidden_size",
      base: LSTM_UNB_PROJ,
      mutate: setTensor("inputs", "hx", [4, 6]),
      message: `${F}: inputs.hx.shape[1]: is 6, expected 3: shape [4, 6], expected [4, 3] (num_layers * num_directions, proj_size)`,
    },
    {
      name: "batched LSTM cx with the wrong hidden size",
      base: LSTM_NOPROJ,
      mutate: setTensor("inputs", "cx", [1, 3, 5]),
      message: `${F}: inputs.cx.shape[2]: is 5, expected 6: shape [1, 3, 5], expected [1, 3, 6] (num_layers * num_directions, batch, hidden_size)`,
    },
    {
      name: "unbatched LSTM (proj_size=3) cx over proj_size",
      base: LSTM_UNB_PROJ,
      mutate: setTensor("inputs", "cx", [4, 3]),
      message: `${F}: inputs.cx.shape[1]: is 3, expected 6: shape [4, 3], expected [4, 6] (num_layers * num_directions, hidden_size)`,
    },
    {
      name: "GRU h_n with the wrong number of layers",
      base: GRU_SEQ,
      mutate: setTensor("outputs", "h_n", [2, 3, 6]),
      message: `${F}: outputs.h_n.shape[0]: is 2, expected 4: shape [2, 3, 6], expected [4, 3, 6] (num_layers * num_directions, batch, hidden_size)`,
    },
    {
      name: "batched LSTM c_n with the wrong hidden size",
      base: LSTM_NOPROJ,
      mutate: setTensor("outputs", "c_n", [1, 3, 5]),
      message: `${F}: outputs.c_n.shape[2]: is 5, expected 6: shape [1, 3, 5], expected [1, 3, 6] (num_layers * num_directions, batch, hidden_size)`,
    },
    {
      name: "unbatched LSTM (proj_size=3) c_n over proj_size",
      base: LSTM_UNB_PROJ,
      mutate: setTensor("outputs", "c_n", [4, 3]),
      message: `${F}: outputs.c_n.shape[1]: is 3, expected 6: shape [4, 3], expected [4, 6] (num_layers * num_directions, hidden_size)`,
    },
    // output, in the input's layout with num_directions * (hidden_size or proj_size) features.
    {
      name: "seq-first output with the wrong feature size",
      base: RNN_SEQ,
      mutate: setTensor("outputs", "output", [5, 3, 7]),
      message: `${F}: outputs.output.shape[2]: is 7, expected 6: shape [5, 3, 7], expected [5, 3, 6] (seq, batch, num_directions * hidden_size)`,
    },
    {
      name: "batch_first bidirectional output of one direction",
      base: RNN_BF,
      mutate: setTensor("outputs", "output", [3, 5, 6]),
      message: `${F}: outputs.output.shape[2]: is 6, expected 12: shape [3, 5, 6], expected [3, 5, 12] (batch, seq, num_directions * hidden_size)`,
    },
    {
      name: "unbatched bidirectional LSTM (proj_size=3) output over hidden_size",
      base: LSTM_UNB_PROJ,
      mutate: setTensor("outputs", "output", [5, 12]),
      message: `${F}: outputs.output.shape[1]: is 12, expected 6: shape [5, 12], expected [5, 6] (seq, num_directions * proj_size)`,
    },
  ];
  it.each(cases)("$name", ({ base, mutate, message }) => {
    expect(refusal(base, mutate)).toBe(message);
  });
});

describe("cells (RNNCell, LSTMCell, GRUCell): inputs, states and outputs", () => {
  const cases: RefusalCase[] = [
    {
      name: "batched, batch size 0",
      base: RNNCELL_B,
      mutate: setTensor("inputs", "input", [0, 3]),
      message: `${F}: inputs.input.shape[0]: the batch size is 0, expected at least 1`,
    },
    {
      name: "rank 3 input",
      base: RNNCELL_B,
      mutate: setTensor("inputs", "input", [4, 3, 1]),
      message: `${F}: inputs.input.shape: RNNCell input must have rank 1 (unbatched) or 2 (batched), got [4, 3, 1]`,
    },
    {
      name: "batched input with the wrong input_size",
      base: RNNCELL_B,
      mutate: setTensor("inputs", "input", [4, 7]),
      message: `${F}: inputs.input.shape[1]: is 7, expected 3: shape [4, 7], expected [4, 3] (batch, input_size), input_size=3`,
    },
    {
      name: "unbatched input with the wrong input_size",
      base: RNNCELL_UNB,
      mutate: setTensor("inputs", "input", [7]),
      message: `${F}: inputs.input.shape[0]: is 7, expected 3: shape [7], expected [3] (input_size), input_size=3`,
    },
    {
      name: "batched RNNCell hx",
      base: RNNCELL_B,
      mutate: setTensor("inputs", "hx", [4, 7]),
      message: `${F}: inputs.hx.shape[1]: is 7, expected 5: shape [4, 7], expected [4, 5] (batch, hidden_size), hidden_size=5`,
    },
    {
      name: "unbatched RNNCell hx",
      base: RNNCELL_UNB,
      mutate: setTensor("inputs", "hx", [7]),
      message: `${F}: inputs.hx.shape[0]: is 7, expected 5: shape [7], expected [5] (hidden_size), hidden_size=5`,
    },
    {
      name: "batched LSTMCell cx",
      base: LSTMCELL_B,
      mutate: setTensor("inputs", "cx", [4, 7]),
      message: `${F}: inputs.cx.shape[1]: is 7, expected 5: shape [4, 7], expected [4, 5] (batch, hidden_size), hidden_size=5`,
    },
    {
      name: "unbatched LSTMCell cx",
      base: LSTMCELL_UNB,
      mutate: setTensor("inputs", "cx", [7]),
      message: `${F}: inputs.cx.shape[0]: is 7, expected 5: shape [7], expected [5] (hidden_size), hidden_size=5`,
    },
    {
      name: "RNNCell h_prime",
      base: RNNCELL_B,
      mutate: setTensor("outputs", "h_prime", [4, 7]),
      message: `${F}: outputs.h_prime.shape[1]: is 7, expected 5: shape [4, 7], expected [4, 5] (batch, hidden_size), hidden_size=5`,
    },
    {
      name: "LSTMCell h1",
      base: LSTMCELL_B,
      mutate: setTensor("outputs", "h1", [4, 7]),
      message: `${F}: outputs.h1.shape[1]: is 7, expected 5: shape [4, 7], expected [4, 5] (batch, hidden_size), hidden_size=5`,
    },
    {
      name: "LSTMCell c1",
      base: LSTMCELL_UNB,
      mutate: setTensor("outputs", "c1", [7]),
      message: `${F}: outputs.c1.shape[0]: is 7, expected 5: shape [7], expected [5] (hidden_size), hidden_size=5`,
    },
    {
      name: "batched GRUCell h1",
      base: GRUCELL_B,
      mutate: setTensor("outputs", "h1", [4, 7]),
      message: `${F}: outputs.h1.shape[1]: is 7, expected 5: shape [4, 7], expected [4, 5] (batch, hidden_size), hidden_size=5`,
    },
    {
      name: "unbatched GRUCell h1",
      base: GRUCELL_UNB,
      mutate: setTensor("outputs", "h1", [7]),
      message: `${F}: outputs.h1.shape[0]: is 7, expected 5: shape [7], expected [5] (hidden_size), hidden_size=5`,
    },
  ];
  it.each(cases)("$name", ({ base, mutate, message }) => {
    expect(refusal(base, mutate)).toBe(message);
  });
});

describe("packed cases: the padded input, PackedSequence fields and indices", () => {
  const cases: RefusalCase[] = [
    {
      name: "seq-first, padded length 0",
      base: PACKED_SORTED_SEQ,
      mutate: setTensor("inputs", "input", [0, 5, 4]),
      message: `${F}: inputs.input.shape[0]: the padded sequence length is 0, expected at least 1`,
    },
    {
      name: "batch_first, padded length 0",
      base: PACKED_UNSORTED_BF,
      mutate: setTensor("inputs", "input", [5, 0, 4]),
      message: `${F}: inputs.input.shape[1]: the padded sequence length is 0, expected at least 1`,
    },
    {
      name: "seq-first, batch size 0",
      base: PACKED_SORTED_SEQ,
      mutate: setTensor("inputs", "input", [6, 0, 4]),
      message: `${F}: inputs.input.shape[1]: the batch size is 0, expected at least 1`,
    },
    {
      name: "batch_first, batch size 0",
      base: PACKED_UNSORTED_BF,
      mutate: setTensor("inputs", "input", [0, 6, 4]),
      message: `${F}: inputs.input.shape[0]: the batch size is 0, expected at least 1`,
    },
    {
      name: "seq-first input with the wrong input_size",
      base: PACKED_SORTED_SEQ,
      mutate: setTensor("inputs", "input", [6, 5, 7]),
      message: `${F}: inputs.input.shape[2]: is 7, expected 4: shape [6, 5, 7], expected [6, 5, 4] (seq, batch, input_size), input_size=4`,
    },
    {
      name: "batch_first input with the wrong input_size",
      base: PACKED_UNSORTED_BF,
      mutate: setTensor("inputs", "input", [5, 6, 7]),
      message: `${F}: inputs.input.shape[2]: is 7, expected 4: shape [5, 6, 7], expected [5, 6, 4] (batch, seq, input_size), input_size=4`,
    },
    {
      name: "one length too few",
      base: PACKED_SORTED_SEQ,
      mutate: (r) => { child(r, "inputs").lengths = int64Map([6, 4, 4, 2]); },
      message: `${F}: inputs.lengths.shape[0]: is 4, expected 5: shape [4], expected [5] (batch): one length per sequence`,
    },
    {
      name: "bidirectional LSTM (proj_size=3) h_n over hidden_size",
      base: PACKED_LSTM_PROJ,
      mutate: setTensor("outputs", "h_n", [2, 5, 5]),
      message: `${F}: outputs.h_n.shape[2]: is 5, expected 3: shape [2, 5, 5], expected [2, 5, 3] (num_layers * num_directions, batch, proj_size)`,
    },
    {
      name: "seq-first output padded to the wrong length",
      base: PACKED_SORTED_SEQ,
      mutate: setTensor("outputs", "output", [5, 5, 5]),
      message: `${F}: outputs.output.shape[0]: is 5, expected 6: shape [5, 5, 5], expected [6, 5, 5] (padded to the longest length, 6, in the module's layout)`,
    },
    {
      name: "batch_first bidirectional output of one direction",
      base: PACKED_GRU_BF,
      mutate: setTensor("outputs", "output", [5, 6, 5]),
      message: `${F}: outputs.output.shape[2]: is 5, expected 10: shape [5, 6, 5], expected [5, 6, 10] (padded to the longest length, 6, in the module's layout)`,
    },
    {
      name: "output_data one step short",
      base: PACKED_SORTED_SEQ,
      mutate: setTensor("outputs", "output_data", [16, 5]),
      message: `${F}: outputs.output_data.shape[0]: is 16, expected 17: shape [16, 5], expected [17, 5] (sum of lengths, num_directions * hidden size)`,
    },
    {
      name: "batch_sizes one step short",
      base: PACKED_SORTED_SEQ,
      mutate: (r) => { child(r, "outputs").batch_sizes = int64Map([5, 4, 3, 2, 1]); },
      message: `${F}: outputs.batch_sizes.shape[0]: is 5, expected 6: shape [5], expected [6] (one batch size per step of the longest sequence)`,
    },
    {
      name: "output_lengths one short",
      base: PACKED_SORTED_SEQ,
      mutate: (r) => { child(r, "outputs").output_lengths = int64Map([6, 4, 4, 2]); },
      message: `${F}: outputs.output_lengths.shape[0]: is 4, expected 5: shape [4], expected [5] (batch)`,
    },
    {
      name: "sorted_indices one short",
      base: PACKED_UNSORTED_BF,
      mutate: (r) => { child(r, "outputs").sorted_indices = int64Map([2, 0, 4, 3]); },
      message: `${F}: outputs.sorted_indices.shape[0]: is 4, expected 5: shape [4], expected [5] (batch)`,
    },
    {
      name: "unsorted_indices of the wrong rank",
      base: PACKED_UNSORTED_BF,
      mutate: (r) => { child(r, "outputs").unsorted_indices = int64Map([1, 4, 0, 3, 2], [5, 1]); },
      message: `${F}: outputs.unsorted_indices.shape: is [5, 1], expected [5] (batch)`,
    },
    {
      name: "sorted_indices with a negative index",
      base: PACKED_UNSORTED_BF,
      mutate: (r) => { child(r, "outputs").sorted_indices = int64Map([2, 0, -1, 3, 1]); },
      message: `${F}: outputs.sorted_indices.data[2]: -1: expected a permutation of 0..4 (each batch index once)`,
    },
    {
      name: "sorted_indices with an index equal to the batch size",
      base: PACKED_UNSORTED_BF,
      mutate: (r) => { child(r, "outputs").sorted_indices = int64Map([2, 0, 5, 3, 1]); },
      message: `${F}: outputs.sorted_indices.data[2]: 5: expected a permutation of 0..4 (each batch index once)`,
    },
    {
      name: "unsorted_indices with a repeated index",
      base: PACKED_LSTM_PROJ,
      mutate: (r) => { child(r, "outputs").unsorted_indices = int64Map([1, 4, 1, 3, 2]); },
      message: `${F}: outputs.unsorted_indices.data[2]: 1: expected a permutation of 0..4 (each batch index once)`,
    },
  ];
  it.each(cases)("$name", ({ base, mutate, message }) => {
    expect(refusal(base, mutate)).toBe(message);
  });

  it.each([
    ["enforce_sorted, seq-first RNN", PACKED_SORTED_SEQ],
    ["enforce_sorted=False, batch_first RNN", PACKED_UNSORTED_BF],
    ["enforce_sorted=False, bidirectional LSTM with proj_size", PACKED_LSTM_PROJ],
    ["enforce_sorted, batch_first bidirectional GRU", PACKED_GRU_BF],
  ])("the unmodified export loads: %s", (_name, base) => {
    const f = decodeFixture(fixtureBytes(base), F);
    expect(f.packing).toBeDefined();
  });
});

/** A decoded packed fixture's tensors, with `edit` applied to copies of its input and output maps. */
function packedIo(base: string, edit: (inputs: IoTensors["inputs"], outputs: Record<string, FixtureTensor>) => void): () => void {
  const f = decodeFixture(fixtureBytes(base), F);
  const packing = f.packing;
  if (packing === undefined) throw new Error(`${base} is not a packed case`);
  const inputs = { ...f.inputs };
  const outputs: Record<string, FixtureTensor> = { ...f.outputs };
  edit(inputs, outputs);
  const io: IoTensors = { inputs, outputs, packing };
  return () => checkPackedIo(F, io, f.module, f.config as SequenceConfig, packing);
}

describe("packed int64 fields the reader already guarantees, refused again by checkPackedIo", () => {
  const float = new Tensor(new Float32Array(5), [5]);
  const cases: Array<{ name: string; base: string; edit: (inputs: IoTensors["inputs"], outputs: Record<string, FixtureTensor>) => void; message: string }> = [
    {
      name: "lengths absent",
      base: PACKED_SORTED_SEQ,
      edit: (inputs) => { delete inputs.lengths; },
      message: `${F}: inputs.lengths: missing or not int64`,
    },
    {
      name: "batch_sizes absent",
      base: PACKED_SORTED_SEQ,
      edit: (_inputs, outputs) => { delete outputs.batch_sizes; },
      message: `${F}: outputs.batch_sizes: missing or not int64`,
    },
    {
      name: "batch_sizes float32",
      base: PACKED_SORTED_SEQ,
      edit: (_inputs, outputs) => { outputs.batch_sizes = new Tensor(new Float32Array(6), [6]); },
      message: `${F}: outputs.batch_sizes: missing or not int64`,
    },
    {
      name: "output_lengths float32",
      base: PACKED_SORTED_SEQ,
      edit: (_inputs, outputs) => { outputs.output_lengths = float; },
      message: `${F}: outputs.output_lengths: missing or not int64`,
    },
    {
      name: "sorted_indices float32",
      base: PACKED_UNSORTED_BF,
      edit: (_inputs, outputs) => { outputs.sorted_indices = float; },
      message: `${F}: outputs.sorted_indices: missing or not int64`,
    },
    {
      name: "unsorted_indices absent",
      base: PACKED_UNSORTED_BF,
      edit: (_inputs, outputs) => { delete outputs.unsorted_indices; },
      message: `${F}: outputs.unsorted_indices: missing or not int64`,
    },
  ];
  it.each(cases)("$name", ({ base, edit, message }) => {
    expect(fixtureErrorOf(packedIo(base, edit)).message).toBe(message);
  });

  it.each([
    ["enforce_sorted", PACKED_SORTED_SEQ],
    ["enforce_sorted=False", PACKED_UNSORTED_BF],
  ])("the decoded tensors pass unchanged: %s", (_name, base) => {
    expect(packedIo(base, () => {})).not.toThrow();
  });
});
