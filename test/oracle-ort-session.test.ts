/**
 * src/core/oracle/onnxruntime-session.ts against a recording stand-in for the binding: what is fed
 * (types, buffers, shapes), what is fetched and returned, that the session is always released, and
 * each refusal's one line. The real onnxruntime-node runs the same code in parity-onnx and
 * onnx-backend; this file needs no model and no binding, so it runs in the fast mutation suite.
 */
import { describe, expect, it } from "vitest";
import type { OrtModule, OrtSessionLike, OrtSessionOptions, OrtTensorLike } from "../src/core/oracle/onnxruntime-session.js";
import { checkOnnxOutputs, describeOrtError, onnxFeeds, runOrtForFixture, runOrtModel } from "../src/core/oracle/onnxruntime-session.js";
import { Int64Tensor } from "../src/core/tensor/int64-tensor.js";
import { Tensor } from "../src/core/tensor/tensor.js";
import { readFixture } from "../src/node/readers/fixture-file.js";
import { bundled } from "./helpers/cli-run.js";

class FakeTensor implements OrtTensorLike {
  constructor(
    readonly type: string,
    readonly data: unknown,
    readonly dims: readonly number[],
  ) {}
}

interface Graph {
  inputNames: string[];
  outputNames: string[];
  inputMetadata?: OrtSessionLike["inputMetadata"];
  /** What run() resolves to (default: a float32 [2] tensor per fetch), or an error it rejects with. */
  run?: (feeds: Record<string, OrtTensorLike>, fetches: readonly string[]) => Record<string, unknown>;
  createError?: unknown;
  runError?: unknown;
}

interface Recorded {
  bytes?: Uint8Array;
  options?: OrtSessionOptions;
  feeds?: Record<string, OrtTensorLike>;
  fetches?: readonly string[];
  released: number;
}

function fakeOrt(graph: Graph): { ort: OrtModule; seen: Recorded } {
  const seen: Recorded = { released: 0 };
  const session: OrtSessionLike = {
    inputNames: graph.inputNames,
    outputNames: graph.outputNames,
    inputMetadata: graph.inputMetadata ?? graph.inputNames.map((name) => ({ name, isTensor: true, type: "float32" })),
    run: (feeds, fetches) => {
      seen.feeds = feeds;
      seen.fetches = fetches;
      if (graph.runError !== undefined) return Promise.reject(graph.runError);
      const out = graph.run ? graph.run(feeds, fetches) : Object.fromEntries(fetches.map((n) => [n, new FakeTensor("float32", new Float32Array([1, 2]), [2])]));
      return Promise.resolve(out);
    },
    release: () => {
      seen.released++;
      return Promise.resolve();
    },
  };
  const ort: OrtModule = {
    Tensor: FakeTensor,
    InferenceSession: {
      create: (bytes, options) => {
        seen.bytes = bytes;
        seen.options = options;
        return graph.createError === undefined ? Promise.resolve(session) : Promise.reject(graph.createError);
      },
    },
  };
  return { ort, seen };
}

const OPTIONS: OrtSessionOptions = { executionProviders: ["cpu"], intraOpNumThreads: 1 };
const MODEL = new Uint8Array([8, 7, 6, 5]);
const x = (): Tensor => new Tensor(new Float64Array([1, 2, 3]), [1, 3]);

describe("describeOrtError", () => {
  it("keeps the first line of onnxruntime's message without the load prefix and the C++ location", () => {
    expect(describeOrtError(new Error("Load model from /tmp/m.onnx failed: Protobuf parsing failed.\nmore"))).toBe("Protobuf parsing failed.");
    expect(
      describeOrtError(new Error("/onnxruntime_src/onnxruntime/core/framework/execution_frame.cc:174 onnxruntime::common::Status onnxruntime::IExecutionFrame::GetOrCreateNodeOutputMLValue(int) shape mismatch")),
    ).toBe("shape mismatch");
    expect(describeOrtError("  plain string  ")).toBe("plain string");
    expect(describeOrtError(new Error("a Load model from x failed: stays"))).toBe("a Load model from x failed: stays");
    expect(describeOrtError(new Error("see /onnxruntime_src/a.cc:1 f() here"))).toBe("see /onnxruntime_src/a.cc:1 f() here");
    expect(describeOrtError(new Error(""))).toBe("");
  });
});

describe("runOrtModel with a stand-in binding", () => {
  it("feeds each input in its dtype and shape, fetches the graph's outputs and returns copies; the session is released", async () => {
    const { ort, seen } = fakeOrt({ inputNames: ["input", "hx"], outputNames: ["output", "h_n"] });
    const input = x();
    const hx = new Tensor(new Float64Array([4, 5]), [1, 1, 2]);
    const out = await runOrtModel(ort, OPTIONS, MODEL, { hx, input }, { file: "m.onnx" });
    expect(seen.options).toBe(OPTIONS);
    expect(seen.bytes).toBe(MODEL); // a buffer of its own is not copied
    expect(seen.fetches).toEqual(["output", "h_n"]);
    expect(Object.keys(seen.feeds ?? {})).toEqual(["hx", "input"]);
    const fed = seen.feeds?.input as FakeTensor;
    expect([fed.type, fed.dims, fed.data]).toEqual(["float64", [1, 3], new Float64Array([1, 2, 3])]);
    expect(fed.data).toBe(input.data);
    expect((seen.feeds?.hx as FakeTensor).dims).toEqual([1, 1, 2]);
    expect(Object.keys(out)).toEqual(["output", "h_n"]);
    expect(out.output).toBeInstanceOf(Tensor);
    expect([out.output?.dtype, out.output?.shape, [...(out.output?.data ?? [])]]).toEqual(["float32", [2], [1, 2]]);
    expect(seen.released).toBe(1);
  });

  it("fetches only the outputs asked for", async () => {
    const { ort, seen } = fakeOrt({ inputNames: ["input"], outputNames: ["output", "h_n", "c_n"] });
    const out = await runOrtModel(ort, OPTIONS, MODEL, { input: x() }, { file: "m.onnx", outputNames: ["h_n"] });
    expect(seen.fetches).toEqual(["h_n"]);
    expect(Object.keys(out)).toEqual(["h_n"]);
  });

  it("copies views into buffers of their own, model bytes and feeds alike", async () => {
    const { ort, seen } = fakeOrt({ inputNames: ["input"], outputNames: ["output"] });
    const big = new Float64Array([9, 1, 2, 3, 9]);
    const view = new Tensor(big.subarray(1, 4), [1, 3]);
    const head = new Tensor(big.subarray(0, 3), [1, 3]); // offset 0, but not the whole buffer
    const bytes = new Uint8Array([0, 8, 7, 6, 5, 0]);
    await runOrtModel(ort, OPTIONS, bytes.subarray(1, 5), { input: view }, { file: "m.onnx" });
    const fed = (seen.feeds?.input as FakeTensor).data as Float64Array;
    expect([fed.byteOffset, fed.buffer.byteLength, [...fed]]).toEqual([0, 24, [1, 2, 3]]);
    expect([seen.bytes?.byteOffset, seen.bytes?.buffer.byteLength, [...(seen.bytes ?? [])]]).toEqual([0, 4, [8, 7, 6, 5]]);
    await runOrtModel(ort, OPTIONS, bytes.subarray(0, 4), { input: head }, { file: "m.onnx" });
    expect(((seen.feeds?.input as FakeTensor).data as Float64Array).buffer.byteLength).toBe(24);
    expect([seen.bytes?.buffer.byteLength, [...(seen.bytes ?? [])]]).toEqual([4, [0, 8, 7, 6]]);
  });

  it("returns tensors that own their memory once the session is gone", async () => {
    const returned = { f32: new Float32Array([1, 2]), f64: new Float64Array([3, 4]) };
    const { ort } = fakeOrt({
      inputNames: ["input"],
      outputNames: ["a", "b"],
      run: () => ({ a: new FakeTensor("float32", returned.f32, [2]), b: new FakeTensor("float64", returned.f64, [1, 2]) }),
    });
    const out = await runOrtModel(ort, OPTIONS, MODEL, { input: x() }, { file: "m.onnx" });
    returned.f32[0] = -1;
    returned.f64[0] = -1;
    expect([[...(out.a?.data ?? [])], out.a?.dtype, [...(out.b?.data ?? [])], out.b?.dtype, out.b?.shape]).toEqual([[1, 2], "float32", [3, 4], "float64", [1, 2]]);
  });

  it("feeds integers in the type the graph declares: int32 by default, int64 when asked", async () => {
    const lengths = new Int64Tensor([3, 1], [2]);
    const declared = (type: string | undefined, isTensor = true) => fakeOrt({ inputNames: ["input", "lengths"], outputNames: ["output"], inputMetadata: [{ name: "lengths", isTensor, ...(type ? { type } : {}) }] });
    for (const [meta, type, data] of [
      [declared("int64"), "int64", new BigInt64Array([3n, 1n])],
      [declared("int32"), "int32", new Int32Array([3, 1])],
      [declared("int64", false), "int32", new Int32Array([3, 1])],
      [fakeOrt({ inputNames: ["input", "lengths"], outputNames: ["output"], inputMetadata: [] }), "int32", new Int32Array([3, 1])],
    ] as const) {
      await runOrtModel(meta.ort, OPTIONS, MODEL, { input: x(), lengths }, { file: "m.onnx" });
      const fed = meta.seen.feeds?.lengths as FakeTensor;
      expect([fed.type, fed.data, fed.dims]).toEqual([type, data, [2]]);
    }
    const { ort, seen } = declared("float");
    await expect(runOrtModel(ort, OPTIONS, MODEL, { input: x(), lengths }, { file: "m.onnx" })).rejects.toMatchObject({ name: "FixtureError", message: 'm.onnx: graph.input: "lengths" is float, but the case feeds it integers (int32 or int64)' });
    expect(seen.released).toBe(1);
  });

  describe("refuses, in one line naming the model, and releases the session", () => {
    const cases: { name: string; graph: Graph; outputNames?: string[]; feeds?: Record<string, Tensor>; message: string; released: number }[] = [
      { name: "a model onnxruntime cannot load", graph: { inputNames: [], outputNames: [], createError: new Error("Load model from m.onnx failed: bad proto\nstack") }, message: "m.onnx: onnxruntime cannot load the model (bad proto)", released: 0 },
      { name: "inputs the graph does not take", graph: { inputNames: ["input", "hx"], outputNames: ["output"] }, message: "m.onnx: graph.input: the graph takes [hx, input], but the inputs are [input]", released: 1 },
      { name: "inputs the graph does not take, listed sorted", graph: { inputNames: ["input", "hx"], outputNames: ["output"] }, feeds: { cx: x(), input: x() }, message: "m.onnx: graph.input: the graph takes [hx, input], but the inputs are [cx, input]", released: 1 },
      { name: "an output the graph lacks", graph: { inputNames: ["input"], outputNames: ["output", "h_n"] }, outputNames: ["c_n"], message: 'm.onnx: graph.output: no output named "c_n" (the graph has output, h_n)', released: 1 },
      { name: "a run that fails", graph: { inputNames: ["input"], outputNames: ["output"], runError: "boom\nat x" }, message: "m.onnx: onnxruntime failed to run the model (boom)", released: 1 },
      { name: "a result that is not a tensor", graph: { inputNames: ["input"], outputNames: ["output"], run: () => ({ output: { type: "float32", data: new Float32Array(1), dims: [1] } }) }, message: "m.onnx: outputs.output: not a tensor", released: 1 },
      { name: "a missing result", graph: { inputNames: ["input"], outputNames: ["output"], run: () => ({}) }, message: "m.onnx: outputs.output: not a tensor", released: 1 },
      {
        name: "an integer result",
        graph: { inputNames: ["input"], outputNames: ["output"], run: () => ({ output: new FakeTensor("int64", new BigInt64Array(1), [1]) }) },
        message: "m.onnx: outputs.output: onnxruntime returned int64, expected float32 or float64",
        released: 1,
      },
      {
        name: "a result whose data is not of its type",
        graph: { inputNames: ["input"], outputNames: ["output"], run: () => ({ output: new FakeTensor("float64", new Float32Array(1), [1]) }) },
        message: "m.onnx: outputs.output: onnxruntime returned float64, expected float32 or float64",
        released: 1,
      },
      {
        name: "float32 data of another type",
        graph: { inputNames: ["input"], outputNames: ["output"], run: () => ({ output: new FakeTensor("float32", new Float64Array(1), [1]) }) },
        message: "m.onnx: outputs.output: onnxruntime returned float32, expected float32 or float64",
        released: 1,
      },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        const { ort, seen } = fakeOrt(c.graph);
        await expect(runOrtModel(ort, OPTIONS, MODEL, c.feeds ?? { input: x() }, { file: "m.onnx", ...(c.outputNames ? { outputNames: c.outputNames } : {}) })).rejects.toMatchObject({ name: "FixtureError", message: c.message });
        expect(seen.released).toBe(c.released);
      });
    }

    it("an input that is not a valid Tensor, before any session", async () => {
      const { ort, seen } = fakeOrt({ inputNames: ["input"], outputNames: ["output"] });
      const broken = x();
      (broken as unknown as { data: unknown }).data = [1, 2, 3];
      await expect(runOrtModel(ort, OPTIONS, MODEL, { input: broken }, { file: "m.onnx" })).rejects.toThrow(/^runOnnxModel: input input is not a valid Tensor: .+/);
      expect(seen.bytes).toBeUndefined();
      // Integer tensors are not Tensors and are let through.
      await runOrtModel(ort, OPTIONS, MODEL, { input: x(), lengths: Int64Tensor.of([1]) }, { file: "m.onnx" }).catch(() => undefined);
      expect(seen.bytes).toBe(MODEL);
    });
  });
});

describe("a fixture's feeds and outputs", () => {
  it("feeds input, and hx, cx and lengths only when the case has them", async () => {
    const lstm = await readFixture(bundled("LSTM-batch1-batchfirst-uni-L1-h0-float64"));
    expect(Object.keys(onnxFeeds(lstm))).toEqual(["input", "hx", "cx"]);
    expect(onnxFeeds(lstm).cx).toBe(lstm.inputs.cx);
    const noh0 = await readFixture(bundled("LSTM-batch1-bidir-L2-noh0-float64"));
    expect(Object.keys(onnxFeeds(noh0))).toEqual(["input"]);
    const packed = await readFixture(bundled("GRU-packed-sorted-batchfirst-bidir-L1-h0-float32"));
    expect(Object.keys(onnxFeeds(packed))).toEqual(["input", "hx", "lengths"]);
    expect(onnxFeeds(packed).lengths).toBe(packed.inputs.lengths);
  });

  it("runs a fixture's graph for its ONNX outputs and checks their dtype and shape", async () => {
    const f = await readFixture(bundled("LSTMCell-bias-batched-hx-float32"));
    const like = (name: string) => {
      const t = f.outputs[name] as Tensor;
      return new FakeTensor(t.dtype, t.data.slice(), [...t.shape]);
    };
    // The graph has an output more than the fixture's: only the fixture's are fetched.
    const graph = (run: Graph["run"]) => fakeOrt({ inputNames: ["input", "hx", "cx"], outputNames: ["h1", "extra", "c1"], ...(run ? { run } : {}) });
    const good = graph(() => ({ h1: like("h1"), c1: like("c1") }));
    const out = await runOrtForFixture(good.ort, OPTIONS, f, MODEL, "m.onnx");
    expect(good.seen.fetches).toEqual(["h1", "c1"]);
    expect([...(out.c1?.data ?? [])]).toEqual([...(f.outputs.c1?.data ?? [])]);
    const h1 = f.outputs.h1 as Tensor;
    const wrongDtype = graph(() => ({ h1: new FakeTensor("float64", Float64Array.from(h1.data), [...h1.shape]), c1: like("c1") }));
    await expect(runOrtForFixture(wrongDtype.ort, OPTIONS, f, MODEL, "m.onnx")).rejects.toMatchObject({ name: "FixtureError", message: "m.onnx: outputs.h1: dtype float64, but the fixture's h1 is float32" });
    const wrongShape = graph(() => ({ h1: like("h1"), c1: new FakeTensor("float32", (f.outputs.c1 as Tensor).data.slice(), [(f.outputs.c1 as Tensor).data.length]) }));
    await expect(runOrtForFixture(wrongShape.ort, OPTIONS, f, MODEL, "m.onnx")).rejects.toMatchObject({ name: "FixtureError", message: `m.onnx: outputs.c1: shape [${(f.outputs.c1 as Tensor).data.length}], but the fixture's c1 is [${h1.shape.join(", ")}]` });
  });

  it("checks only the outputs the fixture holds", () => {
    const t = new Tensor(new Float32Array(2), [2]);
    const f = { module: "LSTM", outputs: { output: t } } as unknown as Parameters<typeof checkOnnxOutputs>[0];
    expect(() => checkOnnxOutputs(f, { output: t, h_n: new Tensor(new Float64Array(1), [1]) }, "m.onnx")).not.toThrow();
  });
});
