/**
 * The benchmark's arithmetic and its ONNX model builder. No timing is asserted here: wall time on a
 * shared machine is not a property of the code. The builder's output is checked by onnxruntime
 * accepting it and agreeing with our RNN, and the bench's sanity guard is shown to reject a model
 * with its directions swapped (the guard must be able to fail).
 */
import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { parseArgs, UsageError } from "../bench/args.js";
import { makeWorkloadData, type WorkloadData } from "../bench/data.js";
import { layerSuffix, mulberry32 } from "../src/core/nn/parameters.js";
import { buildRnnModel } from "../bench/impl/onnx-model.js";
import { onnxruntimeWebImplementation } from "../bench/impl/onnxruntime.js";
import { tfjsImplementation, tfjsWasmImplementation } from "../bench/impl/tfjs.js";
import type { Implementation } from "../bench/impl/types.js";
import { tsImplementation } from "../bench/impl/ts.js";
import { measureF32x4Peak } from "../bench/peak.js";
import { reportError } from "../bench/report-error.js";
import { checkSameComputation, SanityError } from "../bench/sanity.js";
import { callsPerSample, gflops, median } from "../bench/timing.js";
import { BENCH_MODULES, filterWorkloads, uniformLengths, forwardFlops, layerInputSize, WORKLOADS, type BenchModule, type Workload } from "../bench/workloads.js";
import { Tensor } from "../src/core/tensor/tensor.js";

const tinyOf = (module: BenchModule): Workload => ({
  name: module === "RNN" ? "tiny" : `${module.toLowerCase()}-tiny`,
  module,
  seqLen: 3,
  batch: 2,
  inputSize: 4,
  hiddenSize: 3,
  numLayers: 2,
  bidirectional: true,
  lengths: null,
});
const tiny = tinyOf("RNN");
/** The padded-batch variant: lengths 3, 1 in a batch of 2 (unsorted, so packing permutes). */
const tinyPaddedOf = (module: BenchModule): Workload => ({ ...tinyOf(module), name: `${tinyOf(module).name}-padded`, lengths: [1, 3] });

function byName(name: string): Workload {
  const w = WORKLOADS.find((x) => x.name === name);
  if (w === undefined) throw new Error(`no workload ${name}`);
  return w;
}

async function runOrt(w: Workload, data: WorkloadData): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(buildRnnModel(w, data), { intraOpNumThreads: 1, interOpNumThreads: 1 });
  try {
    const feeds: Record<string, ort.Tensor> = { input: new ort.Tensor("float32", data.input.data as Float32Array, [w.seqLen, w.batch, w.inputSize]) };
    if (w.lengths !== null) feeds["lengths"] = new ort.Tensor("int32", Int32Array.from(w.lengths), [w.batch]);
    const out = (await session.run(feeds))["output"];
    expect(out?.dims).toEqual([w.seqLen, w.batch, 2 * w.hiddenSize]);
    return out?.data as Float32Array;
  } finally {
    await session.release();
  }
}

describe("bench workloads", () => {
  it("has issue 6's ladder", () => {
    const shape = (n: string): number[] => {
      const w = byName(n);
      return [w.seqLen, w.batch, w.inputSize, w.hiddenSize];
    };
    expect(shape("tutorial")).toEqual([3, 1, 4, 2]);
    expect(shape("small")).toEqual([50, 16, 64, 128]);
    expect(shape("medium")).toEqual([100, 32, 256, 256]);
    expect(shape("large")).toEqual([200, 64, 512, 512]);
    expect(byName("small-2l-bi")).toMatchObject({ numLayers: 2, bidirectional: true });
    for (const module of BENCH_MODULES) {
      const prefix = module === "RNN" ? "" : `${module.toLowerCase()}-`;
      expect(WORKLOADS.filter((w) => w.module === module).map((w) => w.name)).toEqual(
        ["tutorial", "small", "medium", "large", "small-2l-bi", "padded"].map((n) => `${prefix}${n}`),
      );
      expect(shape(`${prefix}medium`)).toEqual([100, 32, 256, 256]);
    }
  });

  it("counts 2·B·S·H·(I+H) FLOPs per layer and direction", () => {
    expect(forwardFlops(byName("tutorial"))).toBe(2 * 1 * 3 * 2 * (4 + 2));
    expect(forwardFlops(byName("large"))).toBe(2 * 64 * 200 * 512 * (512 + 512));
    // Layer 1 of a bidirectional stack reads both directions' outputs: input width 2H.
    const bi = byName("small-2l-bi");
    expect(layerInputSize(bi, 1)).toBe(256);
    const perDir = (i: number): number => 2 * 16 * 50 * 128 * (i + 128);
    expect(forwardFlops(bi)).toBe(2 * perDir(64) + 2 * perDir(256));
    expect(gflops(2e9, 1000)).toBeCloseTo(2);
    // The gated modules do G products of H rows each: LSTM 4, GRU 3.
    expect(forwardFlops(byName("lstm-large"))).toBe(4 * forwardFlops(byName("large")));
    expect(forwardFlops(byName("gru-small-2l-bi"))).toBe(3 * forwardFlops(bi));
    // The padded batch counts only its valid rows.
    const padded = byName("padded");
    const rows = padded.lengths!.reduce((a, b) => a + b, 0);
    expect(forwardFlops(padded)).toBe(2 * 2 * rows * 128 * (64 + 128));
  });

  it("draws the padded batch's lengths uniformly in [1, seq] from a fixed seed", () => {
    const lengths = byName("lstm-padded").lengths!;
    expect(lengths).toEqual(uniformLengths(50, 16, 16));
    expect(lengths).toHaveLength(16);
    expect(lengths.every((l) => Number.isInteger(l) && l >= 1 && l <= 50)).toBe(true);
    expect(new Set(lengths).size).toBeGreaterThan(8);
  });

  it("filters by exact name or /regex/", () => {
    expect(filterWorkloads(WORKLOADS, "small").map((w) => w.name)).toEqual(["small"]);
    expect(filterWorkloads(WORKLOADS, "/^small/").map((w) => w.name)).toEqual(["small", "small-2l-bi"]);
    expect(filterWorkloads(WORKLOADS, undefined)).toHaveLength(WORKLOADS.length);
  });

  it("has a median and a sample size that behave at the edges", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(callsPerSample(0.001, 10)).toBe(10_000);
    expect(callsPerSample(0.00001, 10)).toBe(100_000);
    expect(callsPerSample(500, 10)).toBe(1);
  });

  it("generates the same data from the same seed", () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
    const d1 = makeWorkloadData(tiny, 1);
    const d2 = makeWorkloadData(tiny, 1);
    expect(d1.input.data).toEqual(d2.input.data);
    expect(Object.keys(d1.stateDict)).toContain("bias_hh_l1_reverse");
  });
});

describe.each(BENCH_MODULES.map((m) => [m] as const))("bench ONNX model, %s", (module) => {
  const w = tinyOf(module);
  it("is accepted by onnxruntime and computes what our module computes", async () => {
    const data = makeWorkloadData(w, 3);
    const ortOut = await runOrt(w, data);
    const runner = await tsImplementation.prepare(w, data);
    const tsOut = await runner.forward();
    expect(() => checkSameComputation(w, "ts", tsOut, ortOut)).not.toThrow();
  });

  it("computes what tfjs computes, so the third implementation is timed on the same computation", async () => {
    const data = makeWorkloadData(w, 3);
    const ortOut = await runOrt(w, data);
    const runner = await tfjsImplementation.prepare(w, data);
    try {
      const tfjsOut = await runner.forward();
      expect(() => checkSameComputation(w, "tfjs", tfjsOut, ortOut)).not.toThrow();
    } finally {
      await runner.dispose();
    }
  });
});

/** Runs one implementation's first forward pass on a workload and disposes of it. */
async function firstOutput(impl: Implementation, w: Workload, data: WorkloadData): Promise<Float32Array> {
  const runner = await impl.prepare(w, data);
  try {
    await runner.activate?.();
    return (await runner.forward()).slice();
  } finally {
    await runner.dispose();
  }
}

const peers = [tsImplementation, onnxruntimeWebImplementation, tfjsWasmImplementation, tfjsImplementation];
describe.each(BENCH_MODULES.flatMap((m) => peers.map((impl) => [m, impl.name, impl] as const)))("bench peers, %s, %s", (module, _name, impl) => {
  it.each([["full batch", tinyOf(module)], ["padded batch", tinyPaddedOf(module)]] as const)("%s: agrees with onnxruntime-node", async (_kind, w) => {
    const data = makeWorkloadData(w, 5);
    const ortOut = await runOrt(w, data);
    const out = await firstOutput(impl, w, data);
    expect(() => checkSameComputation(w, impl.name, out, ortOut)).not.toThrow();
    if (w.lengths !== null) {
      // zeros past each length (row b of time step t at (t·N + b)·2H)
      for (let t = 0; t < w.seqLen; t++) {
        for (let b = 0; b < w.batch; b++) {
          const row = out.subarray((t * w.batch + b) * 6, (t * w.batch + b + 1) * 6);
          if (t >= w.lengths[b]!) expect(Array.from(row)).toEqual([0, 0, 0, 0, 0, 0]);
          else expect(row.some((v) => v !== 0)).toBe(true);
        }
      }
    }
  });
});

describe("bench padded batch", () => {
  it("the guard catches a run that ignores the lengths", async () => {
    const w = tinyPaddedOf("GRU");
    const data = makeWorkloadData(w, 5);
    const ortOut = await runOrt(w, data);
    const full = await firstOutput(tsImplementation, { ...w, lengths: null }, data);
    expect(() => checkSameComputation(w, "ts", full, ortOut)).toThrow(SanityError);
  });
});

describe("bench ONNX model, gate order", () => {
  // ONNX stacks LSTM gates i,o,f,c and GRU gates z,r,h; the builder must permute torch's blocks.
  // Exchanging torch's first two gate blocks (LSTM i/f, GRU r/z) before building must be caught.
  it.each([["LSTM"], ["GRU"]] as const)("%s: a model built with two gates exchanged fails the sanity guard", async (module) => {
    const w = tinyOf(module);
    const data = makeWorkloadData(w, 3);
    const exchanged: WorkloadData = { input: data.input, stateDict: { ...data.stateDict } };
    for (const [key, t] of Object.entries(data.stateDict)) {
      const block = t.shape[0]! / (module === "LSTM" ? 4 : 3);
      const rowLen = t.data.length / t.shape[0]!;
      const values = t.data.slice();
      values.set(t.data.subarray(block * rowLen, 2 * block * rowLen), 0);
      values.set(t.data.subarray(0, block * rowLen), block * rowLen);
      exchanged.stateDict[key] = new Tensor(values, t.shape);
    }
    const ortOut = await runOrt(w, exchanged);
    const runner = await tsImplementation.prepare(w, data);
    const tsOut = await runner.forward();
    expect(() => checkSameComputation(w, "ts", tsOut, ortOut)).toThrow(SanityError);
  });

  it("lets the sanity guard catch a model with its directions swapped, reported on one line", async () => {
    const data = makeWorkloadData(tiny, 3);
    const swapped: WorkloadData = { input: data.input, stateDict: { ...data.stateDict } };
    for (const kind of ["weight_ih", "weight_hh", "bias_ih", "bias_hh"]) {
      swapped.stateDict[`${kind}${layerSuffix(0, 0)}`] = data.stateDict[`${kind}${layerSuffix(0, 1)}`]!;
      swapped.stateDict[`${kind}${layerSuffix(0, 1)}`] = data.stateDict[`${kind}${layerSuffix(0, 0)}`]!;
    }
    const ortOut = await runOrt(tiny, swapped);
    const runner = await tsImplementation.prepare(tiny, data);
    const tsOut = await runner.forward();
    let caught: unknown;
    try {
      checkSameComputation(tiny, "ts", tsOut, ortOut);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(SanityError);
    const { line, exitCode } = reportError(caught);
    expect(exitCode).toBe(1);
    expect(line).not.toContain("\n");
    expect(line).toMatch(/^bench: ts output differs from onnxruntime on workload tiny .*Tensor-likes are not close!; Mismatched elements: /);
  });
});

describe("bench f32x4 peak", () => {
  it("measures a positive multiply-add throughput where WebAssembly SIMD exists (Node 20)", () => {
    const peak = measureF32x4Peak();
    expect(peak).not.toBeNull();
    expect(peak!).toBeGreaterThan(0.1);
    expect(Number.isFinite(peak!)).toBe(true);
  });
});

describe("bench command line", () => {
  it("selects workloads and implementations", () => {
    const o = parseArgs(["--quick", "--filter", "/^small/", "--impl", "ts"]);
    expect(o?.workloads.map((w) => w.name)).toEqual(["small", "small-2l-bi"]);
    expect(o?.implementations).toEqual(["ts", "onnxruntime"]);
    expect(o?.profile.maxSamples).toBe(5);
  });

  it.each([
    [["--bogus"], "unknown option '--bogus'"],
    [["extra"], "too many arguments"],
    [["--filter", "nope"], '--filter: "nope" matches no workload'],
    [["--filter", "/[/"], "--filter: Invalid regular expression"],
    [["--impl", "pytorch"], '--impl: unknown implementation "pytorch"'],
    [["--seed", "1.5"], "--seed: expected an integer"],
    [["--json", "/no/such/folder/rows.json"], "--json: /no/such/folder is not a directory"],
  ])("refuses %j before running anything: one line, exit 2", (argv, message) => {
    let caught: unknown;
    try {
      parseArgs(argv);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(UsageError);
    const { line, exitCode } = reportError(caught);
    expect(exitCode).toBe(2);
    expect(line).toContain(`bench: ${message}`);
    expect(line).not.toContain("\n");
  });
});
