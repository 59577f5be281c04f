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
import { loadSafetensors } from "../src/core/format/safetensors.js";
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

describe("malformed files are one-line FixtureErrors", () => {
  const f32 = (n: number) => new Uint8Array(4 * n);
  it.each([
    ["float16 weights written by safetensors", readFileSync(`${DIR}GRU-float16.safetensors`), "x: bias_hh_l0.dtype: F16 is not supported (expected F32 or F64)"],
    ["too short", new Uint8Array(3), "x: header length: the file has 3 bytes, fewer than the 8 of the header length"],
    ["a header length past the end", craft({}, f32(0), 1n << 40n), "x: header length: 1099511627776 bytes, more than the 2 available"],
    ["a header that is not JSON", craft(0).fill(0x7b, 8), "x: header: not UTF-8 JSON"],
    ["a header that is an array", craft([]), "x: header: not a JSON object"],
    ["a shape that does not fit the bytes", craft({ w: { dtype: "F32", shape: [3], data_offsets: [0, 8] } }, f32(2)), "x: w.data_offsets: 8 bytes, but shape [3] of F32 needs 12"],
    ["offsets past the data", craft({ w: { dtype: "F32", shape: [2], data_offsets: [4, 12] } }, f32(2)), "x: w.data_offsets: [4, 12] is outside the 8 data bytes"],
    ["overlapping tensors", craft({ a: { dtype: "F32", shape: [2], data_offsets: [0, 8] }, b: { dtype: "F32", shape: [1], data_offsets: [4, 8] } }, f32(2)), "overlaps the previous tensor"],
    ["a hole", craft({ a: { dtype: "F32", shape: [1], data_offsets: [4, 8] } }, f32(2)), "x: a.data_offsets: leaves a hole (begins at 4, expected 0)"],
    ["trailing bytes", craft({ a: { dtype: "F32", shape: [1], data_offsets: [0, 4] } }, f32(2)), "x: data: 4 bytes after the last tensor belong to none"],
    ["a negative dimension", craft({ a: { dtype: "F32", shape: [-1], data_offsets: [0, 0] } }), "x: a.shape: expected at most 8 non-negative integers"],
    ["bad metadata", craft({ __metadata__: { k: 1 } }), "x: __metadata__: must map strings to strings"],
  ])("%s", (_name, bytes, message) => {
    let err: unknown;
    try {
      loadSafetensors(bytes, "x");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FixtureError);
    expect(String((err as Error).message)).toContain(message);
    expect(String((err as Error).message)).not.toContain("\n");
  });
});
