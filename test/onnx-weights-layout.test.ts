/**
 * onnxStateDict (src/core/onnx/onnx-weights.ts) on in-memory graphs: ONNX's gate order mapped into
 * torch's block by block, D slots into directions, torch-named initializers taken as they are, and
 * every refusal with its whole message. The layouts are ONNX's operator specs (W [D, G*H, I],
 * R [D, G*H, H], B [D, 2*G*H]; LSTM gates i, o, f, c; GRU z, r, h) and torch's state_dict names.
 */
import { describe, expect, it } from "vitest";
import type { TorchConfig, TorchLSTMConfig, TorchRNNConfig } from "../src/core/format/types.js";
import type { ModuleName } from "../src/core/format/types.js";
import type { OnnxModelProto, OnnxTensorProto } from "../src/core/onnx/onnx-proto.js";
import { expectedParameters, onnxStateDict } from "../src/core/onnx/onnx-weights.js";
import { permuteGateBlocks } from "../src/core/onnx/onnx-gates.js";
import { Tensor } from "../src/core/tensor/tensor.js";
import { attr, graph, model, node, recurrent, stacked, tensor, type RecurrentOp } from "./helpers/onnx-graphs.js";
import { thrown } from "./helpers/thrown.js";

const seq = (over: Partial<TorchRNNConfig & TorchLSTMConfig> = {}): TorchConfig =>
  ({ input_size: 3, hidden_size: 2, num_layers: 1, nonlinearity: "tanh", bias: true, batch_first: false, dropout: 0, bidirectional: false, proj_size: 0, ...over }) as TorchConfig;
const lbr = attr.int("linear_before_reset", 1);
const attrsOf = (op: RecurrentOp): ReturnType<typeof attr.int>[] => (op === "GRU" ? [lbr] : []);
const values = (sd: Record<string, Tensor>, key: string): number[] => Array.from((sd[key] as Tensor).data);

/** A single-node graph whose W, R and B hold the given values (hidden 1, input 1). */
function oneNode(op: RecurrentOp, w: number[], r: number[], b: number[], direction?: "bidirectional"): OnnxModelProto {
  const built = recurrent(op, "n", "input", { hidden: 1, input: 1, direction, attrs: attrsOf(op) });
  const d = direction ? 2 : 1;
  const g = w.length / d;
  const inits = [tensor("n_W", [d, g, 1], { values: w }), tensor("n_R", [d, g, 1], { values: r }), tensor("n_B", [d, 2 * g], { values: b })];
  return model(graph([built.node], inits));
}

describe("gate blocks and directions", () => {
  it("permuteGateBlocks moves whole rows block by block into a copy, and leaves an empty tensor empty", () => {
    const t = new Tensor(new Float32Array([1, 2, 3, 4, 5, 6, 7, 8]), [4, 2]);
    const p = permuteGateBlocks(t, [1, 0]);
    expect([Array.from(p.data), p.shape]).toEqual([[5, 6, 7, 8, 1, 2, 3, 4], [4, 2]]);
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const empty = permuteGateBlocks(new Tensor(new Float64Array(0), [0, 3]), [0, 2, 3, 1]);
    expect([empty.shape, empty.dtype, empty.data.length]).toEqual([[0, 3], "float64", 0]);
  });

  it("an LSTM's ONNX blocks i, o, f, c become torch's i, f, g, o", () => {
    const sd = onnxStateDict(oneNode("LSTM", [1, 2, 3, 4], [11, 12, 13, 14], [21, 22, 23, 24, 31, 32, 33, 34]), "m.onnx", "LSTM", seq({ hidden_size: 1, input_size: 1 }));
    expect(Object.keys(sd)).toEqual(["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"]);
    expect([values(sd, "weight_ih_l0"), values(sd, "weight_hh_l0"), values(sd, "bias_ih_l0"), values(sd, "bias_hh_l0")]).toEqual([
      [1, 3, 4, 2], [11, 13, 14, 12], [21, 23, 24, 22], [31, 33, 34, 32],
    ]);
    expect((sd.weight_ih_l0 as Tensor).shape).toEqual([4, 1]);
    expect((sd.bias_hh_l0 as Tensor).shape).toEqual([4]);
  });

  it("a GRU's ONNX blocks z, r, h become torch's r, z, n, and slot 1 of D is the reverse direction", () => {
    const sd = onnxStateDict(
      oneNode("GRU", [1, 2, 3, 4, 5, 6], [11, 12, 13, 14, 15, 16], [21, 22, 23, 24, 25, 26, 31, 32, 33, 34, 35, 36], "bidirectional"),
      "m.onnx", "GRU", seq({ hidden_size: 1, input_size: 1, bidirectional: true }),
    );
    expect(values(sd, "weight_ih_l0")).toEqual([2, 1, 3]);
    expect(values(sd, "weight_ih_l0_reverse")).toEqual([5, 4, 6]);
    expect(values(sd, "weight_hh_l0_reverse")).toEqual([15, 14, 16]);
    expect(values(sd, "bias_ih_l0")).toEqual([22, 21, 23]);
    expect(values(sd, "bias_hh_l0")).toEqual([25, 24, 26]);
    expect(values(sd, "bias_ih_l0_reverse")).toEqual([32, 31, 33]);
    expect(values(sd, "bias_hh_l0_reverse")).toEqual([35, 34, 36]);
  });

  it.each<[ModuleName, RecurrentOp]>([["RNNCell", "RNN"], ["LSTMCell", "LSTM"], ["GRUCell", "GRU"]])("%s from one %s node: torch's cell names", (module, op) => {
    const g = op === "RNN" ? 1 : op === "LSTM" ? 4 : 3;
    const m = oneNode(op, Array.from({ length: g }, (_, i) => i), Array.from({ length: g }, (_, i) => 10 + i), Array.from({ length: 2 * g }, (_, i) => 20 + i));
    const sd = onnxStateDict(m, "m.onnx", module, { input_size: 1, hidden_size: 1, bias: true, ...(op === "RNN" ? { nonlinearity: "tanh" } : {}) } as TorchConfig);
    expect(Object.keys(sd)).toEqual(["weight_ih", "weight_hh", "bias_ih", "bias_hh"]);
  });

  it("a bias-free config takes a B of zeros, and no B at all", () => {
    const zeros = oneNode("RNN", [1], [2], [0, 0]);
    expect(Object.keys(onnxStateDict(zeros, "m.onnx", "RNN", seq({ hidden_size: 1, input_size: 1, bias: false })))).toEqual(["weight_ih_l0", "weight_hh_l0"]);
    const none = stacked("RNN", 1, { bias: false });
    expect(Object.keys(onnxStateDict(none, "m.onnx", "RNN", seq({ bias: false })))).toEqual(["weight_ih_l0", "weight_hh_l0"]);
  });

  it("a layer's input size is the layer below's output: hidden_size, twice when bidirectional", () => {
    const sd = onnxStateDict(stacked("LSTM", 2, { bidirectional: true }), "m.onnx", "LSTM", seq({ num_layers: 2, bidirectional: true }));
    expect((sd.weight_ih_l1 as Tensor).shape).toEqual([8, 4]);
    expect((sd.weight_ih_l1_reverse as Tensor).shape).toEqual([8, 4]);
    expect((sd.weight_ih_l0 as Tensor).shape).toEqual([8, 3]);
  });
});

describe("torch-named initializers", () => {
  const named = (dims: Record<string, number[]>): OnnxModelProto => model(graph([], Object.entries(dims).map(([n, d]) => tensor(n, d))));
  it("are taken as they are, in state_dict order, even when the graph lists them otherwise", () => {
    const sd = onnxStateDict(named({ bias_hh: [2], weight_hh: [2, 2], bias_ih: [2], weight_ih: [2, 3] }), "m.onnx", "RNNCell", { input_size: 3, hidden_size: 2, bias: true, nonlinearity: "tanh" } as TorchConfig);
    expect(Object.keys(sd)).toEqual(["weight_ih", "weight_hh", "bias_ih", "bias_hh"]);
    expect(values(sd, "weight_ih")).toEqual([0.001, 0.002, 0.003, 0.004, 0.005, 0.006].map(Math.fround));
  });

  it("refuses one of the wrong shape, naming torch's key", () => {
    expect(thrown(() => onnxStateDict(named({ weight_ih_l0: [2, 3], weight_hh_l0: [2, 3] }), "m.onnx", "RNN", seq({ bias: false })))).toBe(
      "m.onnx: graph.initializer[1] (weight_hh_l0): shape [2, 3], expected [2, 2] for torch's weight_hh_l0",
    );
  });

  it("refuses a graph missing some of them and without recurrent nodes, naming the missing ones", () => {
    expect(thrown(() => onnxStateDict(named({ weight_ih_l0: [2, 3], weight_hh_l0: [2, 2] }), "m.onnx", "RNN", seq()))).toBe(
      "m.onnx: graph.initializer: cannot map the weights to torch: no RNN, LSTM or GRU node, and no initializer named bias_ih_l0, bias_hh_l0 (the exporter renamed or transformed them)",
    );
  });

  it("expectedParameters hands out copies of the shapes", () => {
    const a = expectedParameters("GRU", seq());
    (a.get("weight_ih_l0") as number[]).push(9);
    expect(expectedParameters("GRU", seq()).get("weight_ih_l0")).toEqual([6, 3]);
  });
});

describe("onnxStateDict refuses a graph that does not fit the config", () => {
  const rnn = (over: Parameters<typeof recurrent>[3] = {}): OnnxModelProto => {
    const r = recurrent("RNN", "n", "input", over);
    return model(graph([r.node], r.initializers));
  };
  const withInit = (m: OnnxModelProto, name: string, t: OnnxTensorProto): OnnxModelProto => {
    const g = m.graph;
    if (!g) throw new Error("no graph");
    return { ...m, graph: { ...g, initializer: g.initializer.map((i) => (i.name === name ? t : i)) } };
  };
  it.each<[string, () => string]>([
    ["another module's operator", () => thrown(() => onnxStateDict(stacked("LSTM", 1), "m.onnx", "GRU", seq()))],
    ["another number of layers", () => thrown(() => onnxStateDict(stacked("RNN", 2), "m.onnx", "RNN", seq()))],
    ["a forward-only graph for a bidirectional config", () => thrown(() => onnxStateDict(rnn(), "m.onnx", "RNN", seq({ bidirectional: true })))],
    ["a bidirectional graph for a forward config", () => thrown(() => onnxStateDict(rnn({ direction: "bidirectional" }), "m.onnx", "RNN", seq()))],
    ["a cell config for a bidirectional graph", () => thrown(() => onnxStateDict(rnn({ direction: "bidirectional" }), "m.onnx", "RNNCell", { input_size: 3, hidden_size: 2, bias: true, nonlinearity: "tanh" } as TorchConfig))],
    ["another hidden size", () => thrown(() => onnxStateDict(rnn(), "m.onnx", "RNN", seq({ hidden_size: 3 })))],
    ["another nonlinearity", () => thrown(() => onnxStateDict(rnn({ attrs: [attr.strings("activations", ["Relu"])] }), "m.onnx", "RNN", seq()))],
    ["an R of the wrong shape", () => thrown(() => onnxStateDict(withInit(rnn(), "n_R", tensor("n_R", [1, 2, 3])), "m.onnx", "RNN", seq()))],
    ["a W of the wrong input size", () => thrown(() => onnxStateDict(rnn({ input: 4 }), "m.onnx", "RNN", seq()))],
    ["a B of the wrong shape", () => thrown(() => onnxStateDict(withInit(rnn(), "n_B", tensor("n_B", [1, 2])), "m.onnx", "RNN", seq()))],
    ["a node without W", () => {
      const r = recurrent("RNN", "n", "input");
      return thrown(() => onnxStateDict(model(graph([{ ...r.node, input: ["input", "", "n_R", "n_B"] }], r.initializers)), "m.onnx", "RNN", seq()));
    }],
    ["no B for a config with bias", () => thrown(() => onnxStateDict(rnn({ bias: false }), "m.onnx", "RNN", seq()))],
    ["a non-zero B for a config without bias", () => thrown(() => onnxStateDict(rnn(), "m.onnx", "RNN", seq({ bias: false })))],
    ["one non-zero element of B for a config without bias", () => thrown(() => onnxStateDict(withInit(rnn(), "n_B", tensor("n_B", [1, 4], { values: [0, 0, 1e-30, 0] })), "m.onnx", "RNN", seq({ bias: false })))],
    ["a B computed in the graph", () => {
      const r = recurrent("RNN", "n", "input");
      return thrown(() => onnxStateDict(model(graph([r.node], r.initializers.slice(0, 2))), "m.onnx", "RNN", seq()));
    }],
    ["weights of another dtype", () => thrown(() => onnxStateDict(rnn(), "m.onnx", "RNN", seq(), { dtype: "float64" }))],
    ["a projection the operator cannot hold", () => thrown(() => onnxStateDict(stacked("LSTM", 1), "m.onnx", "LSTM", seq({ proj_size: 1 })))],
  ])("%s", (label, run) => {
    const want: Record<string, string> = {
      "another module's operator": "m.onnx: graph.node[0] (LSTM l0): an ONNX LSTM node, but the module is GRU",
      "another number of layers": "m.onnx: graph.node: 2 layer(s) of RNN nodes, but the config has num_layers=1",
      "a forward-only graph for a bidirectional config": "m.onnx: graph.node: no RNN node computes the reverse direction of layer 0",
      "a bidirectional graph for a forward config": "m.onnx: graph.node[0] (RNN n).direction: \"bidirectional\", but the config is not bidirectional",
      "a cell config for a bidirectional graph": "m.onnx: graph.node[0] (RNN n).direction: \"bidirectional\", but the config is not bidirectional",
      "another hidden size": "m.onnx: graph.node[0] (RNN n).hidden_size: 2, but the config has hidden_size=3",
      "another nonlinearity": "m.onnx: graph.node[0] (RNN n).activations: \"relu\", but the config has nonlinearity=\"tanh\"",
      "an R of the wrong shape": "m.onnx: graph.node[0] (RNN n).R: shape [1, 2, 3], expected [1, 2, 2]",
      "a W of the wrong input size": "m.onnx: graph.node[0] (RNN n).W: shape [1, 2, 4], expected [1, 2, 3]",
      "a B of the wrong shape": "m.onnx: graph.node[0] (RNN n).B: shape [1, 2], expected [1, 4]",
      "a node without W": "m.onnx: graph.node[0] (RNN n): RNN node without W or R input",
      "no B for a config with bias": "m.onnx: graph.node[0] (RNN n).input[3]: no B input, but the config has bias=True",
      "a non-zero B for a config without bias": "m.onnx: graph.node[0] (RNN n).input[3]: non-zero B input, but the config has bias=False",
      "one non-zero element of B for a config without bias": "m.onnx: graph.node[0] (RNN n).input[3]: non-zero B input, but the config has bias=False",
      "a B computed in the graph": "m.onnx: graph.node[0] (RNN n).input[3]: B \"n_B\" is computed in the graph, not a constant, so its weights cannot be read",
      "weights of another dtype": "m.onnx: weight_ih_l0: dtype float32, expected float64",
      "a projection the operator cannot hold": "m.onnx: weight_hr_l0: missing from the model",
    };
    expect(run()).toBe(want[label]);
  });

  it("a dtype that matches is accepted", () => {
    expect(Object.keys(onnxStateDict(stacked("RNN", 1, { double: true }), "m.onnx", "RNN", seq(), { dtype: "float64" }))).toHaveLength(4);
  });

  it("a node's graph without a layer-0 forward node is refused before any weight is read", () => {
    const r = recurrent("RNN", "n", "input", { direction: "reverse" });
    expect(thrown(() => onnxStateDict(model(graph([r.node, node("Relu", ["x"], ["y"])], r.initializers)), "m.onnx", "RNN", seq()))).toMatch(
      /^m\.onnx: graph\.node\[0\] \(RNN n\)\.direction: "reverse" with no forward node in layer 0/,
    );
  });
});
