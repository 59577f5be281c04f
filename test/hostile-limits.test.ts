// Issue 9, cause 5: sizes nobody can allocate are one-line RnnParityErrors, found before anything
// is allocated: module constructors (hiddenSize 1e9 took 16 GB and 68 s, then a raw RangeError),
// moduleFromOnnx's claimed config (hidden_size 30000 in a 541-byte file took 3.5 GB), and
// `check`, which ran a 72 MB model that `inspect` refused.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FixtureError, ModuleError, RnnParityError } from "../src/core/errors.js";
import { MAX_ONNX_BYTES } from "../src/core/format/limits.js";
import { ONNX_FLOAT, encodeOnnxModel, type OnnxModelProto, type OnnxNodeProto, type OnnxTensorProto } from "../src/core/onnx/onnx-proto.js";
import { moduleFromOnnx } from "../src/node/readers/onnx-file.js";
import { GRU } from "../src/core/nn/gru.js";
import { GRUCell } from "../src/core/nn/gru-cell.js";
import { MAX_MODULE_DIM, MAX_MODULE_PARAMETERS } from "../src/core/nn/limits.js";
import { LSTM } from "../src/core/nn/lstm.js";
import { LSTMCell } from "../src/core/nn/lstm-cell.js";
import { RNN } from "../src/core/nn/rnn.js";
import { RNNCell } from "../src/core/nn/rnn-cell.js";
import { bundled, plainCopy, removeTempDirs, runCli, tempDir } from "./helpers/cli-run.js";

afterAll(removeTempDirs);

/** The error, which must come fast and without the heap growing. */
function refusedFast(f: () => unknown): Error {
  const heap = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  const start = performance.now();
  let caught: unknown;
  try {
    f();
  } catch (err) {
    caught = err;
  }
  expect(performance.now() - start).toBeLessThan(2000);
  expect(process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers - heap).toBeLessThan(256 << 20);
  expect(caught).toBeInstanceOf(ModuleError);
  expect((caught as Error).message).not.toMatch(/\n/);
  return caught as Error;
}

describe("module sizes (cause 5)", () => {
  it.each([
    ["RNN hiddenSize 1e9", () => new RNN({ inputSize: 4, hiddenSize: 1e9 }), `RNN: hiddenSize 1000000000 is more than the limit of ${MAX_MODULE_DIM} (2^24)`],
    ["RNN hiddenSize 2**31", () => new RNN({ inputSize: 4, hiddenSize: 2 ** 31 }), `RNN: hiddenSize 2147483648 is more than the limit of ${MAX_MODULE_DIM} (2^24)`],
    ["RNNCell inputSize 2**40", () => new RNNCell({ inputSize: 2 ** 40, hiddenSize: 2 }), `RNNCell: inputSize 1099511627776 is more than the limit of ${MAX_MODULE_DIM} (2^24)`],
    ["RNN hiddenSize 20000", () => new RNN({ inputSize: 4, hiddenSize: 20000 }), `RNN: 400120000 parameters, more than the limit of ${MAX_MODULE_PARAMETERS} (2^28) per module`],
    ["RNN numLayers 1e9", () => new RNN({ inputSize: 4, hiddenSize: 4, numLayers: 1e9 }), /^RNN: \d+ parameters, more than the limit of 268435456 \(2\^28\) per module$/],
    ["LSTM hiddenSize 2**20", () => new LSTM({ inputSize: 1, hiddenSize: 2 ** 20 }), /^LSTM: [\d.e+]+ parameters, more than the limit/],
    ["GRU bidirectional", () => new GRU({ inputSize: 8192, hiddenSize: 8192, bidirectional: true }), /^GRU: \d+ parameters, more than the limit/],
    ["LSTMCell", () => new LSTMCell({ inputSize: 16384, hiddenSize: 8192 }), /^LSTMCell: \d+ parameters, more than the limit/],
    ["GRUCell", () => new GRUCell({ inputSize: 2, hiddenSize: 2 ** 24 + 1 }), `GRUCell: hiddenSize 16777217 is more than the limit of ${MAX_MODULE_DIM} (2^24)`],
  ])("%s: one ModuleError line, before allocating", (_what, build, message) => {
    const err = refusedFast(build);
    if (typeof message === "string") expect(err.message).toBe(message);
    else expect(err.message).toMatch(message);
  });

  it("a module just inside the limit is built", () => {
    // 4·(2·8192·... ) well below 2^28: LSTM 1 layer, input 1024, hidden 2048 = 25.2 M parameters.
    expect(new LSTM({ inputSize: 1024, hiddenSize: 2048, seed: 1 }).stateDict().weight_hh_l0?.shape).toEqual([8192, 2048]);
  });
});

// ---- ONNX models whose claimed sizes are not backed by bytes ------------------------------------

const attr = { f: 0, i: 0, s: new Uint8Array(0), floats: [], ints: [], strings: [] as Uint8Array[] };
function floats(name: string, dims: number[], raw: Uint8Array): OnnxTensorProto {
  return { name, dims, data_type: ONNX_FLOAT, float_data: [], double_data: [], raw_data: raw, data_location: 0, external_data: [] };
}
function rnnModel(hidden: number, wDims: number[], rDims: number[]): OnnxModelProto {
  const node: OnnxNodeProto = {
    name: "rnn", op_type: "RNN", domain: "", input: ["input", "W", "R"], output: ["output", "h_n"],
    attribute: [{ ...attr, name: "hidden_size", type: 2, i: hidden }],
  };
  return {
    ir_version: 8, producer_name: "test", producer_version: "", opset_import: [{ domain: "", version: 17 }],
    graph: { name: "g", node: [node], input: [], output: [], initializer: [floats("W", wDims, new Uint8Array(16)), floats("R", rDims, new Uint8Array(16))] },
  };
}

describe("moduleFromOnnx: the claimed config is checked against the weights before allocating (cause 5)", () => {
  it.each([
    ["hidden_size 30000 with 16-byte weights", rnnModel(30000, [1, 30000, 4], [1, 30000, 30000])],
    ["dims [1e9, 1e9]", rnnModel(4, [1, 1e9, 1e9], [1, 4, 4])],
    ["hidden_size 2^31", rnnModel(2 ** 31, [1, 2 ** 31, 4], [1, 2 ** 31, 2 ** 31])],
  ])("%s: one FixtureError line, fast", async (_what, model) => {
    const dir = await tempDir();
    const file = join(dir, "m.onnx");
    const bytes = encodeOnnxModel(model);
    expect(bytes.length).toBeLessThan(1000);
    await writeFile(file, bytes);
    const heap = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
    const start = performance.now();
    const err = await moduleFromOnnx(file).catch((e: unknown) => e);
    expect(performance.now() - start).toBeLessThan(2000);
    expect(process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers - heap).toBeLessThan(256 << 20);
    expect(err).toBeInstanceOf(RnnParityError);
    expect(err).not.toBeInstanceOf(RangeError);
    expect((err as Error).message.startsWith(`${file}: `)).toBe(true);
    expect((err as Error).message).not.toMatch(/\n/);
  });
});

describe("check applies MAX_ONNX_BYTES (cause 5)", () => {
  it("a model over the limit beside a fixture is refused before onnxruntime sees it, as inspect refuses it", async () => {
    const F32 = "RNN-tanh-bias-seqfirst-uni-L1-h0-float32";
    const dir = await tempDir();
    const file = await plainCopy(F32, dir);
    const onnx = join(dir, `${F32}.onnx`);
    await writeFile(onnx, new Uint8Array(MAX_ONNX_BYTES + 1));
    const line = `${onnx}: (file): ${MAX_ONNX_BYTES + 1} bytes, more than the reader's limit of ${MAX_ONNX_BYTES}`;
    const run = await runCli(["check", file]);
    expect(run.stderr).toBe(`rnn-parity: ${line}\n`);
    expect(run.code).toBe(2);
    const inspect = await runCli(["inspect", onnx]);
    expect(inspect.stderr).toBe(`rnn-parity: ${line}\n`);
    expect(bundled(F32)).toContain(F32);
  });
});

describe("FixtureError is what moduleFromOnnx throws", () => {
  it("is an RnnParityError", () => {
    expect(new FixtureError("a", "b", "c")).toBeInstanceOf(RnnParityError);
  });
});
