/**
 * One test per class of bad fixture (docs/bad-input.md): each is refused with one FixtureError
 * line naming the file and the field. Bad inputs are real bundled fixtures mutated in memory.
 */
import { mkdtemp, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { decodeFixture } from "../src/core/format/msgpack.js";
import { readFixture } from "../src/node/readers/fixture-file.js";
import { MAX_FIXTURE_BYTES, MAX_TENSOR_ELEMENTS } from "../src/core/format/limits.js";
import { expectedStateDictShapes } from "../src/core/format/validate-shapes.js";
import {
  CELL_FIXTURE,
  F64_FIXTURE,
  RNN_FIXTURE,
  child,
  encodeRaw,
  fixtureBytes,
  fixtureErrorOf,
  fixtureErrorOfAsync,
  rawFixture,
  tensorMap,
  type RawMap,
} from "./helpers/fixture-bytes.js";

const F = "fixtures/x.msgpack";

/** Mutates a copy of a real fixture, encodes it, and returns the loader's refusal. */
function refusal(rel: string, mutate: (raw: RawMap) => void): string {
  const raw = rawFixture(rel);
  mutate(raw);
  const bytes = encodeRaw(raw);
  return fixtureErrorOf(() => decodeFixture(bytes, F)).message;
}

describe("valid fixtures", () => {
  test("the unmodified fixture loads, with aligned copies of its data", () => {
    const f = decodeFixture(fixtureBytes(RNN_FIXTURE), F);
    expect(f.module).toBe("RNN");
    expect(f.inputs.input.shape).toEqual([3, 5, 4]);
    expect(f.stateDict.weight_ih_l1?.shape).toEqual([6, 12]);
    expect(f.outputs.h_n?.data).toBeInstanceOf(Float32Array);
  });

  test("re-encoding the raw map loads identically (the mutation harness itself is faithful)", () => {
    const a = decodeFixture(fixtureBytes(F64_FIXTURE), F);
    const b = decodeFixture(encodeRaw(rawFixture(F64_FIXTURE)), F);
    expect(b.outputs.output?.data).toEqual(a.outputs.output?.data);
    expect(b.dtype).toBe("float64");
    expect(b.outputs.output?.data).toBeInstanceOf(Float64Array);
  });

  test("bins at odd byte offsets decode to the same values", () => {
    const raw = rawFixture(RNN_FIXTURE);
    raw.name = "RNN-x"; // shifts every following bin by one byte
    const a = decodeFixture(fixtureBytes(RNN_FIXTURE), F);
    const b = decodeFixture(encodeRaw(raw), F);
    expect(b.stateDict.weight_hh_l0?.data).toEqual(a.stateDict.weight_hh_l0?.data);
  });

  test("NaN and Inf in a reference tensor load unchanged; the comparison judges them later", () => {
    const raw = rawFixture(RNN_FIXTURE);
    const out = child(raw, "outputs", "output");
    const view = new DataView((out.data as Uint8Array).buffer, (out.data as Uint8Array).byteOffset);
    view.setFloat32(0, Number.NaN, true);
    view.setFloat32(4, Number.POSITIVE_INFINITY, true);
    view.setFloat32(8, Number.NEGATIVE_INFINITY, true);
    const f = decodeFixture(encodeRaw(raw), F);
    const data = f.outputs.output?.data;
    expect(Number.isNaN(data?.[0])).toBe(true);
    expect(data?.[1]).toBe(Number.POSITIVE_INFINITY);
    expect(data?.[2]).toBe(Number.NEGATIVE_INFINITY);
  });

  test("expectedStateDictShapes gives torch's key order and layer>0 input size D*H", () => {
    const shapes = expectedStateDictShapes("RNN", {
      input_size: 4, hidden_size: 6, num_layers: 2, nonlinearity: "tanh",
      bias: false, batch_first: false, dropout: 0, bidirectional: true,
    });
    expect([...shapes]).toEqual([
      ["weight_ih_l0", [6, 4]], ["weight_hh_l0", [6, 6]],
      ["weight_ih_l0_reverse", [6, 4]], ["weight_hh_l0_reverse", [6, 6]],
      ["weight_ih_l1", [6, 12]], ["weight_hh_l1", [6, 6]],
      ["weight_ih_l1_reverse", [6, 12]], ["weight_hh_l1_reverse", [6, 6]],
    ]);
    expect([...expectedStateDictShapes("RNNCell", { input_size: 3, hidden_size: 5, bias: true, nonlinearity: "relu" })])
      .toEqual([["weight_ih", [5, 3]], ["weight_hh", [5, 5]], ["bias_ih", [5]], ["bias_hh", [5]]]);
  });
});

describe("not a fixture at all", () => {
  test("truncated file", () => {
    const bytes = fixtureBytes(RNN_FIXTURE);
    const msg = fixtureErrorOf(() => decodeFixture(bytes.subarray(0, bytes.length - 100), F)).message;
    expect(msg).toMatch(/^fixtures\/x\.msgpack: \(msgpack\): truncated or not MessagePack: the data ends inside a value \(Insufficient data/);
  });

  test("empty file", () => {
    expect(fixtureErrorOf(() => decodeFixture(new Uint8Array(0), F)).message).toBe(`${F}: (msgpack): the file is empty`);
  });

  test("not MessagePack (a JSON file)", () => {
    const msg = fixtureErrorOf(() => decodeFixture(new TextEncoder().encode('{"format": 1}'), F)).message;
    expect(msg).toBe(`${F}: (msgpack): not an rnn-parity fixture: the file does not start with a MessagePack map (first byte 0x7b)`);
  });

  test("a map head followed by a byte MessagePack never uses", () => {
    const msg = fixtureErrorOf(() => decodeFixture(new Uint8Array([0x81, 0xc1, 0x00]), F)).message;
    expect(msg).toMatch(/^fixtures\/x\.msgpack: \(msgpack\): not valid MessagePack \(/);
  });

  test("trailing garbage after the map", () => {
    const bytes = fixtureBytes(RNN_FIXTURE);
    const longer = new Uint8Array(bytes.length + 3);
    longer.set(bytes);
    const msg = fixtureErrorOf(() => decodeFixture(longer, F)).message;
    expect(msg).toBe(`${F}: (msgpack): trailing data after the fixture map (Extra 3 of ${longer.length} byte(s) found at buffer[${bytes.length}])`);
  });

  test("a second object appended (two fixtures concatenated)", () => {
    const bytes = fixtureBytes(CELL_FIXTURE);
    const twice = new Uint8Array(bytes.length * 2);
    twice.set(bytes);
    twice.set(bytes, bytes.length);
    expect(fixtureErrorOf(() => decodeFixture(twice, F)).message).toMatch(/^fixtures\/x\.msgpack: \(msgpack\): trailing data after the fixture map/);
  });

  test("non-string map keys", () => {
    const bytes = new Uint8Array([0x81, 0x01, 0xa1, 0x78]); // {1: "x"}
    expect(fixtureErrorOf(() => decodeFixture(bytes, F)).message).toMatch(/^fixtures\/x\.msgpack: \(msgpack\): not valid MessagePack \(a map key is number/);
  });

  test("an extension type (not part of the format)", () => {
    // {"format": <timestamp ext>}: fixext4 type -1
    const bytes = new Uint8Array([0x81, 0xa6, ...new TextEncoder().encode("format"), 0xd6, 0xff, 0, 0, 0, 1]);
    expect(fixtureErrorOf(() => decodeFixture(bytes, F)).message).toMatch(/^fixtures\/x\.msgpack: \(msgpack\): a declared length is beyond the reader's limit \(Max length exceeded: ext length/);
  });
});

describe("format, version and top-level fields", () => {
  test("wrong format name", () => {
    expect(refusal(RNN_FIXTURE, (r) => { r.format = "rnn-parity-manifest"; })).toBe(
      `${F}: format: expected "rnn-parity-fixture", got "rnn-parity-manifest"`,
    );
  });

  test("future version names the supported versions", () => {
    expect(refusal(RNN_FIXTURE, (r) => { r.version = 7; })).toBe(
      `${F}: version: unsupported fixture format version 7 (supported: 1, 2); a newer rnn-parity may read it`,
    );
  });

  test("version 0 (older than any known)", () => {
    expect(refusal(RNN_FIXTURE, (r) => { r.version = 0; })).toBe(`${F}: version: unsupported fixture format version 0 (supported: 1, 2)`);
  });

  test("missing field", () => {
    expect(refusal(RNN_FIXTURE, (r) => { delete r.seed; })).toBe(`${F}: seed: missing required field`);
    expect(refusal(RNN_FIXTURE, (r) => { delete r.format; })).toBe(`${F}: format: missing required field (is this an rnn-parity fixture?)`);
  });

  test("unexpected top-level field", () => {
    expect(refusal(RNN_FIXTURE, (r) => { r.extra = 1; })).toMatch(/^fixtures\/x\.msgpack: extra: unexpected field \(expected only: format, version, name/);
  });

  test("wrong type", () => {
    expect(refusal(RNN_FIXTURE, (r) => { r.seed = "0"; })).toBe(`${F}: seed: expected an integer, got the string "0"`);
    expect(refusal(RNN_FIXTURE, (r) => { r.state_dict = [1, 2]; })).toBe(`${F}: state_dict: expected a map, got an array of 2`);
  });

  test("unknown module, and a version-2 module in a version-1 file", () => {
    expect(refusal(RNN_FIXTURE, (r) => { r.module = "Transformer"; })).toBe(
      `${F}: module: unknown value "Transformer" (expected one of "RNN", "RNNCell", "LSTM", "LSTMCell", "GRU", "GRUCell")`,
    );
    expect(refusal(RNN_FIXTURE, (r) => { r.version = 1; r.module = "LSTM"; })).toBe(`${F}: module: LSTM needs format version 2, but this file is version 1 (which has only RNN, RNNCell)`);
  });

  test("unknown dtype", () => {
    expect(refusal(RNN_FIXTURE, (r) => { r.dtype = "float16"; })).toBe(`${F}: dtype: unknown value "float16" (expected one of "float32", "float64")`);
    expect(refusal(RNN_FIXTURE, (r) => { child(r, "outputs", "h_n").dtype = "bfloat16"; })).toBe(
      `${F}: outputs.h_n.dtype: unknown value "bfloat16" (expected one of "float32", "float64", "int64")`,
    );
  });

  test("a tensor of another dtype than the fixture's", () => {
    expect(refusal(RNN_FIXTURE, (r) => { child(r, "inputs").hx = tensorMap([4, 3, 6], "float64"); })).toBe(
      `${F}: inputs.hx.dtype: is float64, but the fixture's dtype is float32`,
    );
  });
});

describe("config", () => {
  test("missing, unknown and mistyped keys", () => {
    expect(refusal(RNN_FIXTURE, (r) => { delete child(r, "config").dropout; })).toBe(`${F}: config.dropout: missing required field`);
    expect(refusal(RNN_FIXTURE, (r) => { child(r, "config").proj_size = 0; })).toMatch(/^fixtures\/x\.msgpack: config\.proj_size: unexpected field/);
    expect(refusal(RNN_FIXTURE, (r) => { child(r, "config").hidden_size = "6"; })).toBe(`${F}: config.hidden_size: expected an integer, got the string "6"`);
    expect(refusal(RNN_FIXTURE, (r) => { child(r, "config").bias = 1; })).toBe(`${F}: config.bias: expected true or false, got the integer 1`);
  });

  test("out-of-range values", () => {
    expect(refusal(RNN_FIXTURE, (r) => { child(r, "config").num_layers = 0; })).toBe(`${F}: config.num_layers: expected an integer in [1, 512], got 0`);
    expect(refusal(RNN_FIXTURE, (r) => { child(r, "config").num_layers = 1e9; })).toBe(`${F}: config.num_layers: expected an integer in [1, 512], got 1000000000`);
    expect(refusal(RNN_FIXTURE, (r) => { child(r, "config").dropout = 1.5; })).toBe(`${F}: config.dropout: expected a number in [0, 1], got the number 1.5`);
    expect(refusal(RNN_FIXTURE, (r) => { child(r, "config").nonlinearity = "sigmoid"; })).toBe(
      `${F}: config.nonlinearity: unknown value "sigmoid" (expected one of "tanh", "relu")`,
    );
  });

  test("an RNNCell config holding RNN-only keys", () => {
    expect(refusal(CELL_FIXTURE, (r) => { child(r, "config").num_layers = 1; })).toMatch(/^fixtures\/x\.msgpack: config\.num_layers: unexpected field \(expected only: input_size, hidden_size, bias, nonlinearity\)$/);
  });
});

describe("tensor maps", () => {
  test("negative shape entry", () => {
    expect(refusal(RNN_FIXTURE, (r) => { child(r, "state_dict", "weight_ih_l0").shape = [6, -4]; })).toBe(
      `${F}: state_dict.weight_ih_l0.shape[1]: expected a non-negative integer, got the integer -4`,
    );
  });

  test("non-integer shape entry", () => {
    expect(refusal(RNN_FIXTURE, (r) => { child(r, "inputs", "input").shape = [3, 2.5, 4]; })).toBe(
      `${F}: inputs.input.shape[1]: expected a non-negative integer, got the number 2.5`,
    );
  });

  test("shape and byte length disagree", () => {
    expect(refusal(RNN_FIXTURE, (r) => {
      const t = child(r, "inputs", "input");
      t.data = (t.data as Uint8Array).subarray(4);
    })).toBe(`${F}: inputs.input.data: has 236 bytes, but shape [3, 5, 4] of float32 needs 240`);
  });

  test("data that is not binary", () => {
    expect(refusal(RNN_FIXTURE, (r) => { child(r, "outputs", "h_n").data = [1, 2, 3]; })).toBe(
      `${F}: outputs.h_n.data: expected binary data, got an array of 3`,
    );
  });

  test("a 10^12-element claim is refused at once, before the byte length is looked at", () => {
    const started = performance.now();
    const msg = refusal(RNN_FIXTURE, (r) => { child(r, "inputs", "input").shape = [1_000_000, 1_000_000]; });
    expect(msg).toBe(
      `${F}: inputs.input.shape: [1000000, 1000000] declares 1000000000000 elements, more than the reader's limit of ${MAX_TENSOR_ELEMENTS} per tensor`,
    );
    expect(performance.now() - started).toBeLessThan(1000);
  });

  test("a product beyond 2^53 is reported exactly (no overflow)", () => {
    expect(refusal(RNN_FIXTURE, (r) => { child(r, "inputs", "input").shape = [2 ** 40, 2 ** 40, 3]; })).toBe(
      `${F}: inputs.input.shape: [1099511627776, 1099511627776, 3] declares 3626777458843887524118528 elements, more than the reader's limit of ${MAX_TENSOR_ELEMENTS} per tensor`,
    );
    // Zero elements despite huge entries: no allocation either way, and the byte count decides.
    expect(refusal(RNN_FIXTURE, (r) => { child(r, "inputs", "input").shape = [2 ** 40, 2 ** 40, 0]; })).toBe(
      `${F}: inputs.input.data: has 240 bytes, but shape [1099511627776, 1099511627776, 0] of float32 needs 0`,
    );
  });

  test("huge declared lengths in the MessagePack itself are refused before allocation", () => {
    const head = [0x81, 0xa6, ...new TextEncoder().encode("format")];
    const cases: Array<[string, number[]]> = [
      ["bin length (4294967280) > maxBinLength", [0xc6, 0xff, 0xff, 0xff, 0xf0]],
      ["UTF-8 byte length (4294967280) > maxStrLength", [0xdb, 0xff, 0xff, 0xff, 0xf0]],
      ["array length (4294967295) > maxArrayLength", [0xdd, 0xff, 0xff, 0xff, 0xff]],
      ["map length (4294967295) > maxMapLength", [0xdf, 0xff, 0xff, 0xff, 0xff]],
    ];
    for (const [what, tail] of cases) {
      const msg = fixtureErrorOf(() => decodeFixture(new Uint8Array([...head, ...tail]), F)).message;
      expect(msg).toContain(`${F}: (msgpack): a declared length is beyond the reader's limit (Max length exceeded: ${what}`);
    }
  });
});

describe("state_dict against the config", () => {
  test("key missing", () => {
    expect(refusal(RNN_FIXTURE, (r) => { delete child(r, "state_dict").bias_hh_l1_reverse; })).toBe(
      `${F}: state_dict.bias_hh_l1_reverse: missing; RNN(num_layers=2, bidirectional=True, bias=True) has this parameter`,
    );
  });

  test("key unexpected", () => {
    const msg = refusal(RNN_FIXTURE, (r) => { child(r, "state_dict").weight_ih_l2 = tensorMap([6, 12]); });
    expect(msg).toMatch(/^fixtures\/x\.msgpack: state_dict\.weight_ih_l2: unexpected key; RNN\(num_layers=2, bidirectional=True, bias=True\) has only weight_ih_l0, /);
  });

  test("config says no bias but the biases are there", () => {
    expect(refusal(CELL_FIXTURE, (r) => { child(r, "config").bias = false; })).toBe(
      `${F}: state_dict.bias_ih: unexpected key; RNNCell(bias=False) has only weight_ih, weight_hh`,
    );
  });

  test("wrong shape (layer 1 sees both directions: D*H inputs)", () => {
    expect(refusal(RNN_FIXTURE, (r) => { child(r, "state_dict").weight_ih_l1 = tensorMap([6, 6]); })).toBe(
      `${F}: state_dict.weight_ih_l1.shape[1]: is 6, expected 12: shape [6, 6], expected [6, 12] for RNN with input_size=4, hidden_size=6`,
    );
  });

  test("wrong rank", () => {
    expect(refusal(CELL_FIXTURE, (r) => { child(r, "state_dict").bias_hh = tensorMap([5, 1]); })).toBe(
      `${F}: state_dict.bias_hh.shape: is [5, 1], expected [5] for RNNCell with input_size=3, hidden_size=5`,
    );
  });
});

describe("inputs and outputs against the config", () => {
  test("input feature size wrong", () => {
    expect(refusal(RNN_FIXTURE, (r) => { child(r, "inputs").input = tensorMap([3, 5, 5]); })).toBe(
      `${F}: inputs.input.shape[2]: is 5, expected 4: shape [3, 5, 5], expected [3, 5, 4] (batch, seq, input_size), input_size=4`,
    );
  });

  test("input rank wrong", () => {
    expect(refusal(RNN_FIXTURE, (r) => { child(r, "inputs").input = tensorMap([4]); })).toBe(
      `${F}: inputs.input.shape: RNN input must have rank 2 (unbatched) or 3 (batched), got [4]`,
    );
    expect(refusal(CELL_FIXTURE, (r) => { child(r, "inputs").input = tensorMap([1, 4, 3]); })).toBe(
      `${F}: inputs.input.shape: RNNCell input must have rank 1 (unbatched) or 2 (batched), got [1, 4, 3]`,
    );
  });

  test("hx shape wrong", () => {
    expect(refusal(RNN_FIXTURE, (r) => { child(r, "inputs").hx = tensorMap([2, 3, 6]); })).toBe(
      `${F}: inputs.hx.shape[0]: is 2, expected 4: shape [2, 3, 6], expected [4, 3, 6] (num_layers * num_directions, batch, hidden_size)`,
    );
    expect(refusal(CELL_FIXTURE, (r) => { child(r, "inputs").hx = tensorMap([5]); })).toBe(
      `${F}: inputs.hx.shape: is [5], expected [4, 5] (batch, hidden_size), hidden_size=5`,
    );
  });

  test("empty batch", () => {
    expect(refusal(CELL_FIXTURE, (r) => { child(r, "inputs").input = tensorMap([0, 3]); })).toBe(
      `${F}: inputs.input.shape[0]: the batch size is 0, expected at least 1`,
    );
  });

  test("output shape wrong", () => {
    expect(refusal(RNN_FIXTURE, (r) => { child(r, "outputs").output = tensorMap([3, 5, 6]); })).toBe(
      `${F}: outputs.output.shape[2]: is 6, expected 12: shape [3, 5, 6], expected [3, 5, 12] (batch, seq, num_directions * hidden_size)`,
    );
  });

  test("output or input names wrong", () => {
    expect(refusal(CELL_FIXTURE, (r) => { const o = child(r, "outputs"); o.h_n = o.h_prime; delete o.h_prime; })).toBe(
      `${F}: outputs.h_prime: missing required field`,
    );
    expect(refusal(CELL_FIXTURE, (r) => { child(r, "inputs").h0 = tensorMap([4, 5]); })).toBe(
      `${F}: inputs.h0: unexpected field (expected only: input, hx)`,
    );
  });
});

describe("files on disk", () => {
  let dir = "";
  beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), "rnn-parity-bad-")); });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  test("file too large is refused from its size alone", async () => {
    const path = join(dir, "huge.msgpack");
    await writeFile(path, fixtureBytes(CELL_FIXTURE));
    await truncate(path, MAX_FIXTURE_BYTES + 1); // sparse: no disk space used, nothing read
    const err = await fixtureErrorOfAsync(() => readFixture(path));
    expect(err.message).toBe(`${path}: (file): ${MAX_FIXTURE_BYTES + 1} bytes, more than the reader's limit of ${MAX_FIXTURE_BYTES}`);
  });

  test("missing file", async () => {
    const path = join(dir, "absent.msgpack");
    expect((await fixtureErrorOfAsync(() => readFixture(path))).message).toBe(`${path}: (file): cannot read: no such file`);
  });

  test("a directory", async () => {
    expect((await fixtureErrorOfAsync(() => readFixture(dir))).message).toMatch(/: \(file\): (not a regular file|cannot read: is a directory)/);
  });

  test("a bad file on disk is named by its path", async () => {
    const path = join(dir, "half.msgpack");
    const bytes = fixtureBytes(RNN_FIXTURE);
    await writeFile(path, bytes.subarray(0, 1000));
    const err = await fixtureErrorOfAsync(() => readFixture(path));
    expect(err.file).toBe(path);
    expect(err.field).toBe("(msgpack)");
  });
});
