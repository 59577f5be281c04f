/**
 * The exact refusals of the fixture decoder (src/core/format/msgpack.ts), and the exact results
 * of the edge cases it accepts (mutation testing found these unchecked): the argument type and
 * the file-size limit one past and exactly at, which first bytes count as a map (fixmap, map16,
 * map32) and the two-digit hex of the ones that do not, each class of decoder failure
 * (truncation, trailing data, an out-of-bounds read, reserved bytes, non-string keys, lengths
 * beyond the limits), the field each top-level refusal names, which keys a version-1 and a
 * version-2 file may hold, the inputs a decoded fixture carries, and the internal-error wrapping
 * of anything that is not a FixtureError (a validator made to throw by a mock: no input reaches
 * that branch, it exists for bugs). Expected values are messages, keys, shapes and dtypes, never
 * tensor values.
 */
import { encode } from "@msgpack/msgpack";
import { afterEach, describe, expect, it, vi } from "vitest";
import { FixtureError } from "../src/core/errors.js";
import { MAX_FIXTURE_BYTES } from "../src/core/format/limits.js";
import { decodeFixture } from "../src/core/format/msgpack.js";
import {
  CELL_FIXTURE,
  RNN_FIXTURE,
  V2,
  child,
  encodeRaw,
  fixtureBytes,
  fixtureErrorOf,
  rawFixture,
  type RawMap,
} from "./helpers/fixture-bytes.js";

/** What the mocked readConfig throws while armed; disarmed it is the real readConfig. */
const fault = vi.hoisted(() => ({ armed: false, value: undefined as unknown }));

vi.mock("../src/core/format/validate-config.js", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../src/core/format/validate-config.js")>();
  return {
    ...actual,
    readConfig: (...args: Parameters<typeof actual.readConfig>): ReturnType<typeof actual.readConfig> => {
      if (fault.armed) throw fault.value;
      return actual.readConfig(...args);
    },
  };
});

afterEach(() => {
  fault.armed = false;
  fault.value = undefined;
});

const F = "fixtures/x.msgpack";
const NOT_A_MAP = "not an rnn-parity fixture: the file does not start with a MessagePack map";
const NO_FORMAT = `${F}: format: missing required field (is this an rnn-parity fixture?)`;
const V1_KEYS = "format, version, name, module, config, dtype, seed, torch_version, state_dict, inputs, outputs";

function refusalOf(bytes: Uint8Array): string {
  return fixtureErrorOf(() => decodeFixture(bytes, F)).message;
}

/** Mutates a copy of a real fixture, encodes it, and returns the decoder's refusal. */
function refusal(rel: string, mutate: (raw: RawMap) => void): string {
  const raw = rawFixture(rel);
  mutate(raw);
  return refusalOf(encodeRaw(raw));
}

/** A map of `n` keys k0 … k(n-1) (none of them "format"), encoded by the library. */
function mapOf(n: number): Uint8Array {
  return encode(Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 0])));
}

describe("the argument and the file-size limit", () => {
  it.each<[string, unknown]>([
    ["an ArrayBuffer", new ArrayBuffer(1)],
    ["an array of byte values that would be an empty map", [0x80]],
    ["a DataView", new DataView(new ArrayBuffer(1))],
    ["a string", "\u0080"],
  ])("%s is refused as not a Uint8Array", (_name, value) => {
    const err = fixtureErrorOf(() => decodeFixture(value as Uint8Array, F));
    expect(err.message).toBe(`${F}: (file): expected the file's bytes as a Uint8Array`);
  });

  it("a Buffer is a Uint8Array and loads", () => {
    expect(decodeFixture(Buffer.from(fixtureBytes(CELL_FIXTURE)), F).module).toBe("RNNCell");
  });

  it("one byte past the limit is refused from its length alone", () => {
    const bytes = new Uint8Array(MAX_FIXTURE_BYTES + 1);
    bytes[0] = 0x80;
    expect(refusalOf(bytes)).toBe(`${F}: (file): ${MAX_FIXTURE_BYTES + 1} bytes, more than the reader's limit of ${MAX_FIXTURE_BYTES}`);
  });

  it("exactly the limit is read (an empty map and zeros: the decoder reports the trailing bytes)", () => {
    const bytes = new Uint8Array(MAX_FIXTURE_BYTES);
    bytes[0] = 0x80;
    expect(refusalOf(bytes)).toBe(
      `${F}: (msgpack): trailing data after the fixture map (Extra ${MAX_FIXTURE_BYTES - 1} of ${MAX_FIXTURE_BYTES} byte(s) found at buffer[1])`,
    );
  });
});

describe("the first byte: a map of any width, or not a fixture", () => {
  it.each<[string, Uint8Array, number]>([
    ["an empty fixmap (0x80)", new Uint8Array([0x80]), 0x80],
    ["a fixmap of 1 (0x81)", mapOf(1), 0x81],
    ["a fixmap of 15 (0x8f)", mapOf(15), 0x8f],
    ["a map16 of 16 (0xde)", mapOf(16), 0xde],
    ["an empty map16 (0xde 0000)", new Uint8Array([0xde, 0, 0]), 0xde],
    ["an empty map32 (0xdf 00000000)", new Uint8Array([0xdf, 0, 0, 0, 0]), 0xdf],
  ])("%s is decoded, and its missing format named", (_name, bytes, head) => {
    expect(bytes[0]).toBe(head);
    expect(refusalOf(bytes)).toBe(NO_FORMAT);
  });

  it.each<[string, number[], string]>([
    ["positive fixint 0", [0x00], "00"],
    ["positive fixint 5 (one hex digit, padded)", [0x05, 0x80], "05"],
    ["positive fixint 15 (one hex digit, padded)", [0x0f], "0f"],
    ["positive fixint 16", [0x10], "10"],
    ["0x7f, just below fixmap", [0x7f], "7f"],
    ["a fixarray 0x90, just above fixmap", [0x90], "90"],
    ["a fixarray of 1", [0x91, 0x80], "91"],
    ["a fixstr", [0xa1, 0x61], "a1"],
    ["nil", [0xc0], "c0"],
    ["array16 0xdc, just below map16", [0xdc, 0, 0], "dc"],
    ["array32 0xdd", [0xdd, 0, 0, 0, 0], "dd"],
    ["negative fixint 0xe0, just above map32", [0xe0], "e0"],
    ["0xff", [0xff], "ff"],
    ["'{' of a JSON file", [0x7b, 0x7d], "7b"],
  ])("%s is refused, first byte 0x%s", (_name, bytes, hex) => {
    expect(refusalOf(new Uint8Array(bytes))).toBe(`${F}: (msgpack): ${NOT_A_MAP} (first byte 0x${hex})`);
  });

  it("an empty file", () => {
    expect(refusalOf(new Uint8Array(0))).toBe(`${F}: (msgpack): the file is empty`);
  });
});

describe("the decoder's own failures, each worded by its class", () => {
  const key = (s: string): number[] => [0xa0 + s.length, ...new TextEncoder().encode(s)];
  it.each<[string, number[], string]>([
    ["a bin cut short", [0x81, ...key("a"), 0xc4, 5, 1, 2], "truncated or not MessagePack: the data ends inside a value (Insufficient data)"],
    ["a string cut short", [0x81, ...key("a"), 0xa5, 0x61], "truncated or not MessagePack: the data ends inside a value (Insufficient data)"],
    ["a map key cut short", [0x81, 0xa3, 0x61], "truncated or not MessagePack: the data ends inside a value (Insufficient data)"],
    ["the data ends where a value's head byte should be (a read out of bounds)", [0x81, ...key("a")], "truncated or not MessagePack: the data ends inside a value (Offset is outside the bounds of the DataView)"],
    ["a float64 cut short (a read out of bounds)", [0x81, ...key("a"), 0xcb, 0, 0], "truncated or not MessagePack: the data ends inside a value (Offset is outside the bounds of the DataView)"],
    ["a map with fewer entries than declared", [0x82, ...key("a"), 0xc0], "truncated or not MessagePack: the data ends inside a value (Offset is outside the bounds of the DataView)"],
    ["one byte after an empty map", [0x80, 0xc0], "trailing data after the fixture map (Extra 1 of 2 byte(s) found at buffer[1])"],
    ["three bytes after a map", [0x81, ...key("a"), 0xc0, 1, 2, 3], "trailing data after the fixture map (Extra 3 of 7 byte(s) found at buffer[4])"],
    ["the reserved byte 0xc1", [0x81, ...key("a"), 0xc1], "not valid MessagePack (Unrecognized type byte: 0xc1)"],
    ["an integer key", [0x81, 0x01, 0xc0], "not valid MessagePack (a map key is number, but the format uses string keys only)"],
    ["a nil key", [0x81, 0xc0, 0xc0], "not valid MessagePack (a map key is object, but the format uses string keys only)"],
    ["a boolean key", [0x81, 0xc3, 0xc0], "not valid MessagePack (a map key is boolean, but the format uses string keys only)"],
    ["a __proto__ key", [0x81, ...key("__proto__"), 0xc0], "not valid MessagePack (The key __proto__ is not allowed)"],
    ["an ext with a payload", [0x81, ...key("a"), 0xd4, 0x01, 0x00], "a declared length is beyond the reader's limit (Max length exceeded: ext length (1) > maxExtLength (0))"],
    ["an array of 65 (above 64)", [0x81, ...key("a"), 0xdc, 0x00, 65, ...new Array<number>(65).fill(0xc0)], "a declared length is beyond the reader's limit (Max length exceeded: array length (65) > maxArrayLength (64))"],
  ])("%s", (_name, bytes, reason) => {
    expect(refusalOf(new Uint8Array(bytes))).toBe(`${F}: (msgpack): ${reason}`);
  });
});

describe("the field each top-level refusal names", () => {
  it.each<[string, string, (raw: RawMap) => void, string]>([
    ["name not a string", CELL_FIXTURE, (r) => { r.name = 5; }, `${F}: name: expected a string, got the integer 5`],
    ["name empty", CELL_FIXTURE, (r) => { r.name = ""; }, `${F}: name: expected a non-empty string`],
    ["torch_version not a string", CELL_FIXTURE, (r) => { r.torch_version = 2.1; }, `${F}: torch_version: expected a string, got the number 2.1`],
    ["torch_version empty", CELL_FIXTURE, (r) => { r.torch_version = ""; }, `${F}: torch_version: expected a non-empty string`],
    ["outputs not a map", CELL_FIXTURE, (r) => { r.outputs = [1]; }, `${F}: outputs: expected a map, got an array of 1`],
    ["outputs nil", RNN_FIXTURE, (r) => { r.outputs = null; }, `${F}: outputs: expected a map, got null`],
    ["packing not a map", V2.gruPackedSorted, (r) => { r.packing = 5; }, `${F}: packing: expected a map, got the integer 5`],
    ["packing an array", V2.lstmPacked, (r) => { r.packing = [true]; }, `${F}: packing: expected a map, got an array of 1`],
    ["a version-1 file with packing: not among its keys", CELL_FIXTURE, (r) => { r.version = 1; r.packing = { enforce_sorted: true }; }, `${F}: packing: unexpected field (expected only: ${V1_KEYS})`],
    ["a version-1 file with another key: the list has no packing", CELL_FIXTURE, (r) => { r.version = 1; r.extra = 0; }, `${F}: extra: unexpected field (expected only: ${V1_KEYS})`],
    ["a version-2 file with another key: the list ends in packing", CELL_FIXTURE, (r) => { r.extra = 0; }, `${F}: extra: unexpected field (expected only: ${V1_KEYS}, packing)`],
  ])("%s", (_name, rel, mutate, expected) => {
    expect(refusal(rel, mutate)).toBe(expected);
  });
});

describe("the inputs a decoded fixture carries", () => {
  it.each<[string, string, (raw: RawMap) => void, Array<[string, string]>]>([
    ["RNN with hx (no cx key appears)", RNN_FIXTURE, () => undefined, [["input", "float32"], ["hx", "float32"]]],
    ["RNN without hx", RNN_FIXTURE, (r) => { delete child(r, "inputs").hx; }, [["input", "float32"]]],
    ["RNNCell with hx", CELL_FIXTURE, () => undefined, [["input", "float32"], ["hx", "float32"]]],
    ["RNNCell without hx", CELL_FIXTURE, (r) => { delete child(r, "inputs").hx; }, [["input", "float32"]]],
    ["a packed GRU: lengths as int64", V2.gruPackedSorted, () => undefined, [["input", "float32"], ["hx", "float32"], ["lengths", "int64"]]],
    ["a packed LSTM: hx, cx and lengths", V2.lstmPacked, () => undefined, [["input", "float32"], ["hx", "float32"], ["cx", "float32"], ["lengths", "int64"]]],
    ["a packed LSTM without hx and cx", V2.lstmPacked, (r) => { const i = child(r, "inputs"); delete i.hx; delete i.cx; }, [["input", "float32"], ["lengths", "int64"]]],
    ["an LSTMCell with hx and cx", V2.lstmCell, () => undefined, [["input", "float32"], ["hx", "float32"], ["cx", "float32"]]],
  ])("%s", (_name, rel, mutate, expected) => {
    const raw = rawFixture(rel);
    mutate(raw);
    const f = decodeFixture(encodeRaw(raw), F);
    const inputs: Record<string, { dtype: string; shape: readonly number[] } | undefined> = { ...f.inputs };
    expect(Object.entries(inputs).map(([k, t]) => [k, t?.dtype])).toEqual(expected);
    for (const [k] of expected) expect(inputs[k]?.shape).toEqual(child(raw, "inputs", k).shape);
  });
});

describe("anything but a FixtureError escaping validation is reported as an internal error", () => {
  class CustomFault extends Error {
    override name = "CustomFault";
  }
  const INTERNAL = `${F}: (validation): internal error while validating, please report it: `;
  it.each<[string, unknown, string]>([
    ["a TypeError, named with its message", new TypeError("x is undefined"), "TypeError: x is undefined"],
    ["a multi-line message with runs of spaces, tabs and edge blanks: one line, single spaces, trimmed", new RangeError("  cannot  read\n\n\tthis \r\n"), "RangeError: cannot read this"],
    ["an Error subclass, by its own name", new CustomFault("bad"), "CustomFault: bad"],
    ["an Error with an empty message", new Error(""), "Error:"],
    ["a thrown string, multi-line", "  one\ntwo  ", "one two"],
    ["a thrown number", 42, "42"],
    ["a thrown undefined", undefined, "undefined"],
  ])("%s", (_name, thrown, detail) => {
    const bytes = fixtureBytes(CELL_FIXTURE);
    fault.armed = true;
    fault.value = thrown;
    const err = fixtureErrorOf(() => decodeFixture(bytes, F));
    expect(err.message).toBe(`${INTERNAL}${detail}`);
    expect([err.file, err.field]).toEqual([F, "(validation)"]);
  });

  it("a FixtureError from a validator passes through as the same object", () => {
    const own = new FixtureError(F, "config", "as the validator said");
    fault.armed = true;
    fault.value = own;
    let thrown: unknown;
    try {
      decodeFixture(fixtureBytes(CELL_FIXTURE), F);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBe(own);
    expect(own.message).toBe(`${F}: config: as the validator said`);
  });

  it("disarmed, the same bytes load", () => {
    expect(decodeFixture(fixtureBytes(CELL_FIXTURE), F).config).toEqual(rawFixture(CELL_FIXTURE).config);
  });
});
