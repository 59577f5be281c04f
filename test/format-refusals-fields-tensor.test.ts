/**
 * The exact wording of the field and tensor validators' refusals, and the exact values they
 * accept (mutation testing found these messages, bounds and decode paths unchecked): every
 * kind of value describeValue names, the safe-integer and range bounds, version and format
 * headers, shape entries and the per-tensor element limit, int64 safe-integer bounds, and the
 * float decode (bit-exact on a little-endian host; the big-endian branch run on a simulated
 * big-endian host). Expected values are messages, or bytes written here and read back.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { MAX_TENSOR_ELEMENTS } from "../src/core/format/limits.js";
import {
  describeValue,
  isPlainMap,
  requireBoolean,
  requireFormatHeader,
  requireIntegerInRange,
  requireMap,
  requireOneOf,
  requireSafeInteger,
  requireString,
  requireVersion,
} from "../src/core/format/validate-fields.js";
import { ElementBudget, fromLittleEndian, readAnyTensor, readShape } from "../src/core/format/validate-tensor.js";
import type { DType } from "../src/core/tensor/dtype.js";
import { Int64Tensor } from "../src/core/tensor/int64-tensor.js";
import { Tensor } from "../src/core/tensor/tensor.js";
import { fixtureErrorOf, int64Map } from "./helpers/fixture-bytes.js";

const F = "fixtures/x.msgpack";
const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const A40 = "a".repeat(40);

class Plain {
  readonly x = 1;
}

describe("describeValue names every kind of value", () => {
  it.each<[string, unknown, string]>([
    ["null", null, "null"],
    ["undefined", undefined, "nothing"],
    ["the empty string", "", 'the string ""'],
    ["a string of exactly 40 characters, shown whole", A40, `the string "${A40}"`],
    ["a string of 41 characters, cut to 40 and an ellipsis", `${A40}bc`, `the string "${A40}…"`],
    ["a string needing JSON escapes", 'say "hi"', 'the string "say \\"hi\\""'],
    ["an integer", 3, "the integer 3"],
    ["a negative integer", -7, "the integer -7"],
    ["a fraction", 1.5, "the number 1.5"],
    ["NaN", Number.NaN, "the number NaN"],
    ["true", true, "the boolean true"],
    ["false", false, "the boolean false"],
    ["a bigint", 12n, "the integer 12"],
    ["binary data", new Uint8Array(3), "3 bytes of binary data"],
    ["empty binary data", new Uint8Array(0), "0 bytes of binary data"],
    ["an array", [1, 2], "an array of 2"],
    ["an empty array", [], "an array of 0"],
    ["a plain map", { a: 1 }, "a map"],
    ["a function", () => 0, "function"],
    ["a symbol", Symbol("s"), "symbol"],
  ])("%s", (_name, value, expected) => {
    expect(describeValue(value)).toBe(expected);
  });
});

describe("isPlainMap accepts only plain objects", () => {
  it.each<[string, unknown, boolean]>([
    ["a literal map", { a: 1 }, true],
    ["an empty literal map", {}, true],
    ["a map without a prototype", Object.create(null) as object, true],
    ["null", null, false],
    ["an array", [1], false],
    ["a Map", new Map<string, number>(), false],
    ["a class instance", new Plain(), false],
    ["a Date", new Date(0), false],
    ["binary data", new Uint8Array(2), false],
    ["a number", 5, false],
    ["a string", "map", false],
    ["undefined", undefined, false],
  ])("%s -> %s", (_name, value, expected) => {
    expect(isPlainMap(value)).toBe(expected);
  });
});

describe("type refusals say what was expected and what came", () => {
  it.each<[string, () => unknown, string]>([
    ["requireMap of null", () => requireMap(F, "m", null), `${F}: m: expected a map, got null`],
    ["requireMap of an array", () => requireMap(F, "m", [1, 2, 3]), `${F}: m: expected a map, got an array of 3`],
    ["requireString of undefined", () => requireString(F, "s", undefined), `${F}: s: expected a string, got nothing`],
    ["requireString of a boolean", () => requireString(F, "s", false), `${F}: s: expected a string, got the boolean false`],
    ["requireString of binary data", () => requireString(F, "s", new Uint8Array(5)), `${F}: s: expected a string, got 5 bytes of binary data`],
    ["requireBoolean of a string", () => requireBoolean(F, "b", "true"), `${F}: b: expected true or false, got the string "true"`],
    ["requireBoolean of 1", () => requireBoolean(F, "b", 1), `${F}: b: expected true or false, got the integer 1`],
    ["requireOneOf of a number", () => requireOneOf(F, "k", 5, ["a", "b"]), `${F}: k: expected one of "a", "b", got the integer 5`],
    ["requireOneOf of null", () => requireOneOf(F, "k", null, ["a", "b"]), `${F}: k: expected one of "a", "b", got null`],
    ["requireOneOf of an unknown string", () => requireOneOf(F, "k", "c", ["a", "b"]), `${F}: k: unknown value "c" (expected one of "a", "b")`],
  ])("%s", (_name, call, message) => {
    expect(fixtureErrorOf(call).message).toBe(message);
  });

  it.each<[string, unknown]>([
    ["a literal map", { a: 1 }],
    ["a map without a prototype", Object.create(null) as object],
  ])("requireMap returns %s itself", (_name, value) => {
    expect(requireMap(F, "m", value)).toBe(value);
  });

  it("requireOneOf returns the allowed value", () => {
    expect(requireOneOf(F, "k", "b", ["a", "b"])).toBe("b");
  });
});

describe("requireSafeInteger", () => {
  it.each<[string, number]>([
    ["zero", 0],
    ["2^53 - 1", Number.MAX_SAFE_INTEGER],
    ["-(2^53 - 1)", Number.MIN_SAFE_INTEGER],
    ["a negative integer", -3],
  ])("accepts %s", (_name, value) => {
    expect(requireSafeInteger(F, "n", value)).toBe(value);
  });

  it.each<[string, unknown, string]>([
    ["2^53", 2 ** 53, `expected an integer of magnitude at most 2^53 - 1, got 9007199254740992, beyond what a double holds exactly`],
    ["-(2^53)", -(2 ** 53), `expected an integer of magnitude at most 2^53 - 1, got -9007199254740992, beyond what a double holds exactly`],
    ["1e300", 1e300, `expected an integer of magnitude at most 2^53 - 1, got 1e+300, beyond what a double holds exactly`],
    ["a fraction", 1.5, "expected an integer, got the number 1.5"],
    ["NaN", Number.NaN, "expected an integer, got the number NaN"],
    ["Infinity", Number.POSITIVE_INFINITY, "expected an integer, got the number Infinity"],
    ["a numeric string", "3", 'expected an integer, got the string "3"'],
    ["null", null, "expected an integer, got null"],
    ["undefined", undefined, "expected an integer, got nothing"],
    ["a boolean", true, "expected an integer, got the boolean true"],
  ])("refuses %s", (_name, value, reason) => {
    expect(fixtureErrorOf(() => requireSafeInteger(F, "n", value)).message).toBe(`${F}: n: ${reason}`);
  });
});

describe("requireIntegerInRange [2, 8]", () => {
  it.each<[string, number]>([
    ["the minimum", 2],
    ["the maximum", 8],
    ["a value inside", 5],
  ])("accepts %s", (_name, value) => {
    expect(requireIntegerInRange(F, "r", value, 2, 8)).toBe(value);
  });

  it.each<[string, number]>([
    ["one below the minimum", 1],
    ["one above the maximum", 9],
  ])("refuses %s", (_name, value) => {
    expect(fixtureErrorOf(() => requireIntegerInRange(F, "r", value, 2, 8)).message).toBe(
      `${F}: r: expected an integer in [2, 8], got ${value}`,
    );
  });
});

describe("requireVersion", () => {
  it.each<[string, number, readonly number[]]>([
    ["the only version", 1, [1]],
    ["one of several", 3, [1, 3]],
  ])("accepts %s", (_name, v, supported) => {
    expect(requireVersion(F, "version", v, supported, "fixture format")).toBe(v);
  });

  it.each<[string, number, readonly number[], string]>([
    ["a version above all supported suggests a newer rnn-parity", 3, [1, 2], "unsupported fixture format version 3 (supported: 1, 2); a newer rnn-parity may read it"],
    ["a version below all supported", 0, [1, 2], "unsupported fixture format version 0 (supported: 1, 2)"],
    ["a version between supported ones is not called newer", 2, [1, 3], "unsupported fixture format version 2 (supported: 1, 3)"],
    ["a negative version", -1, [1], "unsupported fixture format version -1 (supported: 1)"],
  ])("refuses %s", (_name, v, supported, reason) => {
    expect(fixtureErrorOf(() => requireVersion(F, "version", v, supported, "fixture format")).message).toBe(`${F}: version: ${reason}`);
  });
});

describe("requireFormatHeader", () => {
  const FORMAT = "rnn-parity-fixture";
  const long = "z".repeat(70);

  it("returns the supported version of a right header", () => {
    expect(requireFormatHeader(F, { format: FORMAT, version: 2 }, FORMAT, [1, 2], "fixture")).toBe(2);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ["no format field", { version: 1 }, `${F}: format: missing required field (is this an rnn-parity manifest?)`],
    ["a format that is not a string", { format: 5, version: 1 }, `${F}: format: expected a string, got the integer 5`],
    ["another format", { format: "other", version: 1 }, `${F}: format: expected "${FORMAT}", got "other"`],
    ["another format longer than 64 characters, cut to 64", { format: long, version: 1 }, `${F}: format: expected "${FORMAT}", got "${"z".repeat(64)}"`],
    ["no version field", { format: FORMAT }, `${F}: version: missing required field`],
    ["a version that is not an integer", { format: FORMAT, version: "1" }, `${F}: version: expected an integer, got the string "1"`],
    ["a newer version", { format: FORMAT, version: 3 }, `${F}: version: unsupported manifest format version 3 (supported: 1, 2); a newer rnn-parity may read it`],
  ])("refuses %s", (_name, root, message) => {
    expect(fixtureErrorOf(() => requireFormatHeader(F, root, FORMAT, [1, 2], "manifest")).message).toBe(message);
  });
});

describe("readShape entries and the per-tensor element limit", () => {
  it.each<[string, unknown[]]>([
    ["a scalar shape", []],
    ["a zero dimension", [0, 5]],
    ["exactly the per-tensor element limit", [MAX_TENSOR_ELEMENTS]],
    ["the limit as a product", [1024, 1024, 16]],
  ])("accepts %s", (_name, shape) => {
    expect(readShape(F, "t.shape", shape)).toEqual(shape);
  });

  it.each<[string, unknown[], string]>([
    ["a negative entry", [2, -1], `${F}: t.shape[1]: expected a non-negative integer, got the integer -1`],
    ["a fractional entry", [1.5], `${F}: t.shape[0]: expected a non-negative integer, got the number 1.5`],
    ["an entry of 2^53", [2 ** 53], `${F}: t.shape[0]: expected a non-negative integer, got the integer 9007199254740992`],
    ["a string entry", [3, "4"], `${F}: t.shape[1]: expected a non-negative integer, got the string "4"`],
    ["a null entry", [null], `${F}: t.shape[0]: expected a non-negative integer, got null`],
    [
      "one element past the per-tensor limit",
      [MAX_TENSOR_ELEMENTS + 1],
      `${F}: t.shape: [${MAX_TENSOR_ELEMENTS + 1}] declares ${MAX_TENSOR_ELEMENTS + 1} elements, more than the reader's limit of ${MAX_TENSOR_ELEMENTS} per tensor`,
    ],
    [
      "a product past the limit beyond double precision",
      [1e6, 1e6, 1e6],
      `${F}: t.shape: [1000000, 1000000, 1000000] declares 1000000000000000000 elements, more than the reader's limit of ${MAX_TENSOR_ELEMENTS} per tensor`,
    ],
  ])("refuses %s", (_name, shape, message) => {
    expect(fixtureErrorOf(() => readShape(F, "t.shape", shape)).message).toBe(message);
  });
});

const V2_INT64 = { kind: "int64", version: 2 } as const;

describe("int64 data holds safe integers only", () => {
  it.each<[string, number[]]>([
    ["small lengths and indices", [0, 1, 4, 2]],
    ["2^53 - 1", [Number.MAX_SAFE_INTEGER]],
    ["-(2^53 - 1)", [Number.MIN_SAFE_INTEGER]],
    ["both bounds and -1", [Number.MIN_SAFE_INTEGER, -1, Number.MAX_SAFE_INTEGER]],
  ])("reads back %s exactly", (_name, values) => {
    const t = readAnyTensor(F, "batch_sizes", int64Map(values), V2_INT64, new ElementBudget());
    expect(t).toBeInstanceOf(Int64Tensor);
    expect([...t.data]).toEqual(values);
    expect([...t.shape]).toEqual([values.length]);
  });

  it.each<[string, number[], string]>([
    ["2^53", [0, 2 ** 53], "element 1 is 9007199254740992"],
    ["-(2^53)", [-(2 ** 53)], "element 0 is -9007199254740992"],
  ])("refuses %s", (_name, values, what) => {
    const err = fixtureErrorOf(() => readAnyTensor(F, "batch_sizes", int64Map(values), V2_INT64, new ElementBudget()));
    expect(err.message).toBe(`${F}: batch_sizes.data: ${what}, beyond any length or index this format holds`);
  });
});

/** Little-endian bytes of `values`, with `patch` overwriting bytes of element 0 (a NaN payload). */
function floatBytes(dtype: DType, values: readonly number[], patch: readonly number[] = []): Uint8Array {
  const width = dtype === "float32" ? 4 : 8;
  const bytes = new Uint8Array(values.length * width);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => (dtype === "float32" ? view.setFloat32(i * 4, v, true) : view.setFloat64(i * 8, v, true)));
  bytes.set(patch);
  return bytes;
}

/** The bytes at an odd offset of a larger buffer, as the decoder's bins are. */
function unaligned(bytes: Uint8Array): Uint8Array {
  const backing = new Uint8Array(bytes.byteLength + 3).fill(0xee);
  backing.set(bytes, 1);
  return backing.subarray(1, 1 + bytes.byteLength);
}

const FLOAT_CASES: [string, DType, number[]][] = [
  ["float32 values", "float32", [1.5, -2.25, 0, 3.75]],
  ["float64 values", "float64", [0.1, -1e300, Number.POSITIVE_INFINITY, 2 ** -1074]],
  ["a single float32", "float32", [-0.5]],
  ["a single float64", "float64", [Math.PI]],
];

describe.runIf(HOST_IS_LITTLE_ENDIAN)("float data on a little-endian host", () => {
  it.each(FLOAT_CASES)("reads back %s from an unaligned view", (_name, dtype, values) => {
    const out = fromLittleEndian(unaligned(floatBytes(dtype, values)), dtype);
    expect(out).toBeInstanceOf(dtype === "float32" ? Float32Array : Float64Array);
    expect(Array.from(out)).toEqual(values);
  });

  // A signalling NaN survives only a byte copy: through a number, float32's is made quiet.
  it.each<[string, DType, number[]]>([
    ["a float32 signalling NaN", "float32", [0x01, 0x00, 0x80, 0x7f]],
    ["a float32 NaN with a payload", "float32", [0x34, 0x12, 0xa1, 0xff]],
    ["a float64 NaN with a payload", "float64", [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0xf1, 0x7f]],
  ])("copies %s bit for bit", (_name, dtype, nanBytes) => {
    const bytes = floatBytes(dtype, [0, 2], nanBytes);
    const out = fromLittleEndian(unaligned(bytes), dtype);
    expect(Array.from(new Uint8Array(out.buffer))).toEqual(Array.from(bytes));
  });

  it("readAnyTensor keeps the float32 bits of its data", () => {
    const bytes = floatBytes("float32", [0, 1, -1], [0x01, 0x00, 0x80, 0x7f]);
    const t = readAnyTensor(F, "inputs.x", { dtype: "float32", shape: [3], data: unaligned(bytes) }, { kind: "float32", version: 2 }, new ElementBudget());
    expect(t).toBeInstanceOf(Tensor);
    expect(Array.from(new Uint8Array((t as Tensor).data.buffer))).toEqual(Array.from(bytes));
  });
});

/**
 * A Uint16Array stand-in that lays out its values big-endian, so validate-tensor, loaded fresh
 * while it is installed, takes its big-endian branch: its DataView decode must give the same
 * values on any host.
 */
class BigEndianUint16Probe {
  readonly buffer: ArrayBuffer;

  constructor(values: readonly number[]) {
    const view = new DataView(new ArrayBuffer(values.length * 2));
    values.forEach((v, i) => view.setUint16(i * 2, v, false));
    this.buffer = view.buffer;
  }
}

async function bigEndianFromLittleEndian(): Promise<typeof fromLittleEndian> {
  vi.resetModules();
  vi.stubGlobal("Uint16Array", BigEndianUint16Probe);
  try {
    const fresh = await import("../src/core/format/validate-tensor.js");
    return fresh.fromLittleEndian;
  } finally {
    vi.unstubAllGlobals();
  }
}

describe("float data on a (simulated) big-endian host", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it.each(FLOAT_CASES)("reads back %s from an unaligned view", async (_name, dtype, values) => {
    const decode = await bigEndianFromLittleEndian();
    // This host's typed arrays are little-endian, so the values alone cannot show that the
    // DataView branch ran: count its reads too.
    const read = vi.spyOn(DataView.prototype, dtype === "float32" ? "getFloat32" : "getFloat64");
    try {
      const out = decode(unaligned(floatBytes(dtype, values)), dtype);
      expect(out).toBeInstanceOf(dtype === "float32" ? Float32Array : Float64Array);
      expect(Array.from(out)).toEqual(values);
      expect(read).toHaveBeenCalledTimes(values.length);
    } finally {
      read.mockRestore();
    }
  });

  it.each<[string, DType]>([
    ["float32", "float32"],
    ["float64", "float64"],
  ])("reads empty %s data as an empty array", async (_name, dtype) => {
    const decode = await bigEndianFromLittleEndian();
    const out = decode(new Uint8Array(0), dtype);
    expect(out).toBeInstanceOf(dtype === "float32" ? Float32Array : Float64Array);
    expect(out.length).toBe(0);
  });
});
