/**
 * ONNX's LSTM and GRU operators on small in-memory graphs: gate blocks mapped back to torch's
 * order (LSTM i, o, f, c -> i, f, g, o; GRU z, r, h -> r, z, n), B split into bias_ih/bias_hh, the
 * config derived from the graph, and every refusal of what torch cannot express, each one line
 * naming the node and attribute. The values are positions (iota), stating the layout, not references.
 */
import { describe, expect, it } from "vitest";
import { onnxModuleConfig } from "../src/core/onnx/onnx-config.js";
import { formatOnnxSummary, summarizeOnnx } from "../src/core/onnx/onnx-inspect.js";
import { ONNX_FLOAT, type OnnxAttributeProto, type OnnxModelProto, type OnnxNodeProto, type OnnxTensorProto } from "../src/core/onnx/onnx-proto.js";
import { onnxStateDict } from "../src/core/onnx/onnx-weights.js";
import type { TorchGRUConfig, TorchLSTMConfig } from "../src/core/format/types.js";
import type { Tensor } from "../src/core/tensor/tensor.js";
import { fixtureErrorOf } from "./helpers/fixture-bytes.js";

const H = 2;
const I = 3;
const F = "mem.onnx";
const iota = (n: number, start: number): number[] => Array.from({ length: n }, (_, i) => start + i);
const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const base = { f: 0, i: 0, s: new Uint8Array(0), floats: [], ints: [], strings: [] as Uint8Array[] };

function tensor(name: string, dims: number[], start: number): OnnxTensorProto {
  const n = dims.reduce((a, b) => a * b, 1);
  return { name, dims, data_type: ONNX_FLOAT, float_data: iota(n, start), double_data: [], raw_data: new Uint8Array(0), data_location: 0, external_data: [] };
}

function attr(name: string, value: number | string | string[]): OnnxAttributeProto {
  if (typeof value === "number") return Number.isInteger(value) ? { ...base, name, type: 2, i: value } : { ...base, name, type: 1, f: value };
  if (typeof value === "string") return { ...base, name, type: 3, s: text(value) };
  return { ...base, name, type: 8, strings: value.map(text) };
}

type Op = "LSTM" | "GRU";
const GATES: Record<Op, number> = { LSTM: 4, GRU: 3 };

/** One recurrent node per layer, bidirectional or not; W/R/B are iota from distinct starts. */
function graph(op: Op, opts: { layers?: number; bidir?: boolean; attrs?: OnnxAttributeProto[]; extraInputs?: string[]; nodeAttrs?: (layer: number) => OnnxAttributeProto[] } = {}): OnnxModelProto {
  const layers = opts.layers ?? 1;
  const d = opts.bidir ? 2 : 1;
  const g = GATES[op];
  const nodes: OnnxNodeProto[] = [];
  const init: OnnxTensorProto[] = [];
  for (let k = 0; k < layers; k++) {
    const x = k === 0 ? "input" : `x${k}`;
    const inputs = [x, `W${k}`, `R${k}`, `B${k}`, ...(opts.extraInputs ?? [])];
    const attributes = [
      attr("hidden_size", H),
      ...(opts.bidir ? [attr("direction", "bidirectional")] : []),
      ...(op === "GRU" ? [attr("linear_before_reset", 1)] : []),
      ...(opts.attrs ?? []),
      ...(opts.nodeAttrs?.(k) ?? []),
    ];
    nodes.push({ name: `${op.toLowerCase()}${k}`, op_type: op, domain: "", input: inputs, output: [`y${k}`, `h${k}`], attribute: attributes });
    if (k + 1 < layers) nodes.push({ name: `r${k}`, op_type: "Reshape", domain: "", input: [`y${k}`, "shape"], output: [`x${k + 1}`], attribute: [] });
    const inSize = k === 0 ? I : d * H;
    init.push(tensor(`W${k}`, [d, g * H, inSize], 1000 * k), tensor(`R${k}`, [d, g * H, H], 1000 * k + 300), tensor(`B${k}`, [d, 2 * g * H], 1000 * k + 600));
  }
  return {
    ir_version: 8, producer_name: "test", producer_version: "", opset_import: [{ domain: "", version: 17 }],
    graph: { name: "g", node: nodes, initializer: init, input: [], output: [] },
  };
}

const lstmConfig = (over: Partial<TorchLSTMConfig> = {}): TorchLSTMConfig => ({
  input_size: I, hidden_size: H, num_layers: 1, bias: true, batch_first: false, dropout: 0, bidirectional: false, proj_size: 0, ...over,
});
const gruConfig = (over: Partial<TorchGRUConfig> = {}): TorchGRUConfig => ({
  input_size: I, hidden_size: H, num_layers: 1, bias: true, batch_first: false, dropout: 0, bidirectional: false, ...over,
});
const values = (sd: Record<string, Tensor>, k: string): number[] => Array.from((sd[k] as Tensor).data);
/** Rows of ONNX block `b` of a [G*H, cols] slab starting at `start`. */
const block = (start: number, b: number, cols: number): number[] => iota(H * cols, start + b * H * cols);

describe("ONNX LSTM -> torch", () => {
  it("reorders gate blocks i, o, f, c into i, f, g, o in W, R and both halves of B", () => {
    const sd = onnxStateDict(graph("LSTM"), F, "LSTM", lstmConfig());
    expect(values(sd, "weight_ih_l0")).toEqual([0, 2, 3, 1].flatMap((b) => block(0, b, I)));
    expect(values(sd, "weight_hh_l0")).toEqual([0, 2, 3, 1].flatMap((b) => block(300, b, H)));
    expect(values(sd, "bias_ih_l0")).toEqual([0, 2, 3, 1].flatMap((b) => iota(H, 600 + b * H)));
    expect(values(sd, "bias_hh_l0")).toEqual([0, 2, 3, 1].flatMap((b) => iota(H, 600 + 4 * H + b * H)));
  });

  it("takes the reverse direction from D slot 1 and chains layers", () => {
    const sd = onnxStateDict(graph("LSTM", { layers: 2, bidir: true }), F, "LSTM", lstmConfig({ num_layers: 2, bidirectional: true }));
    expect(values(sd, "weight_ih_l0_reverse")).toEqual([0, 2, 3, 1].flatMap((b) => block(4 * H * I, b, I)));
    expect((sd.weight_ih_l1 as Tensor).shape).toEqual([4 * H, 2 * H]);
    expect(values(sd, "bias_hh_l1_reverse")).toEqual([0, 2, 3, 1].flatMap((b) => iota(H, 1600 + 8 * H + 4 * H + b * H)));
  });

  it("derives the config: module, sizes, layers, directions, no projection", () => {
    const spec = onnxModuleConfig(graph("LSTM", { layers: 2, bidir: true }), F);
    expect(spec).toEqual({ module: "LSTM", dtype: "float32", packed: false, config: lstmConfig({ num_layers: 2, bidirectional: true }) });
    const s = summarizeOnnx(graph("LSTM"), F);
    expect(formatOnnxSummary(s)).toContain("LSTM lstm0: layer 0, forward, hidden_size 2, activations Sigmoid/Tanh/Tanh, layout 0, input_forget 0");
  });
});

describe("ONNX GRU -> torch", () => {
  it("reorders gate blocks z, r, h into r, z, n", () => {
    const sd = onnxStateDict(graph("GRU"), F, "GRU", gruConfig());
    expect(values(sd, "weight_ih_l0")).toEqual([1, 0, 2].flatMap((b) => block(0, b, I)));
    expect(values(sd, "weight_hh_l0")).toEqual([1, 0, 2].flatMap((b) => block(300, b, H)));
    expect(values(sd, "bias_hh_l0")).toEqual([1, 0, 2].flatMap((b) => iota(H, 600 + 3 * H + b * H)));
    expect(onnxModuleConfig(graph("GRU", { bidir: true }), F)).toEqual({ module: "GRU", dtype: "float32", packed: false, config: gruConfig({ bidirectional: true }) });
    expect(formatOnnxSummary(summarizeOnnx(graph("GRU"), F))).toContain("GRU gru0: layer 0, forward, hidden_size 2, activations Sigmoid/Tanh, layout 0, linear_before_reset 1");
  });

  it("refuses linear_before_reset=0 (and its absence, ONNX's default) as not torch's GRU", () => {
    const zero = graph("GRU");
    const node = zero.graph?.node[0] as OnnxNodeProto;
    node.attribute = node.attribute.map((a) => (a.name === "linear_before_reset" ? attr("linear_before_reset", 0) : a));
    const msg = fixtureErrorOf(() => onnxModuleConfig(zero, F)).message;
    expect(msg).toMatch(/^mem\.onnx: graph\.node\[0\] \(GRU gru0\)\.linear_before_reset: 0: not torch's GRU\. ONNX then computes n = tanh\(W_n x \+ b_Wn \+ R_n \(r \* h\) \+ b_Rn\)/);
    expect(msg).toContain("torch computes n = tanh(W_in x + b_in + r * (W_hn h + b_hn))");
    node.attribute = node.attribute.filter((a) => a.name !== "linear_before_reset");
    expect(fixtureErrorOf(() => onnxStateDict(zero, F, "GRU", gruConfig())).message).toMatch(/\(GRU gru0\)\.linear_before_reset: 0: not torch's GRU/);
  });
});

describe("what torch cannot express is refused in one line naming node and attribute", () => {
  const cases: Array<[string, () => OnnxModelProto, RegExp]> = [
    ["peepholes (P input)", () => graph("LSTM", { extraInputs: ["", "", "", "P"] }), /^mem\.onnx: graph\.node\[0\] \(LSTM lstm0\)\.input\[7\] \(P\): peephole weights "P": torch\.nn\.LSTM has no peephole connections$/],
    ["clip", () => graph("LSTM", { attrs: [attr("clip", 2.5)] }), /^mem\.onnx: graph\.node\[0\] \(LSTM lstm0\)\.clip: 2\.5: ONNX clips every gate pre-activation to \[-clip, clip\]; torch\.nn\.LSTM never clips$/],
    ["input_forget=1", () => graph("LSTM", { attrs: [attr("input_forget", 1)] }), /^mem\.onnx: graph\.node\[0\] \(LSTM lstm0\)\.input_forget: 1: couples the input gate to the forget gate; torch\.nn\.LSTM has no such option$/],
    ["non-default LSTM activations", () => graph("LSTM", { attrs: [attr("activations", ["Sigmoid", "Relu", "Tanh"])] }), /\(LSTM lstm0\)\.activations: Sigmoid, Relu, Tanh: torch\.nn\.LSTM computes sigmoid gates and tanh/],
    ["non-default GRU activations", () => graph("GRU", { attrs: [attr("activations", ["HardSigmoid", "Tanh"])] }), /\(GRU gru0\)\.activations: HardSigmoid, Tanh: torch\.nn\.GRU computes sigmoid gates and a tanh candidate only/],
    ["activation_alpha", () => graph("GRU", { attrs: [attr("activation_alpha", [])] }), /\(GRU gru0\)\.activation_alpha: parameters of ONNX's parametric activations; torch\.nn\.GRU has none$/],
    ["a lone reverse-direction layer", () => graph("LSTM", { attrs: [attr("direction", "reverse")] }), /\(LSTM lstm0\)\.direction: "reverse" with no forward node in layer 0: torch has no reverse-only layer/],
    ["layers of different directions", () => graph("GRU", { layers: 2, nodeAttrs: (k) => (k === 1 ? [attr("direction", "bidirectional")] : []) }), /\(GRU gru1\)\.direction: layer 1 is bidirectional, layer 0 is not/],
  ];
  it.each(cases)("%s", (_what, build, pattern) => {
    const message = fixtureErrorOf(() => onnxModuleConfig(build(), F)).message;
    expect(message).toMatch(pattern);
    // Inspect still describes the model.
    expect(() => summarizeOnnx(build(), F)).not.toThrow();
  });

  it("sequence_lens is accepted: the module is then run on a PackedSequence, and the spec says so", () => {
    const spec = onnxModuleConfig(graph("LSTM", { extraInputs: ["lens"] }), F);
    expect(spec.packed).toBe(true);
    expect(spec.module).toBe("LSTM");
  });

  it("an LSTM node in a GRU graph", () => {
    const model = graph("GRU", { layers: 2 });
    const second = model.graph?.node[2] as OnnxNodeProto;
    second.op_type = "LSTM";
    second.attribute = second.attribute.filter((a) => a.name !== "linear_before_reset");
    expect(fixtureErrorOf(() => onnxModuleConfig(model, F)).message).toMatch(/\(LSTM gru1\)\.op_type: a LSTM node in a graph of GRU nodes/);
  });

  it("weights that do not fit the claimed sizes are refused before anything is decoded", () => {
    const model = graph("LSTM");
    const node = model.graph?.node[0] as OnnxNodeProto;
    node.attribute = node.attribute.map((a) => (a.name === "hidden_size" ? attr("hidden_size", 30000) : a));
    expect(fixtureErrorOf(() => onnxModuleConfig(model, F)).message).toBe(
      "mem.onnx: graph.initializer[0] (W0): dims [1, 8, 3], but a LSTM with hidden_size 30000 has W [D, 120000, input_size]",
    );
    expect(fixtureErrorOf(() => onnxStateDict(model, F, "LSTM", lstmConfig({ hidden_size: 30000 }))).message).toBe(
      "mem.onnx: graph.node[0] (LSTM lstm0).W: shape [1, 8, 3], expected [1, 120000, 3]",
    );
  });
});
