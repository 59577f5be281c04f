/**
 * Our assert_close against torch's: every pair in test/data/assert-close-cases.msgpack was run
 * through torch.testing.assert_close by scripts/fixturegen/compare_cases.py, which recorded the
 * verdict and the full message. Same verdict and byte-identical message, pair by pair.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { decode } from "@msgpack/msgpack";
import { describe, expect, it } from "vitest";
import { compareTensors } from "../src/core/compare/assert-close.js";
import type { Tensor } from "../src/core/tensor/tensor.js";
import { tensorFromMap } from "./helpers/tensor-map.js";

interface TorchPair {
  name: string;
  actual: Tensor;
  expected: Tensor;
  rtol?: number;
  atol?: number;
  item?: string;
  passed: boolean;
  message: string;
}

function loadPairs(): { torchVersion: string; pairs: TorchPair[] } {
  const path = fileURLToPath(new URL("./data/assert-close-cases.msgpack", import.meta.url));
  const doc = decode(readFileSync(path)) as {
    format: string;
    version: number;
    torch_version: string;
    cases: Array<Record<string, unknown>>;
  };
  if (doc.format !== "rnn-parity-assert-close-cases" || doc.version !== 1) {
    throw new Error(`${path}: not an assert-close cases file (format ${doc.format}, version ${doc.version})`);
  }
  const pairs = doc.cases.map((c): TorchPair => {
    const name = String(c.name);
    const pair: TorchPair = {
      name,
      actual: tensorFromMap(c.actual, `${name}.actual`),
      expected: tensorFromMap(c.expected, `${name}.expected`),
      passed: c.passed === true,
      message: String(c.message),
    };
    if (typeof c.rtol === "number") pair.rtol = c.rtol;
    if (typeof c.atol === "number") pair.atol = c.atol;
    if (typeof c.item === "string") pair.item = c.item;
    return pair;
  });
  return { torchVersion: doc.torch_version, pairs };
}

const { torchVersion, pairs } = loadPairs();

describe(`compareTensors agrees with torch ${torchVersion} assert_close`, () => {
  it("has the recorded pairs", () => {
    expect(pairs.length).toBeGreaterThan(100);
    expect(pairs.some((p) => p.passed)).toBe(true);
    expect(pairs.some((p) => !p.passed)).toBe(true);
  });

  it.each(pairs.map((p) => [p.name, p] as const))("%s", (_name, pair) => {
    const opts: { rtol?: number; atol?: number; name?: string } = {};
    if (pair.rtol !== undefined) opts.rtol = pair.rtol;
    if (pair.atol !== undefined) opts.atol = pair.atol;
    if (pair.item !== undefined) opts.name = pair.item;
    const result = compareTensors(pair.actual, pair.expected, opts);
    expect(result.message).toBe(pair.message);
    expect(result.passed).toBe(pair.passed);
    expect(result.mismatched === 0).toBe(pair.passed);
  });
});
