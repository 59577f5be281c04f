/**
 * loadSafetensors on files the real `safetensors` package wrote (scripts/fixturegen/safetensors_cases.py):
 * every tensor bit-identical to torch's state_dict, the module built from it matching torch's output,
 * and every malformed header refused in one line.
 */
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { decode } from "@msgpack/msgpack";
import { describe, expect, it } from "vitest";
import { assertClose } from "../src/core/compare/assert-close.js";
import { FixtureError } from "../src/core/errors.js";
import { MAX_FIXTURE_BYTES, MAX_MSGPACK_MAP_LENGTH, MAX_TENSOR_ELEMENTS } from "../src/core/format/limits.js";
import { MAX_SAFETENSORS_HEADER_BYTES, loadSafetensors } from "../src/core/format/safetensors.js";
import type { ModuleName, TorchConfig } from "../src/core/format/types.js";
import { moduleFromTorchConfig } from "../src/core/nn/from-torch.js";
import type { Tensor } from "../src/core/tensor/tensor.js";
import { loadSafetensorsFile } from "../src/node/readers/safetensors-file.js";
import { tensorFromMap } from "./helpers/tensor-map.js";

const DIR = fileURLToPath(new URL("./data/safetensors/", import.meta.url));
const cases = readdirSync(DIR).filter((f) => f.endsWith(".msgpack")).map((f) => f.replace(/\.msgpack$/, ""));

interface Reference { module: ModuleName; config: TorchConfig; dtype: "float32" | "float64"; state_dict: Record<string, unknown>; input: unknown; output: unknown }

describe.each(cases)("%s", (name) => {
  const ref = decode(readFileSync(`${DIR}${name}.msgpack`)) as Reference;
  it("holds torch's state_dict bit for bit, keys in torch's set", async () => {
    const sd = await loadSafetensorsFile(`${DIR}${name}.safetensors`);
    expect(Object.keys(sd).sort()).toEqual(Object.keys(ref.state_dict).sort());
    for (const [k, v] of Object.entries(ref.state_dict)) {
      const want = tensorFromMap(v, k);
      const got = sd[k] as Tensor;
      expect([got.dtype, got.shape]).toEqual([want.dtype, want.shape]);
      expect(new Uint8Array(got.data.buffer)).toEqual(new Uint8Array(want.data.buffer));
    }
  });
  it("loads into the module and reproduces torch's output", () => {
    const module = moduleFromTorchConfig(ref.module, ref.config, ref.dtype);
    module.loadStateDict(loadSafetensors(readFileSync(`${DIR}${name}.safetensors`)));
    const out = (module.forward as (x: Tensor) => [Tensor, unknown])(tensorFromMap(ref.input, "input"))[0];
    assertClose(out, tensorFromMap(ref.output, "output"));
  });
});

function craft(header: unknown, data = new Uint8Array(0), lengthOverride?: bigint): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, lengthOverride ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

/** The engine's own message for a header JSON.parse refuses (its wording is V8's, not ours). */
function jsonError(text: string): string {
  try {
    JSON.parse(text);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error(`${text} parses`);
}

const f32 = (n: number) => new Uint8Array(4 * n);
const t32 = (shape: number[], begin: number, end: number) => ({ dtype: "F32", shape, data_offsets: [begin, end] });
/** A file whose header is `text` padded with spaces to exactly `length` bytes, then `data`. */
function padded(text: string, length: number, data = new Uint8Array(0)): Uint8Array {
  const out = new Uint8Array(8 + length + data.length).fill(0x20, 8, 8 + length);
  new DataView(out.buffer).setBigUint64(0, BigInt(length), true);
  out.set(new TextEncoder().encode(text), 8);
  out.set(data, 8 + length);
  return out;
}

function refusal(bytes: Uint8Array): string {
  let err: unknown;
  try {
    loadSafetensors(bytes, "x");
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(FixtureError);
  return String((err as Error).message);
}

describe("malformed files are one-line FixtureErrors naming the field", () => {
  const many = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`t${i}`, t32([0], 0, 0)]));
  it.each([
    ["float16 weights written by safetensors", () => readFileSync(`${DIR}GRU-float16.safetensors`), "x: bias_hh_l0.dtype: F16 is not supported (expected F32 or F64)"],
    ["not bytes", () => [0, 0, 0, 0, 0, 0, 0, 0] as unknown as Uint8Array, "x: (file): expected the file's bytes as a Uint8Array"],
    ["one byte over the file limit", () => new Uint8Array(MAX_FIXTURE_BYTES + 1), `x: (file): ${MAX_FIXTURE_BYTES + 1} bytes, more than the reader's limit of ${MAX_FIXTURE_BYTES}`],
    ["too short", () => new Uint8Array(3), "x: header length: the file has 3 bytes, fewer than the 8 of the header length"],
    ["seven bytes", () => new Uint8Array(7), "x: header length: the file has 7 bytes, fewer than the 8 of the header length"],
    ["a header length of 0 (eight bytes)", () => new Uint8Array(8), `x: header: not UTF-8 JSON (${jsonError("")})`],
    ["a header length past the end", () => craft({}, f32(0), 1n << 40n), "x: header length: 1099511627776 bytes, more than the 2 available"],
    ["a header length one past the end", () => craft({}, f32(0), 3n), "x: header length: 3 bytes, more than the 2 available"],
    ["a header one byte over its limit", () => padded("{}", MAX_SAFETENSORS_HEADER_BYTES + 1), `x: header length: ${MAX_SAFETENSORS_HEADER_BYTES + 1} bytes, more than the ${MAX_SAFETENSORS_HEADER_BYTES} available`],
    ["a header that is not JSON", () => craft(0).fill(0x7b, 8), `x: header: not UTF-8 JSON (${jsonError("{")})`],
    ["a header that is not UTF-8", () => padded('{"w?":1}', 8).fill(0xff, 11, 12), "x: header: not UTF-8 JSON (The encoded data was not valid for encoding utf-8)"],
    ["a header that is an array", () => craft([]), "x: header: not a JSON object"],
    ["a header that is null", () => craft(null), "x: header: not a JSON object"],
    ["a header that is a string", () => craft("w"), "x: header: not a JSON object"],
    ["one tensor more than the limit", () => craft(many(MAX_MSGPACK_MAP_LENGTH + 1)), `x: header: ${MAX_MSGPACK_MAP_LENGTH + 1} tensors, more than the limit of ${MAX_MSGPACK_MAP_LENGTH}`],
    ["metadata that is an array", () => craft({ __metadata__: ["k"] }), "x: __metadata__: must map strings to strings"],
    ["metadata that is null", () => craft({ __metadata__: null }), "x: __metadata__: must map strings to strings"],
    ["metadata with one number", () => craft({ __metadata__: { a: "s", k: 1 } }), "x: __metadata__: must map strings to strings"],
    ["an entry that is a number", () => craft({ w: 5 }), "x: w: not an object with dtype, shape and data_offsets"],
    ["an entry that is null", () => craft({ w: null }), "x: w: not an object with dtype, shape and data_offsets"],
    ["an entry that is an array", () => craft({ w: [] }), "x: w: not an object with dtype, shape and data_offsets"],
    ["a shape that is not an array", () => craft({ w: { dtype: "F32", shape: "1", data_offsets: [0, 4] } }, f32(1)), "x: w.shape: expected at most 8 non-negative integers"],
    ["a shape of rank 9", () => craft({ w: t32([1, 1, 1, 1, 1, 1, 1, 1, 1], 0, 4) }, f32(1)), "x: w.shape: expected at most 8 non-negative integers"],
    ["a negative dimension", () => craft({ a: t32([-1], 0, 0) }), "x: a.shape: expected at most 8 non-negative integers"],
    ["a fractional dimension", () => craft({ a: t32([1.5], 0, 6) }, f32(2)), "x: a.shape: expected at most 8 non-negative integers"],
    ["one element more than the limit", () => craft({ w: t32([MAX_TENSOR_ELEMENTS + 1], 0, 4) }, f32(1)), `x: w.shape: ${MAX_TENSOR_ELEMENTS + 1} elements, more than the limit of ${MAX_TENSOR_ELEMENTS}`],
    ["offsets that are not an array", () => craft({ w: { dtype: "F32", shape: [1], data_offsets: "0,4" } }, f32(1)), "x: w.data_offsets: expected [begin, end], two non-negative integers"],
    ["three offsets", () => craft({ w: { dtype: "F32", shape: [1], data_offsets: [0, 4, 4] } }, f32(1)), "x: w.data_offsets: expected [begin, end], two non-negative integers"],
    ["a negative offset", () => craft({ w: t32([1], -4, 0) }, f32(1)), "x: w.data_offsets: expected [begin, end], two non-negative integers"],
    ["a fractional offset", () => craft({ w: t32([1], 0.5, 4.5) }, f32(2)), "x: w.data_offsets: expected [begin, end], two non-negative integers"],
    ["an offset that is a string", () => craft({ w: { dtype: "F32", shape: [1], data_offsets: ["0", 4] } }, f32(1)), "x: w.data_offsets: expected [begin, end], two non-negative integers"],
    ["a shape that does not fit the bytes", () => craft({ w: t32([3], 0, 8) }, f32(2)), "x: w.data_offsets: 8 bytes, but shape [3] of F32 needs 12"],
    ["a rank-2 shape that does not fit, not at 0", () => craft({ a: t32([1], 0, 4), w: t32([1, 3], 4, 12) }, f32(4)), "x: w.data_offsets: 8 bytes, but shape [1, 3] of F32 needs 12"],
    ["offsets past the data", () => craft({ w: t32([2], 4, 12) }, f32(2)), "x: w.data_offsets: [4, 12] is outside the 8 data bytes"],
    ["an end before the begin", () => craft({ w: t32([1], 8, 4) }, f32(2)), "x: w.data_offsets: [8, 4] is outside the 8 data bytes"],
    ["overlapping tensors", () => craft({ a: t32([2], 0, 8), b: t32([1], 4, 8) }, f32(2)), "x: b.data_offsets: overlaps the previous tensor (begins at 4, before 8)"],
    ["a hole", () => craft({ a: t32([1], 4, 8) }, f32(2)), "x: a.data_offsets: leaves a hole (begins at 4, expected 0)"],
    ["trailing bytes", () => craft({ a: t32([1], 0, 4) }, f32(2)), "x: data: 4 bytes after the last tensor belong to none"],
    ["a file exactly at the limit is read on (and refused for its trailing bytes)", () => craft({}, new Uint8Array(MAX_FIXTURE_BYTES - 10)), `x: data: ${MAX_FIXTURE_BYTES - 10} bytes after the last tensor belong to none`],
  ])("%s", (_name, bytes, message) => {
    const got = refusal(bytes());
    expect(got).toBe(message);
    expect(got).not.toContain("\n");
  });
});

it("errors name the bytes <safetensors> when no file name is given", () => {
  expect(() => loadSafetensors(new Uint8Array(3))).toThrow(/^<safetensors>: header length: the file has 3 bytes, fewer than the 8 of the header length$/);
});

describe("edge cases that load", () => {
  const load = (bytes: Uint8Array) => loadSafetensors(bytes, "x");
  it("a header of exactly the limit, and string metadata, which is not a tensor", () => {
    expect(load(padded('{"__metadata__":{"format":"pt"}}', MAX_SAFETENSORS_HEADER_BYTES))).toEqual({});
  });
  it("tensors listed out of offset order, a zero-size one sharing a begin, rank 8 and rank 0", () => {
    const data = new Uint8Array(16);
    new DataView(data.buffer).setFloat32(0, 1.5, true);
    new DataView(data.buffer).setFloat32(4, -2, true);
    new DataView(data.buffer).setFloat64(8, 0.25, true);
    const sd = load(craft({
      __metadata__: { a: "b" },
      b: { dtype: "F64", shape: [], data_offsets: [8, 16] },
      a: t32([1, 1, 1, 1, 1, 1, 1, 2], 0, 8),
      z: t32([0, 3], 0, 0),
    }, data));
    expect(Object.keys(sd)).toEqual(["b", "a", "z"]);
    expect([sd.a?.dtype, sd.a?.shape, Array.from(sd.a?.data ?? [])]).toEqual(["float32", [1, 1, 1, 1, 1, 1, 1, 2], [1.5, -2]]);
    expect([sd.b?.dtype, sd.b?.shape, Array.from(sd.b?.data ?? [])]).toEqual(["float64", [], [0.25]]);
    expect([sd.z?.shape, sd.z?.data.length]).toEqual([[0, 3], 0]);
  });
  it("exactly the tensor limit, and exactly the element limit", () => {
    const names = Array.from({ length: MAX_MSGPACK_MAP_LENGTH }, (_, i) => [`t${i}`, t32([0], 0, 0)]);
    expect(Object.keys(load(craft(Object.fromEntries(names))))).toHaveLength(MAX_MSGPACK_MAP_LENGTH);
    const big = load(craft({ w: t32([MAX_TENSOR_ELEMENTS], 0, 4 * MAX_TENSOR_ELEMENTS) }, f32(MAX_TENSOR_ELEMENTS)));
    expect(big.w?.shape).toEqual([MAX_TENSOR_ELEMENTS]);
  });
});

describe("loadSafetensors without a file name", () => {
  it("names the bytes <safetensors> in its errors", () => {
    expect(() => loadSafetensors(new Uint8Array([1, 2, 3]))).toThrow(/^<safetensors>: /);
  });
});
