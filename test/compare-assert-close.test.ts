/**
 * Our assert_close against torch's: every pair in test/data/assert-close-cases.msgpack was run
 * through torch.testing.assert_close by scripts/fixturegen/compare_cases.py, which recorded the
 * verdict and the full message. Same verdict and byte-identical message, pair by pair. Version 2
 * of the file adds torch's element-by-element view (isclose, |a - e|, share of the allowance, and
 * the maxima with their indices), which a passing comparison reports but no message shows.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { decode } from "@msgpack/msgpack";
import { describe, expect, it } from "vitest";
import { compareTensors, elementCloseness } from "../src/core/compare/assert-close.js";
import { compareAny } from "../src/core/compare/compare-any.js";
import type { Int64Tensor } from "../src/core/tensor/int64-tensor.js";
import { Tensor } from "../src/core/tensor/tensor.js";
import { anyTensorFromMap } from "./helpers/tensor-map.js";

interface TorchElements {
  close: boolean[];
  abs_diff: number[];
  ratio: number[];
  max_abs?: number;
  max_abs_index?: number[];
  max_rel?: number;
  max_rel_index?: number[];
  worst_index?: number[];
}

interface TorchPair {
  name: string;
  actual: Tensor | Int64Tensor;
  expected: Tensor | Int64Tensor;
  rtol?: number;
  atol?: number;
  item?: string;
  passed: boolean;
  message: string;
  elements: TorchElements | null;
}

function loadPairs(): { torchVersion: string; pairs: TorchPair[] } {
  const path = fileURLToPath(new URL("./data/assert-close-cases.msgpack", import.meta.url));
  const doc = decode(readFileSync(path)) as {
    format: string;
    version: number;
    torch_version: string;
    cases: Array<Record<string, unknown>>;
  };
  if (doc.format !== "rnn-parity-assert-close-cases" || doc.version !== 2) {
    throw new Error(`${path}: not an assert-close cases file v2 (format ${doc.format}, version ${doc.version})`);
  }
  const pairs = doc.cases.map((c): TorchPair => {
    const name = String(c.name);
    const pair: TorchPair = {
      name,
      actual: anyTensorFromMap(c.actual, `${name}.actual`),
      expected: anyTensorFromMap(c.expected, `${name}.expected`),
      passed: c.passed === true,
      message: String(c.message),
      elements: (c.elements ?? null) as TorchElements | null,
    };
    if (typeof c.rtol === "number") pair.rtol = c.rtol;
    if (typeof c.atol === "number") pair.atol = c.atol;
    if (typeof c.item === "string") pair.item = c.item;
    return pair;
  });
  return { torchVersion: doc.torch_version, pairs };
}

const { torchVersion, pairs } = loadPairs();

function optionsOf(pair: TorchPair): { rtol?: number; atol?: number; name?: string } {
  const opts: { rtol?: number; atol?: number; name?: string } = {};
  if (pair.rtol !== undefined) opts.rtol = pair.rtol;
  if (pair.atol !== undefined) opts.atol = pair.atol;
  if (pair.item !== undefined) opts.name = pair.item;
  return opts;
}

/** compareTensors itself for float pairs (not through compareAny's dispatch), compareAny for int64. */
function compare(pair: TorchPair): ReturnType<typeof compareTensors> {
  const { actual, expected } = pair;
  if (actual instanceof Tensor && expected instanceof Tensor) return compareTensors(actual, expected, optionsOf(pair));
  return compareAny(actual, expected, optionsOf(pair));
}

describe(`compareTensors agrees with torch ${torchVersion} assert_close`, () => {
  it("has the recorded pairs", () => {
    expect(pairs.length).toBeGreaterThan(100);
    expect(pairs.some((p) => p.passed)).toBe(true);
    expect(pairs.some((p) => !p.passed)).toBe(true);
    expect(pairs.filter((p) => p.expected.dtype === "int64").length).toBeGreaterThan(10);
  });

  it.each(pairs.map((p) => [p.name, p] as const))("%s: verdict and message", (_name, pair) => {
    const result = compare(pair);
    expect(result.message).toBe(pair.message);
    expect(result.passed).toBe(pair.passed);
    expect(result.mismatched === 0).toBe(pair.passed);
  });
});

const withElements = pairs.filter((p): p is TorchPair & { elements: TorchElements } => p.elements !== null);

describe(`per-element numbers agree with torch ${torchVersion}`, () => {
  it.each(withElements.map((p) => [p.name, p] as const))("%s: mismatches, maxima, indices, headroom", (_name, pair) => {
    const el = pair.elements;
    const result = compare(pair);
    expect(result.total).toBe(el.close.length);
    expect(result.mismatched).toBe(el.close.filter((c) => !c).length);
    if (el.max_abs === undefined) return; // empty: no maximum to report
    expect(result.maxAbsDiff).toBe(el.max_abs);
    expect(result.maxAbsDiffIndex).toEqual(el.max_abs_index);
    expect(result.maxRelDiff).toBe(el.max_rel);
    expect(result.maxRelDiffIndex).toEqual(el.max_rel_index);
    expect(result.worstIndex).toEqual(el.worst_index);
    expect(result.headroom).toBe(1 - Math.max(...el.ratio));
  });

  const floats = withElements.filter((p) => p.expected instanceof Tensor);
  it.each(floats.map((p) => [p.name, p] as const))("%s: elementCloseness element by element", (_name, pair) => {
    const el = pair.elements;
    const { actual, expected } = pair;
    const tol = { rtol: pair.rtol ?? (expected.dtype === "float32" ? 1.3e-6 : 1e-7), atol: pair.atol ?? (expected.dtype === "float32" ? 1e-5 : 1e-7) };
    const got = Array.from(expected.data, (e, i) => elementCloseness(actual.data[i] as number, e, tol, expected.dtype as "float32" | "float64"));
    expect(got.map((g) => g.absDiff)).toEqual(el.abs_diff);
    expect(got.map((g) => g.ratio)).toEqual(el.ratio);
    expect(got.map((g) => g.ratio <= 1)).toEqual(el.close);
  });
});
