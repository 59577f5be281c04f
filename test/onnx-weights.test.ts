/**
 * Weights read from ONNX models. Per case: the state dict read from the .onnx equals the fixture's
 * (PyTorch's) state_dict bit for bit, and the module built from the .onnx alone matches PyTorch's
 * outputs. Then the mapping rules on small in-memory graphs (RNN operator slots and biases, layer
 * order by data flow, refusals), which state the ONNX layout, not numerical references.
 */
import { describe, expect, it } from "vitest";
import { compareAny } from "../src/core/compare/compare-any.js";
import { FixtureError, ModuleError } from "../src/core/errors.js";
import { LSTM } from "../src/core/nn/lstm.js";
import { onnxModuleConfig } from "../src/core/onnx/onnx-config.js";
import { summarizeOnnx } from "../src/core/onnx/onnx-inspect.js";
import { ONNX_DOUBLE, ONNX_FLOAT, decodeOnnxModel, encodeOnnxModel, type OnnxModelProto, type OnnxNodeProto, type OnnxTensorProto } from "../src/core/onnx/onnx-proto.js";
import { readOnnxModel } from "../src/node/readers/onnx-file.js";
import { onnxStateDict } from "../src/core/onnx/onnx-weights.js";
import { readOnnxStateDict } from "../src/node/readers/onnx-file.js";
import { isSequenceModule, type TorchRNNConfig } from "../src/core/format/types.js";
import { moduleFromOnnx } from "../src/node/readers/onnx-file.js";
import { runModule } from "../src/core/oracle/typescript.js";
import { optionsFromTorchConfig } from "../src/core/nn/from-torch.js";
import type { Tensor } from "../src/core/tensor/tensor.js";
import { caseLabel, loadOnnxCaseFixture, onnxCases, onnxPath } from "./helpers/onnx-cases.js";
import { bumpOneWeight } from "./helpers/onnx-edit.js";

function bytes(t: Tensor): Buffer {
  return Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}

describe("weights read from .onnx equal the fixture's state_dict bit for bit", () => {
  it.each(onnxCases.map((c) => [caseLabel(c), c] as const))("%s", async (_label, entry) => {
    const f = await loadOnnxCaseFixture(entry);
    const sd = await readOnnxStateDict(onnxPath(entry), entry.module, entry.config, { dtype: entry.dtype });
    expect(Object.keys(sd)).toEqual(Object.keys(f.stateDict));
    for (const [key, want] of Object.entries(f.stateDict)) {
      const got = sd[key] as Tensor;
      expect(got.shape, `${entry.name} ${key} shape`).toEqual(want.shape);
      expect(got.dtype, `${entry.name} ${key} dtype`).toBe(want.dtype);
      expect(bytes(got).equals(bytes(want)), `${entry.name} ${key} bytes [${entry.onnx.exporter}]`).toBe(true);
    }
  });
});

describe("a module built from the .onnx alone matches torch", () => {
  it.each(onnxCases.map((c) => [caseLabel(c), c] as const))("%s", async (_label, entry) => {
    const f = await loadOnnxCaseFixture(entry);
    // dropout is not in the graph (it never acts in eval()); batch_first is visible only in
    // RNN-operator graphs of batched inputs, so the fixture's value is passed for the others.
    const built = await moduleFromOnnx(onnxPath(entry), { batchFirst: (f.config as TorchRNNConfig).batch_first });
    const derived: Record<string, unknown> = { ...built.spec };
    const wanted: Record<string, unknown> = { ...optionsFromTorchConfig(f.module, f.config, f.dtype) };
    delete derived.dropout;
    delete wanted.dropout;
    expect({ module: built.module, ...derived }).toEqual({ module: f.module, ...wanted });
    expect(built.packed, "a graph with sequence_lens is exactly a packed case").toBe(f.packing !== undefined);
    expect(built.instance.constructor.name, "instance is the module named").toBe(built.module);
    const outputs = runModule(built.instance, f);
    for (const [name, want] of Object.entries(f.outputs)) {
      const got = outputs[name];
      if (got === undefined) throw new Error(`onnx-loaded typescript › ${caseLabel(entry)}: no ${name}`);
      const c = compareAny(got, want, { name });
      if (!c.passed) throw new Error(`onnx-loaded typescript vs torch › ${caseLabel(entry)} › ${name}\n${c.message}`);
    }
  });

  it("batch_first is read from every recurrent-operator graph of batched input (a Transpose into layout 0, also past a packed case's Gather)", async () => {
    const wrong: string[] = [];
    let checked = 0;
    for (const entry of onnxCases) {
      if (!entry.onnx.graph?.startsWith("onnx.") || entry.name.includes("unbatched")) continue;
      const spec = onnxModuleConfig(await readOnnxModel(onnxPath(entry)), entry.onnx.file);
      const want = (entry.config as TorchRNNConfig).batch_first;
      checked++;
      if ((spec.config as TorchRNNConfig).batch_first !== want) wrong.push(`${entry.name}: derived ${String(!want)}`);
    }
    expect(checked).toBeGreaterThan(0);
    expect(wrong).toEqual([]);
  });

  it.runIf(onnxCases.length > 0)("a changed weight in the .onnx shows up in the loaded state dict", async () => {
    const entry = onnxCases[0];
    if (!entry) return;
    const f = await loadOnnxCaseFixture(entry);
    const model = await readOnnxModel(onnxPath(entry));
    bumpOneWeight(model, entry.onnx.file);
    const sd = onnxStateDict(model, entry.onnx.file, entry.module, entry.config);
    const differing = Object.keys(f.stateDict).filter((k) => !bytes(sd[k] as Tensor).equals(bytes(f.stateDict[k] as Tensor)));
    expect(differing).toEqual([isSequenceModule(entry.module) ? "weight_ih_l0" : "weight_ih"]);
  });
});

// ---- in-memory graphs -------------------------------------------------------------------------

const H = 2;
const I = 3;

function floatTensor(name: string, dims: number[], values: number[], double = false): OnnxTensorProto {
  return {
    name, dims, data_type: double ? ONNX_DOUBLE : ONNX_FLOAT,
    float_data: double ? [] : values, double_data: double ? values : [], raw_data: new Uint8Array(0),
    data_location: 0, external_data: [],
  };
}

function rnnNode(name: string, inputs: string[], outputs: string[], direction: string, activations: string[] = []): OnnxNodeProto {
  const text = (s: string): Uint8Array => new TextEncoder().encode(s);
  const attr = { f: 0, i: 0, s: new Uint8Array(0), floats: [], ints: [], strings: [] as Uint8Array[] };
  return {
    name, op_type: "RNN", domain: "", input: inputs, output: outputs,
    attribute: [
      { ...attr, name: "hidden_size", type: 2, i: H },
      { ...attr, name: "direction", type: 3, s: text(direction) },
      ...(activations.length ? [{ ...attr, name: "activations", type: 8, strings: activations.map(text) }] : []),
    ],
  };
}

const iota = (n: number, start: number): number[] => Array.from({ length: n }, (_, i) => start + i);

/** A two-layer bidirectional graph; layer 1 is listed first, to test the data-flow ordering. */
function twoLayerBidir(double = false): OnnxModelProto {
  const l0 = rnnNode("l0", ["input", "W0", "R0", "B0"], ["y0", "h0"], "bidirectional");
  const l1 = rnnNode("l1", ["x1", "W1", "R1", "B1"], ["y1", "h1"], "bidirectional");
  const reshape: OnnxNodeProto = { name: "r", op_type: "Reshape", domain: "", input: ["y0t", "shape"], output: ["x1"], attribute: [] };
  const transpose: OnnxNodeProto = { name: "t", op_type: "Transpose", domain: "", input: ["y0"], output: ["y0t"], attribute: [] };
  return {
    ir_version: 8, producer_name: "test", producer_version: "", opset_import: [{ domain: "", version: 17 }],
    graph: {
      name: "g", node: [l1, reshape, transpose, l0], input: [], output: [],
      initializer: [
        floatTensor("W0", [2, H, I], iota(2 * H * I, 0), double), floatTensor("R0", [2, H, H], iota(2 * H * H, 100), double),
        floatTensor("B0", [2, 2 * H], iota(4 * H, 200), double), floatTensor("W1", [2, H, 2 * H], iota(4 * H * H, 300), double),
        floatTensor("R1", [2, H, H], iota(2 * H * H, 400), double), floatTensor("B1", [2, 2 * H], iota(4 * H, 500), double),
      ],
    },
  };
}

const bidirConfig: TorchRNNConfig = {
  input_size: I, hidden_size: H, num_layers: 2, nonlinearity: "tanh", bias: true, batch_first: false, dropout: 0, bidirectional: true,
};

describe("RNN operator layout", () => {
  it("maps D slots to directions, splits B into bias_ih and bias_hh, orders layers by data flow", () => {
    for (const double of [false, true]) {
      const sd = onnxStateDict(decodeOnnxModel(encodeOnnxModel(twoLayerBidir(double)), "mem.onnx"), "mem.onnx", "RNN", bidirConfig);
      const values = (k: string): number[] => Array.from((sd[k] as Tensor).data);
      expect(values("weight_ih_l0")).toEqual(iota(H * I, 0));
      expect(values("weight_ih_l0_reverse")).toEqual(iota(H * I, H * I));
      expect(values("weight_hh_l0_reverse")).toEqual(iota(H * H, 100 + H * H));
      expect(values("bias_ih_l0")).toEqual(iota(H, 200));
      expect(values("bias_hh_l0")).toEqual(iota(H, 200 + H));
      expect(values("bias_ih_l0_reverse")).toEqual(iota(H, 200 + 2 * H));
      expect(values("bias_hh_l0_reverse")).toEqual(iota(H, 200 + 3 * H));
      expect(values("weight_ih_l1")).toEqual(iota(2 * H * H, 300));
      expect((sd.weight_ih_l1 as Tensor).shape).toEqual([H, 2 * H]);
      expect((sd.weight_ih_l0 as Tensor).dtype).toBe(double ? "float64" : "float32");
    }
  });

  it("derives the config from the graph", () => {
    const spec = onnxModuleConfig(twoLayerBidir(), "mem.onnx");
    expect(spec).toEqual({ module: "RNN", dtype: "float32", config: bidirConfig, packed: false });
    expect(summarizeOnnx(twoLayerBidir(), "mem.onnx").rnnNodes.map((n) => [n.name, n.layer])).toEqual([["l0", 0], ["l1", 1]]);
  });

  it("accepts a bidirectional layer split into a forward and a reverse node", () => {
    const g = twoLayerBidir().graph;
    if (!g) throw new Error("no graph");
    const W = g.initializer[0] as OnnxTensorProto;
    const fwd = rnnNode("f", ["input", "Wf", "Rf", "Bf"], ["yf", "hf"], "forward");
    const rev = rnnNode("b", ["input", "Wb", "Rb", "Bb"], ["yb", "hb"], "reverse");
    const half = (t: OnnxTensorProto, name: string, slot: number): OnnxTensorProto => {
      const per = t.float_data.length / 2;
      return floatTensor(name, [1, ...t.dims.slice(1).map(Number)], t.float_data.slice(slot * per, (slot + 1) * per));
    };
    const [, R, B] = g.initializer as OnnxTensorProto[];
    const model: OnnxModelProto = {
      ...twoLayerBidir(),
      graph: { ...g, node: [rev, fwd], initializer: [half(W, "Wf", 0), half(W, "Wb", 1), half(R as OnnxTensorProto, "Rf", 0), half(R as OnnxTensorProto, "Rb", 1), half(B as OnnxTensorProto, "Bf", 0), half(B as OnnxTensorProto, "Bb", 1)] },
    };
    const sd = onnxStateDict(model, "mem.onnx", "RNN", { ...bidirConfig, num_layers: 1 });
    expect(Array.from((sd.weight_ih_l0_reverse as Tensor).data)).toEqual(iota(H * I, H * I));
    expect(Array.from((sd.bias_hh_l0_reverse as Tensor).data)).toEqual(iota(H, 200 + 3 * H));
  });

  it("refuses graphs that do not fit the config, naming the file and node", () => {
    const model = twoLayerBidir();
    expect(() => onnxStateDict(model, "mem.onnx", "RNN", { ...bidirConfig, num_layers: 3 })).toThrow(/^mem\.onnx: graph\.node: 2 layer/);
    expect(() => onnxStateDict(model, "mem.onnx", "RNN", { ...bidirConfig, bidirectional: false })).toThrow(FixtureError);
    expect(() => onnxStateDict(model, "mem.onnx", "RNN", { ...bidirConfig, nonlinearity: "relu" })).toThrow(/activations/);
    expect(() => onnxStateDict(model, "mem.onnx", "RNN", { ...bidirConfig, hidden_size: 3 })).toThrow(/hidden_size/);
    expect(() => onnxStateDict(model, "mem.onnx", "RNN", bidirConfig, { dtype: "float64" })).toThrow(/dtype float32, expected float64/);
  });

  it("refuses weights computed in the graph", () => {
    const model = twoLayerBidir();
    const g = model.graph;
    if (!g) throw new Error("no graph");
    g.initializer = g.initializer.filter((t) => t.name !== "W1");
    expect(() => onnxStateDict(model, "mem.onnx", "RNN", bidirConfig)).toThrow(/W "W1" is computed in the graph/);
  });

  it("refuses a graph with neither RNN nodes nor torch-named weights", () => {
    const model = twoLayerBidir();
    const g = model.graph;
    if (!g) throw new Error("no graph");
    g.node = [];
    expect(() => onnxStateDict(model, "mem.onnx", "RNN", bidirConfig)).toThrow(/no initializer named weight_ih_l0/);
  });

  it("refuses raw_data of the wrong length and non-float initializers", () => {
    const model = twoLayerBidir();
    const W0 = model.graph?.initializer[0] as OnnxTensorProto;
    W0.float_data = [];
    W0.raw_data = new Uint8Array(5);
    expect(() => onnxStateDict(model, "mem.onnx", "RNN", bidirConfig)).toThrow(/raw_data: 5 bytes, expected 48/);
    W0.data_type = 7;
    expect(() => onnxStateDict(model, "mem.onnx", "RNN", bidirConfig)).toThrow(/data_type: expected float32 or float64, got int64/);
  });
});

describe("moduleFromOnnx says which module it built, under the constructors' names", () => {
  const lstm = onnxCases.find((c) => c.module === "LSTM" && c.onnx.graph?.startsWith("onnx.")) as (typeof onnxCases)[number];

  it("narrows on module: instance and spec are that module's, and spec constructs it again", async () => {
    const built = await moduleFromOnnx(onnxPath(lstm));
    if (built.module !== "LSTM") throw new Error(`${lstm.name}: built a ${built.module}`);
    // Typed as LSTM and LSTMOptions here, by the union alone (a type error otherwise).
    const instance: LSTM = built.instance;
    const again = new LSTM(built.spec);
    expect(instance).toBeInstanceOf(LSTM);
    expect(Object.keys(built.spec).sort()).toEqual(["batchFirst", "bias", "bidirectional", "dropout", "dtype", "hiddenSize", "inputSize", "numLayers", "projSize"]);
    const shapes = (m: LSTM): [string, readonly number[]][] => Object.entries(m.stateDict()).map(([k, t]) => [k, t.shape]);
    expect(shapes(again)).toEqual(shapes(instance));
  });

  it("takes overrides under the constructors' names and refuses torch's, saying which name it expects", async () => {
    const built = await moduleFromOnnx(onnxPath(lstm), { batchFirst: true });
    expect(built.module === "LSTM" && built.spec.batchFirst).toBe(true);
    const err = await moduleFromOnnx(onnxPath(lstm), { batch_first: true } as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModuleError);
    expect((err as Error).message).toBe("moduleFromOnnx got an unknown option 'batch_first'; did you mean 'batchFirst'?");
  });
});
