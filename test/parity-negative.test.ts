/**
 * Proof that the parity harness can fail: on real fixtures, each plausible implementation bug
 * (a moved reference, swapped ih/hh weights, a transposed layout, a reversed direction, the wrong
 * nonlinearity, a NaN, a wrong shape) must make compareTensors report passed=false. If one of these
 * ever passes, the green parity suite proves nothing about that kind of bug.
 */
import { describe, expect, it } from "vitest";
import { compareTensors } from "../src/core/compare/assert-close.js";
import type { Fixture, FixtureTensor, ManifestCase, TorchRNNConfig } from "../src/core/format/types.js";
import { runTypeScript } from "../src/core/oracle/typescript.js";
import type { DType } from "../src/core/tensor/dtype.js";
import { Tensor } from "../src/core/tensor/tensor.js";
import { loadFixture, manifestCases } from "./helpers/cases.js";

const DTYPES: readonly DType[] = ["float32", "float64"];

type Fits = (c: ManifestCase) => boolean;

/** The first bundled case of this dtype that fits the proof, so the proofs follow the case matrix. */
async function fixture(what: string, dtype: DType, fits: Fits): Promise<Fixture> {
  const found = manifestCases.find((c) => c.dtype === dtype && fits(c));
  if (found === undefined) throw new Error(`no ${dtype} fixture for the negative test needs ${what}`);
  return loadFixture(found);
}

/** An ordinary (unpacked) RNN case's config: these proofs tamper with padded (L, N) layouts. */
function rnn(c: ManifestCase): TorchRNNConfig | undefined {
  return c.module === "RNN" && c.packing === undefined ? (c.config as TorchRNNConfig) : undefined;
}

const PICKS: Record<string, [string, Fits]> = {
  // batched, bidirectional, 2+ layers, h0 given: every weight and both directions matter.
  bidir: ["a batched bidirectional RNN with 2+ layers and h0", (c) => {
    const r = rnn(c);
    return r !== undefined && r.bidirectional && r.num_layers >= 2 && c.name.includes("-h0") && !c.name.includes("unbatched");
  }],
  // Unidirectional, 2+ layers: weight_ih_l1 and weight_hh_l1 are both H x H.
  uniL2: ["a unidirectional RNN with 2+ layers", (c) => {
    const r = rnn(c);
    return r !== undefined && !r.bidirectional && r.num_layers >= 2 && c.name.includes("-h0") && !c.name.includes("unbatched");
  }],
  // Seq-first, batched, no h0 (an h0 would not fit once batch and time are confused), L != N.
  seqFirstNoH0: ["a batched seq-first RNN without h0", (c) => {
    const r = rnn(c);
    return r !== undefined && !r.batch_first && c.name.includes("-noh0") && !c.name.includes("unbatched") && !c.name.includes("seq1") && !c.name.includes("batch1");
  }],
  cell: ["a batched RNNCell with hx", (c) => c.module === "RNNCell" && c.name.includes("-batched-hx")],
};

function pick(key: keyof typeof PICKS, dtype: DType): Promise<Fixture> {
  const p = PICKS[key];
  if (p === undefined) throw new Error(`unknown pick ${key}`);
  return fixture(p[0], dtype, p[1]);
}

function output(f: Fixture, name: string): Tensor {
  const t = f.outputs[name];
  if (!(t instanceof Tensor)) throw new Error(`${f.file}: outputs.${name}: missing or not a float tensor`);
  return t;
}

function tensorOf(outputs: Readonly<Record<string, FixtureTensor>>, name: string): Tensor {
  const t = outputs[name];
  if (!(t instanceof Tensor)) throw new Error(`no float output '${name}'`);
  return t;
}

/** Runs our module on a variant of the fixture (changed config, weights or inputs). */
function runVariant(f: Fixture, change: Partial<Pick<Fixture, "stateDict" | "inputs">> & { config?: Partial<TorchRNNConfig> }): Record<string, FixtureTensor> {
  const variant = {
    ...f,
    config: { ...f.config, ...change.config },
    stateDict: change.stateDict ?? f.stateDict,
    inputs: change.inputs ?? f.inputs,
  } as Fixture;
  return runTypeScript(variant);
}

function other(nonlinearity: "tanh" | "relu"): "tanh" | "relu" {
  return nonlinearity === "tanh" ? "relu" : "tanh";
}

/** Swaps dims 0 and 1 of a 3-d tensor: (L, N, X) <-> (N, L, X). */
function transpose01(t: Tensor): Tensor {
  const [a = 0, b = 0, c = 0] = t.shape;
  const out = t.clone();
  for (let i = 0; i < a; i++) {
    for (let j = 0; j < b; j++) {
      for (let k = 0; k < c; k++) out.data[(j * a + i) * c + k] = t.data[(i * b + j) * c + k] as number;
    }
  }
  return new Tensor(out.data, [b, a, c]);
}

function withElement(t: Tensor, flat: number, value: (old: number) => number): Tensor {
  const out = t.clone();
  out.data[flat] = value(out.data[flat] as number);
  return out;
}

/** The compared result must fail; also shows which way it failed when it unexpectedly passes. */
function expectFails(actual: Tensor, expected: Tensor, name: string): void {
  const c = compareTensors(actual, expected, { name });
  expect(c.passed, `expected a mismatch for ${name}, got max abs diff ${c.maxAbsDiff}`).toBe(false);
  expect(c.message).not.toBe("");
  expect(c.headroom).toBeLessThanOrEqual(0);
}

function expectValueFailure(actual: Tensor, expected: Tensor, name: string): void {
  expect(actual.shape).toEqual(expected.shape);
  expectFails(actual, expected, name);
  expect(compareTensors(actual, expected).message).toMatch(/^Tensor-likes are not close!/);
}

describe.each(DTYPES.map((d) => [d] as const))("the harness catches wrong results (%s)", (dtype) => {

  it("the unmodified run passes (so the failures below are caused by the change)", async () => {
    for (const key of Object.keys(PICKS)) {
      const f = await pick(key, dtype);
      const outputs = runTypeScript(f);
      for (const name of Object.keys(f.outputs)) {
        expect(compareTensors(tensorOf(outputs, name), output(f, name), { name }).passed, `${f.name} ${name}`).toBe(true);
      }
    }
  });

  it("a reference moved by 1e-3 in one element fails; by 1e-9 it still passes", async () => {
    const f = await pick("bidir", dtype);
    const ours = tensorOf(runTypeScript(f), "output");
    const expected = output(f, "output");
    // The smallest-magnitude nonzero element: there even 1e-9 changes the stored bits in float32.
    let flat = 0;
    expected.data.forEach((v, i) => {
      if (v !== 0 && Math.abs(v) < Math.abs(expected.data[flat] as number)) flat = i;
    });
    const far = withElement(expected, flat, (v) => v + 1e-3);
    const c = compareTensors(ours, far, { name: "output" });
    expect(c.passed).toBe(false);
    expect(c.mismatched).toBe(1);
    const near = withElement(expected, flat, (v) => v + 1e-9);
    expect(near.data[flat]).not.toBe(expected.data[flat]);
    expect(compareTensors(ours, near, { name: "output" }).passed).toBe(true);
  });

  it("swapped weight_ih/weight_hh fail (layer 1 of a 2-layer RNN, where both are H x H)", async () => {
    const f = await pick("uniL2", dtype);
    const sd = { ...f.stateDict };
    const ih = sd.weight_ih_l1;
    const hh = sd.weight_hh_l1;
    if (ih === undefined || hh === undefined) throw new Error("layer-1 weights missing");
    expect(ih.shape).toEqual(hh.shape);
    sd.weight_ih_l1 = hh;
    sd.weight_hh_l1 = ih;
    const outputs = runVariant(f, { stateDict: sd });
    expectValueFailure(tensorOf(outputs, "output"), output(f, "output"), "output");
    expectValueFailure(tensorOf(outputs, "h_n"), output(f, "h_n"), "h_n");
  });

  it("a reversed direction (forward and reverse weights swapped) fails", async () => {
    const f = await pick("bidir", dtype);
    const sd: Record<string, Tensor> = {};
    for (const [key, value] of Object.entries(f.stateDict)) {
      const other = key.endsWith("_reverse") ? key.slice(0, -"_reverse".length) : `${key}_reverse`;
      sd[other] = value;
    }
    const outputs = runVariant(f, { stateDict: sd });
    expectValueFailure(tensorOf(outputs, "output"), output(f, "output"), "output");
    expectValueFailure(tensorOf(outputs, "h_n"), output(f, "h_n"), "h_n");
  });

  it("a transposed layout fails: batch_first flipped, and a (N, L) output read as (L, N)", async () => {
    const f = await pick("seqFirstNoH0", dtype);
    const expected = output(f, "output");
    // The module treats the (L, N, I) input as (N, L, I): the output keeps the shape, not the values.
    const flipped = runVariant(f, { config: { batch_first: true } });
    expectValueFailure(tensorOf(flipped, "output"), expected, "output");
    expectFails(tensorOf(flipped, "h_n"), output(f, "h_n"), "h_n");
    // A kernel that writes time-major results batch-major: right numbers, wrong places.
    const ours = tensorOf(runTypeScript(f), "output");
    const scrambled = new Tensor(transpose01(ours).data, ours.shape);
    expectValueFailure(scrambled, expected, "output");
    // And the plainly transposed tensor fails on its shape.
    const transposed = transpose01(ours);
    expect(compareTensors(transposed, expected).message).toMatch(/^The values for attribute 'shape' do not match/);
  });

  it("the other nonlinearity fails (RNN and RNNCell)", async () => {
    const f = await pick("bidir", dtype);
    const swapped = runVariant(f, { config: { nonlinearity: other((f.config as TorchRNNConfig).nonlinearity) } });
    expectValueFailure(tensorOf(swapped, "output"), output(f, "output"), "output");
    const c = await pick("cell", dtype);
    const cellSwapped = runVariant(c, { config: { nonlinearity: other((c.config as TorchRNNConfig).nonlinearity) } });
    expectValueFailure(tensorOf(cellSwapped, "h_prime"), output(c, "h_prime"), "h_prime");
  });

  it("a NaN in our output fails, even where the reference is finite", async () => {
    const f = await pick("bidir", dtype);
    const ours = tensorOf(runTypeScript(f), "h_n");
    const withNaN = withElement(ours, 3, () => NaN);
    const c = compareTensors(withNaN, output(f, "h_n"), { name: "h_n" });
    expect(c.passed).toBe(false);
    expect(c.mismatched).toBe(1);
    expect(c.headroom).toBe(-Infinity);
    expect(c.message).toContain("Greatest absolute difference: nan at index (0, 0, 3)");
  });

  it("a shape mismatch fails before any value is compared", async () => {
    const f = await pick("cell", dtype);
    const ours = tensorOf(runTypeScript(f), "h_prime");
    const expected = output(f, "h_prime");
    const flat = ours.reshape([ours.numel()]);
    const c = compareTensors(flat, expected, { name: "h_prime" });
    expect(c.passed).toBe(false);
    expect(c.message).toBe(
      `The values for attribute 'shape' do not match: torch.Size([${ours.numel()}]) != torch.Size([${expected.shape.join(", ")}]).` +
        "\n\nThe failure occurred for item ['h_prime']",
    );
  });

  it("a dtype mismatch fails", async () => {
    const f = await pick("cell", dtype);
    const expected = output(f, "h_prime");
    const other = new Tensor(dtype === "float32" ? Float64Array.from(expected.data) : Float32Array.from(expected.data), expected.shape);
    const c = compareTensors(other, expected);
    expect(c.passed).toBe(false);
    expect(c.message).toMatch(/^The values for attribute 'dtype' do not match/);
  });
});
