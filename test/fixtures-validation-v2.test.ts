/**
 * Format version 2 (docs/fixture-format.md): LSTM, LSTMCell, GRU, GRUCell, `cx`, int64 tensors and
 * packed cases. One test per class of bad input, each refused with one FixtureError line naming the
 * file and the field; the bad inputs are generator-written samples mutated in memory.
 */
import { describe, expect, test } from "vitest";
import { decodeFixture } from "../src/core/format/msgpack.js";
import { expectedStateDictShapes } from "../src/core/format/validate-shapes.js";
import { Int64Tensor } from "../src/core/tensor/int64-tensor.js";
import { CELL_FIXTURE, V2, child, encodeRaw, fixtureBytes, fixtureErrorOf, int64Map, rawFixture, tensorMap, type RawMap } from "./helpers/fixture-bytes.js";

const F = "fixtures/x.msgpack";

function refusal(base: string, mutate: (raw: RawMap) => void): string {
  const raw = rawFixture(base);
  mutate(raw);
  return fixtureErrorOf(() => decodeFixture(encodeRaw(raw), F)).message;
}

describe("version-2 samples load", () => {
  test.each(Object.entries(V2))("%s", (_key, path) => {
    const f = decodeFixture(fixtureBytes(path), F);
    expect(f.version).toBe(2);
    expect(Object.keys(f.stateDict)).toEqual([...expectedStateDictShapes(f.module, f.config).keys()]);
  });

  test("LSTM with proj_size: gates x4, weight_hr after the biases, h (P) and c (H) states", () => {
    const f = decodeFixture(fixtureBytes(V2.lstm), F);
    expect(f.module).toBe("LSTM");
    expect(f.config).toMatchObject({ hidden_size: 6, proj_size: 3, num_layers: 2, bidirectional: true });
    expect(Object.keys(f.stateDict).slice(0, 6)).toEqual(["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "weight_hr_l0", "weight_ih_l0_reverse"]);
    expect(f.stateDict.weight_ih_l0?.shape).toEqual([24, 4]);
    expect(f.stateDict.weight_hh_l0?.shape).toEqual([24, 3]);
    expect(f.stateDict.weight_hr_l1_reverse?.shape).toEqual([3, 6]);
    expect(f.stateDict.weight_ih_l1?.shape).toEqual([24, 6]); // D * proj_size
    expect(f.inputs.hx?.shape.at(-1)).toBe(3);
    expect(f.inputs.cx?.shape.at(-1)).toBe(6);
    expect(Object.keys(f.outputs)).toEqual(["output", "h_n", "c_n"]);
  });

  test("GRU gates x3; cells name their outputs h1 (and c1)", () => {
    const gru = decodeFixture(fixtureBytes(V2.gru), F);
    expect(gru.stateDict.weight_ih_l0?.shape).toEqual([3 * gru.config.hidden_size, gru.config.input_size]);
    expect(Object.keys(decodeFixture(fixtureBytes(V2.lstmCell), F).outputs)).toEqual(["h1", "c1"]);
    expect(Object.keys(decodeFixture(fixtureBytes(V2.gruCell), F).outputs)).toEqual(["h1"]);
  });

  test("packed: int64 lengths, batch_sizes and indices; output is padded to the longest length", () => {
    const f = decodeFixture(fixtureBytes(V2.lstmPacked), F);
    expect(f.packing).toEqual({ enforceSorted: false });
    expect(f.inputs.lengths).toBeInstanceOf(Int64Tensor);
    expect(f.inputs.lengths?.data).toEqual([4, 1, 6, 2, 4]);
    expect(Object.keys(f.outputs)).toEqual(["output", "output_data", "batch_sizes", "sorted_indices", "unsorted_indices", "output_lengths", "h_n", "c_n"]);
    expect(f.outputs.batch_sizes?.data).toEqual([5, 4, 3, 3, 1, 1]);
    expect(f.outputs.output_data?.shape).toEqual([17, 6]);
    const sorted = decodeFixture(fixtureBytes(V2.gruPackedSorted), F);
    expect(Object.keys(sorted.outputs)).toEqual(["output", "output_data", "batch_sizes", "output_lengths", "h_n"]);
  });
});

describe("versions", () => {
  test("LSTM and GRU need version 2", () => {
    expect(refusal(V2.lstm, (r) => { r.version = 1; })).toBe(`${F}: module: LSTM needs format version 2, but this file is version 1 (which has only RNN, RNNCell)`);
    expect(refusal(V2.gruCell, (r) => { r.version = 1; })).toBe(`${F}: module: GRUCell needs format version 2, but this file is version 1 (which has only RNN, RNNCell)`);
  });

  test("int64 tensors and packing need version 2", () => {
    expect(refusal(CELL_FIXTURE, (r) => { r.version = 1; child(r, "inputs").input = int64Map([1, 2, 3]); })).toBe(
      `${F}: inputs.input.dtype: unknown value "int64" (expected one of "float32", "float64")`,
    );
    expect(refusal(V2.gruPackedSorted, (r) => { r.version = 1; r.module = "RNN"; })).toMatch(/^fixtures\/x\.msgpack: packing: unexpected field/);
  });

  test("an RNN fixture may say version 2", () => {
    const raw = rawFixture(CELL_FIXTURE);
    raw.version = 2;
    expect(decodeFixture(encodeRaw(raw), F).module).toBe("RNNCell");
  });
});

describe("configs", () => {
  test("LSTM needs proj_size, within torch's bounds", () => {
    expect(refusal(V2.lstm, (r) => { delete child(r, "config").proj_size; })).toBe(`${F}: config.proj_size: missing required field`);
    expect(refusal(V2.lstm, (r) => { child(r, "config").proj_size = 6; })).toBe(
      `${F}: config.proj_size: 6 with hidden_size=6: proj_size has to be smaller than hidden_size`,
    );
    expect(refusal(V2.lstm, (r) => { child(r, "config").proj_size = -1; })).toBe(
      `${F}: config.proj_size: -1: proj_size should be a positive integer or zero to disable projections`,
    );
  });

  test("GRU and the gated cells have no nonlinearity (and GRU no proj_size)", () => {
    expect(refusal(V2.gru, (r) => { child(r, "config").nonlinearity = "tanh"; })).toMatch(/^fixtures\/x\.msgpack: config\.nonlinearity: unexpected field \(expected only: input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional\)$/);
    expect(refusal(V2.gru, (r) => { child(r, "config").proj_size = 0; })).toMatch(/^fixtures\/x\.msgpack: config\.proj_size: unexpected field/);
    expect(refusal(V2.lstmCell, (r) => { child(r, "config").nonlinearity = "tanh"; })).toMatch(/^fixtures\/x\.msgpack: config\.nonlinearity: unexpected field \(expected only: input_size, hidden_size, bias\)$/);
  });
});

describe("state_dict", () => {
  test("weight_hr missing, or present without proj_size", () => {
    expect(refusal(V2.lstm, (r) => { delete child(r, "state_dict").weight_hr_l1_reverse; })).toBe(
      `${F}: state_dict.weight_hr_l1_reverse: missing; LSTM(num_layers=2, bidirectional=True, bias=True, proj_size=3) has this parameter`,
    );
    expect(refusal(V2.gru, (r) => { child(r, "state_dict").weight_hr_l0 = tensorMap([3, 6]); })).toMatch(
      /^fixtures\/x\.msgpack: state_dict\.weight_hr_l0: unexpected key; GRU\(num_layers=2, bidirectional=True, bias=True\) has only weight_ih_l0, /,
    );
  });

  test("gate blocks: an RNN-sized weight in a GRU, a GRU-sized one in an LSTM", () => {
    const gru = rawFixture(V2.gru);
    const h = child(gru, "config").hidden_size as number;
    const i = child(gru, "config").input_size as number;
    expect(refusal(V2.gru, (r) => { child(r, "state_dict").weight_ih_l0 = tensorMap([h, i]); })).toBe(
      `${F}: state_dict.weight_ih_l0.shape[0]: is ${h}, expected ${3 * h}: shape [${h}, ${i}], expected [${3 * h}, ${i}] for GRU with input_size=${i}, hidden_size=${h}`,
    );
    expect(refusal(V2.lstm, (r) => { child(r, "state_dict").weight_hh_l0 = tensorMap([18, 3]); })).toBe(
      `${F}: state_dict.weight_hh_l0.shape[0]: is 18, expected 24: shape [18, 3], expected [24, 3] for LSTM with input_size=4, hidden_size=6, proj_size=3`,
    );
    expect(refusal(V2.lstm, (r) => { child(r, "state_dict").weight_hr_l0 = tensorMap([6, 3]); })).toBe(
      `${F}: state_dict.weight_hr_l0.shape[0]: is 6, expected 3: shape [6, 3], expected [3, 6] for LSTM with input_size=4, hidden_size=6, proj_size=3`,
    );
  });
});

describe("inputs and outputs", () => {
  test("hx and cx come together", () => {
    expect(refusal(V2.lstm, (r) => { delete child(r, "inputs").cx; })).toBe(`${F}: inputs.cx: missing: LSTM takes hx and cx together (the case has hx)`);
    expect(refusal(V2.lstmCell, (r) => { delete child(r, "inputs").hx; })).toBe(`${F}: inputs.hx: missing: LSTMCell takes hx and cx together (the case has cx)`);
    expect(refusal(V2.gru, (r) => { child(r, "inputs").cx = child(r, "inputs").hx; })).toMatch(/^fixtures\/x\.msgpack: inputs\.cx: unexpected field \(expected only: input, hx\)$/);
  });

  test("with proj_size, h is (.., P) and c is (.., H)", () => {
    expect(refusal(V2.lstm, (r) => { child(r, "inputs").cx = child(r, "inputs").hx; })).toBe(
      `${F}: inputs.cx.shape[2]: is 3, expected 6: shape [4, 3, 3], expected [4, 3, 6] (num_layers * num_directions, batch, hidden_size)`,
    );
    expect(refusal(V2.lstm, (r) => { child(r, "outputs").h_n = child(r, "outputs").c_n; })).toBe(
      `${F}: outputs.h_n.shape[2]: is 6, expected 3: shape [4, 3, 6], expected [4, 3, 3] (num_layers * num_directions, batch, proj_size)`,
    );
    expect(refusal(V2.lstm, (r) => { child(r, "outputs").output = tensorMap([3, 5, 12]); })).toBe(
      `${F}: outputs.output.shape[2]: is 12, expected 6: shape [3, 5, 12], expected [3, 5, 6] (batch, seq, num_directions * proj_size)`,
    );
  });

  test("each module's outputs by name", () => {
    expect(refusal(V2.lstm, (r) => { delete child(r, "outputs").c_n; })).toBe(`${F}: outputs.c_n: missing required field`);
    expect(refusal(V2.lstmCell, (r) => { delete child(r, "outputs").c1; })).toBe(`${F}: outputs.c1: missing required field`);
    expect(refusal(V2.gruCell, (r) => { const o = child(r, "outputs"); o.h_prime = o.h1; delete o.h1; })).toBe(`${F}: outputs.h1: missing required field`);
    expect(refusal(V2.lstmCell, (r) => { child(r, "outputs").c1 = tensorMap([5]); })).toMatch(/^fixtures\/x\.msgpack: outputs\.c1\.shape: is \[5\], expected \[\d+, \d+\] \(batch, hidden_size\)/);
  });

  test("int64 only where the format has it, and floats never there", () => {
    expect(refusal(V2.gru, (r) => { child(r, "outputs").h_n = int64Map([1, 2]); })).toBe(`${F}: outputs.h_n.dtype: is int64, but h_n holds values of the fixture's dtype float32`);
    expect(refusal(V2.lstmPacked, (r) => { child(r, "inputs").lengths = tensorMap([5]); })).toBe(`${F}: inputs.lengths.dtype: is float32, but lengths is always int64`);
    expect(refusal(V2.lstmPacked, (r) => { child(r, "outputs").batch_sizes = tensorMap([6], "float64"); })).toBe(`${F}: outputs.batch_sizes.dtype: is float64, but batch_sizes is always int64`);
  });

  test("an int64 beyond 2^53 is refused, not rounded", () => {
    expect(refusal(V2.lstmPacked, (r) => {
      const t = child(r, "outputs", "batch_sizes");
      const data = new Uint8Array(t.data as Uint8Array);
      new DataView(data.buffer).setBigInt64(0, 2n ** 60n, true);
      t.data = data;
    })).toBe(`${F}: outputs.batch_sizes.data: element 0 is 1152921504606846976, beyond any length or index this format holds`);
    expect(refusal(V2.lstmPacked, (r) => { child(r, "inputs").lengths = { ...int64Map([1, 2, 3, 4, 5]), data: new Uint8Array(36) }; })).toBe(
      `${F}: inputs.lengths.data: has 36 bytes, but shape [5] of int64 needs 40`,
    );
  });
});

describe("packed cases", () => {
  test("packing: only for sequence modules, one known key", () => {
    expect(refusal(V2.lstmCell, (r) => { r.packing = { enforce_sorted: true }; })).toBe(`${F}: packing: LSTMCell takes one time step; only RNN, LSTM and GRU take packed sequences`);
    expect(refusal(V2.lstmPacked, (r) => { r.packing = {}; })).toBe(`${F}: packing.enforce_sorted: missing required field`);
    expect(refusal(V2.lstmPacked, (r) => { r.packing = { enforce_sorted: 0 }; })).toBe(`${F}: packing.enforce_sorted: expected true or false, got the integer 0`);
  });

  test("lengths present exactly when packed", () => {
    expect(refusal(V2.lstmPacked, (r) => { delete child(r, "inputs").lengths; })).toBe(`${F}: inputs.lengths: missing required field`);
    expect(refusal(V2.gru, (r) => { child(r, "inputs").lengths = int64Map([5, 5, 5]); })).toMatch(/^fixtures\/x\.msgpack: inputs\.lengths: unexpected field \(expected only: input, hx\)$/);
  });

  test("lengths as torch requires: [1, padded length], decreasing when enforce_sorted", () => {
    expect(refusal(V2.lstmPacked, (r) => { child(r, "inputs").lengths = int64Map([4, 0, 6, 2, 4]); })).toBe(
      `${F}: inputs.lengths.data[1]: 0: every length must be at least 1 (torch refuses empty sequences)`,
    );
    expect(refusal(V2.lstmPacked, (r) => { child(r, "inputs").lengths = int64Map([4, 1, 7, 2, 4]); })).toBe(`${F}: inputs.lengths.data[2]: 7: longer than the padded input's 6 steps`);
    expect(refusal(V2.lstmPacked, (r) => { child(r, "inputs").lengths = int64Map([4, 1, 6, 2]); })).toBe(
      `${F}: inputs.lengths.shape[0]: is 4, expected 5: shape [4], expected [5] (batch): one length per sequence`,
    );
    expect(refusal(V2.lstmPacked, (r) => { r.packing = { enforce_sorted: true }; const o = child(r, "outputs"); delete o.sorted_indices; delete o.unsorted_indices; })).toBe(
      `${F}: inputs.lengths.data[2]: 6 after 1: with enforce_sorted the lengths must be sorted in decreasing order`,
    );
  });

  test("indices: present exactly when not enforce_sorted, and permutations of the batch", () => {
    expect(refusal(V2.lstmPacked, (r) => { delete child(r, "outputs").unsorted_indices; })).toBe(`${F}: outputs.unsorted_indices: missing required field`);
    expect(refusal(V2.gruPackedSorted, (r) => { child(r, "outputs").sorted_indices = int64Map([0, 1, 2]); })).toMatch(/^fixtures\/x\.msgpack: outputs\.sorted_indices: unexpected field/);
    expect(refusal(V2.lstmPacked, (r) => { child(r, "outputs").sorted_indices = int64Map([2, 0, 4, 3, 3]); })).toBe(
      `${F}: outputs.sorted_indices.data[4]: 3: expected a permutation of 0..4 (each batch index once)`,
    );
    expect(refusal(V2.lstmPacked, (r) => { child(r, "outputs").unsorted_indices = int64Map([1, 4, 0, 3, 5]); })).toBe(
      `${F}: outputs.unsorted_indices.data[4]: 5: expected a permutation of 0..4 (each batch index once)`,
    );
  });

  test("packed shapes follow the lengths", () => {
    expect(refusal(V2.lstmPacked, (r) => { child(r, "outputs").output_data = tensorMap([18, 6]); })).toBe(
      `${F}: outputs.output_data.shape[0]: is 18, expected 17: shape [18, 6], expected [17, 6] (sum of lengths, num_directions * hidden size)`,
    );
    expect(refusal(V2.lstmPacked, (r) => { child(r, "outputs").batch_sizes = int64Map([5, 4, 3, 3, 1]); })).toBe(
      `${F}: outputs.batch_sizes.shape[0]: is 5, expected 6: shape [5], expected [6] (one batch size per step of the longest sequence)`,
    );
    expect(refusal(V2.lstmPacked, (r) => { child(r, "inputs").input = tensorMap([5, 5, 4]); })).toMatch(/^fixtures\/x\.msgpack: inputs\.lengths\.data\[2\]: 6: longer than the padded input's 5 steps$/);
    expect(refusal(V2.gruPackedSorted, (r) => { child(r, "inputs").input = tensorMap([2, 3]); })).toBe(`${F}: inputs.input.shape: a packed case's input is the padded batch, rank 3, got [2, 3]`);
  });
});
