/**
 * Stand-in for src/fixtures/{manifest,msgpack}.ts while those land: same names and signatures
 * (readManifest, readFixture, DEFAULT_FIXTURES_DIR), no validation beyond what the tests need.
 * test/helpers/cases.ts imports from here; switching it to src/fixtures is a one-line change.
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { decode } from "@msgpack/msgpack";
import type { Fixture, Manifest } from "../../src/fixtures/types.js";
import type { Tensor } from "../../src/tensor/tensor.js";
import { tensorFromMap } from "./tensor-map.js";

export const DEFAULT_FIXTURES_DIR = fileURLToPath(new URL("../../fixtures/", import.meta.url));

export async function readManifest(dir: string): Promise<Manifest> {
  const text = await readFile(`${dir}/manifest.json`, "utf8");
  return JSON.parse(text) as Manifest;
}

function tensors(value: unknown, where: string): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = tensorFromMap(v, `${where}.${k}`);
  return out;
}

export async function readFixture(path: string): Promise<Fixture> {
  const raw = decode(await readFile(path)) as Record<string, unknown>;
  const inputs = tensors(raw.inputs, "inputs");
  const input = inputs.input;
  if (input === undefined) throw new Error(`${path}: inputs.input: missing`);
  const fixture = {
    file: path,
    format: raw.format,
    version: raw.version,
    name: raw.name,
    module: raw.module,
    config: raw.config,
    dtype: raw.dtype,
    seed: raw.seed,
    torchVersion: raw.torch_version,
    stateDict: tensors(raw.state_dict, "state_dict"),
    inputs: inputs.hx === undefined ? { input } : { input, hx: inputs.hx },
    outputs: tensors(raw.outputs, "outputs"),
  };
  return fixture as Fixture;
}
