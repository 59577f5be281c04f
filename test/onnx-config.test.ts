/**
 * torch constructor arguments derived from in-memory ONNX graphs (src/core/onnx/onnx-config.ts):
 * from RNN/LSTM/GRU operators and from torch-named initializers, with overrides, and every refusal
 * with its whole message. The layouts are ONNX's operator specs and torch's state_dict names.
 */
import { describe, expect, it } from "vitest";
import { onnxModuleConfig, type OnnxConfigOverrides } from "../src/core/onnx/onnx-config.js";
import type { OnnxModelProto, OnnxNodeProto, OnnxTensorProto } from "../src/core/onnx/onnx-proto.js";
import { attr, graph, model, node, recurrent, stacked, tensor, valueInfo } from "./helpers/onnx-graphs.js";
import { thrown } from "./helpers/thrown.js";

const derive = (m: OnnxModelProto, overrides?: OnnxConfigOverrides): ReturnType<typeof onnxModuleConfig> => onnxModuleConfig(m, "m.onnx", overrides);
const lbr = attr.int("linear_before_reset", 1);

/** One recurrent node fed by `chain` (nodes ending in `x`) from the graph input. */
function fedBy(chain: OnnxNodeProto[], x: string, opts: Parameters<typeof recurrent>[3] = {}): OnnxModelProto {
  const r = recurrent("RNN", "n", x, opts);
  return model(graph([...chain, r.node], r.initializers));
}
const transpose = (from: string, to: string, perm: number[] | null = [1, 0, 2]): OnnxNodeProto =>
  node("Transpose", [from], [to], perm ? [attr.ints("perm", perm)] : []);

describe("from recurrent operators", () => {
  it("a stacked bidirectional LSTM: every torch argument, in the module's own keys", () => {
    expect(derive(stacked("LSTM", 2, { bidirectional: true, hidden: 4, input: 5 }))).toEqual({
      module: "LSTM", dtype: "float32", packed: false,
      config: { input_size: 5, hidden_size: 4, num_layers: 2, bias: true, batch_first: false, dropout: 0, bidirectional: true, proj_size: 0 },
    });
  });

  it("a GRU without B and in float64", () => {
    const spec = derive(stacked("GRU", 1, { bias: false, double: true, attrs: [lbr] }));
    expect(spec).toEqual({
      module: "GRU", dtype: "float64", packed: false,
      config: { input_size: 3, hidden_size: 2, num_layers: 1, bias: false, batch_first: false, dropout: 0, bidirectional: false },
    });
  });

  it("an RNN's nonlinearity is its activation, in any case; tanh by default", () => {
    const rnn = (acts: string[] | null): unknown => derive(stacked("RNN", 1, { attrs: acts ? [attr.strings("activations", acts)] : [] })).config;
    expect(rnn(["RELU"])).toMatchObject({ nonlinearity: "relu" });
    expect(rnn(["Tanh"])).toMatchObject({ nonlinearity: "tanh" });
    expect(rnn(null)).toEqual({ input_size: 3, hidden_size: 2, num_layers: 1, nonlinearity: "tanh", bias: true, batch_first: false, dropout: 0, bidirectional: false });
  });

  it("an empty B slot is no bias; a sequence_lens input on any layer makes the module packed", () => {
    const r = recurrent("RNN", "n", "input", { bias: false, extraInputs: ["lens"] });
    expect(r.node.input).toEqual(["input", "n_W", "n_R", "", "lens"]);
    expect(derive(model(graph([r.node], r.initializers)))).toMatchObject({ packed: true, config: { bias: false } });
    const a = recurrent("GRU", "a", "input", { attrs: [lbr] });
    const b = recurrent("GRU", "b", "a_y", { attrs: [lbr], extraInputs: ["lens"] });
    expect(derive(model(graph([a.node, b.node], [...a.initializers, ...b.initializers]))).packed).toBe(true);
  });

  it("batch_first: layout 1, or the graph input reaching layer 0 through an odd number of perm=[1, 0, 2] Transposes", () => {
    const bf = (m: OnnxModelProto): unknown => (derive(m).config as { batch_first: boolean }).batch_first;
    expect(bf(stacked("RNN", 1, { attrs: [attr.int("layout", 1)] }))).toBe(true);
    expect(bf(fedBy([], "input"))).toBe(false);
    expect(bf(fedBy([transpose("input", "t")], "t"))).toBe(true);
    expect(bf(fedBy([node("Cast", ["input"], ["c"]), transpose("c", "t"), node("Gather", ["t", "order"], ["g"]), node("Identity", ["g"], ["x"])], "x"))).toBe(true);
    expect(bf(fedBy([transpose("input", "t"), transpose("t", "u")], "u"))).toBe(false);
    expect(bf(fedBy([transpose("input", "t", [0, 1, 2])], "t"))).toBe(false);
    expect(bf(fedBy([transpose("input", "t", [1, 0])], "t"))).toBe(false);
    expect(bf(fedBy([transpose("input", "t", null)], "t"))).toBe(false);
    expect(bf(fedBy([transpose("input", "t"), node("Relu", ["t"], ["x"])], "x"))).toBe(false);
    expect(bf(fedBy([transpose("other", "t")], "t"))).toBe(false);
    expect(bf(fedBy([node("Identity", [""], ["x"])], "x"))).toBe(false);
    expect(bf(fedBy([], "unproduced"))).toBe(false);
    // Only the attribute named perm is the permutation.
    expect(bf(fedBy([node("Transpose", ["input"], ["t"], [attr.ints("axes", [0, 1, 2]), attr.ints("perm", [1, 0, 2])])], "t"))).toBe(true);
    // An empty output name is no value: an X of "" is not produced by anything.
    expect(bf(fedBy([transpose("input", "")], ""))).toBe(false);
    // A loop with a Transpose in it: hops run out with an odd number of swaps, far from the input.
    expect(bf(fedBy([transpose("y", "x"), node("Identity", ["x"], ["y"]), node("Relu", ["a"], ["b"]), node("Relu", ["c"], ["d"])], "x"))).toBe(false);
    // A loop of pass-through ops ends after as many hops as there are nodes.
    expect(bf(fedBy([node("Identity", ["y"], ["x"]), node("Identity", ["x"], ["y"])], "x"))).toBe(false);
  });

  it("refuses a perm that is not an int64 a double holds", () => {
    const huge = { toNumber: () => 2 ** 53, toString: () => "9007199254740993" };
    const t = node("Transpose", ["input"], ["t"], [attr.ints("perm", [1, huge])]);
    expect(thrown(() => derive(fedBy([t], "t")))).toBe("m.onnx: Transpose.perm[1]: integer 9007199254740993 is out of range");
  });

  it("refuses a W computed in the graph, or of the wrong dims or type", () => {
    const r = recurrent("RNN", "n", "input");
    expect(thrown(() => derive(model(graph([r.node], r.initializers.slice(1)))))).toBe(
      "m.onnx: graph.node[0] (RNN n).input[1]: W is not a constant, so the input size is unknown",
    );
    const noW = { ...r.node, input: ["input"] };
    expect(thrown(() => derive(model(graph([noW], r.initializers))))).toBe(
      "m.onnx: graph.node[0] (RNN n).input[1]: W is not a constant, so the input size is unknown",
    );
    const withW = (w: OnnxTensorProto): string => thrown(() => derive(model(graph([r.node], [w, ...r.initializers.slice(1)]))));
    expect(withW(tensor("n_W", [2, 3]))).toBe("m.onnx: graph.initializer[0] (n_W): dims [2, 3], but a RNN with hidden_size 2 has W [D, 2, input_size]");
    expect(withW(tensor("n_W", [1, 2]))).toBe("m.onnx: graph.initializer[0] (n_W): dims [1, 2], but a RNN with hidden_size 2 has W [D, 2, input_size]");
    expect(withW(tensor("n_W", [1, 3, 3]))).toBe("m.onnx: graph.initializer[0] (n_W): dims [1, 3, 3], but a RNN with hidden_size 2 has W [D, 2, input_size]");
    expect(withW({ ...tensor("n_W", [1, 2, 3]), data_type: 7 })).toBe("m.onnx: graph.initializer[0] (n_W).data_type: expected float32 or float64, got int64");
  });

  it("an LSTM's W has 4 gate blocks and a GRU's 3", () => {
    const lstm = recurrent("LSTM", "n", "input", { hidden: 3 });
    const w = lstm.initializers[0] as OnnxTensorProto;
    expect(thrown(() => derive(model(graph([lstm.node], [{ ...w, dims: [1, 9, 3] }, ...lstm.initializers.slice(1)]))))).toBe(
      "m.onnx: graph.initializer[0] (n_W): dims [1, 9, 3], but a LSTM with hidden_size 3 has W [D, 12, input_size]",
    );
  });

  it("a cell module cannot take sequence_lens", () => {
    const r = recurrent("LSTM", "n", "input", { extraInputs: ["lens"] });
    expect(thrown(() => derive(model(graph([r.node], r.initializers)), { module: "LSTMCell" }))).toBe("m.onnx: graph: LSTMCell cannot take sequence_lens");
  });
});

/** A graph of torch-named initializers, as the decomposed exports write them. */
function named(weights: Record<string, number[]>, ops: string[] = [], inputs: string[] = ["input"]): OnnxModelProto {
  const inits = Object.entries(weights).map(([name, dims]) => tensor(name, dims));
  return model(graph(ops.map((op, i) => node(op, [`v${i}`], [`w${i}`])), inits, { input: inputs.map((n) => valueInfo(n)) }));
}

describe("from torch-named initializers", () => {
  it("a two-layer bidirectional LSTM with a projection", () => {
    const m = named({
      weight_ih_l0: [16, 3], weight_hh_l0: [16, 2], weight_hr_l0: [2, 4], bias_ih_l0: [16], bias_hh_l0: [16],
      weight_ih_l0_reverse: [16, 3], weight_ih_l1: [16, 4],
    }, [], ["input", "lengths"]);
    expect(derive(m)).toEqual({
      module: "LSTM", dtype: "float32", packed: true,
      config: { input_size: 3, hidden_size: 4, num_layers: 2, bias: true, batch_first: false, dropout: 0, bidirectional: true, proj_size: 2 },
    });
  });

  it("cells: names without a layer suffix; a GRU cell without bias; an RNN cell's nonlinearity from its Relu", () => {
    expect(derive(named({ weight_ih: [6, 5], weight_hh: [6, 2] }))).toEqual({
      module: "GRUCell", dtype: "float32", packed: false, config: { input_size: 5, hidden_size: 2, bias: false },
    });
    expect(derive(named({ weight_ih: [2, 5], weight_hh: [2, 2], bias_ih: [2] }, ["Relu"]))).toEqual({
      module: "RNNCell", dtype: "float32", packed: false, config: { input_size: 5, hidden_size: 2, bias: true, nonlinearity: "relu" },
    });
    // A cell ignores a stray weight_hr_l0: projections are LSTM's, never LSTMCell's.
    expect(derive(named({ weight_ih: [8, 1], weight_hh: [8, 2], weight_hr_l0: [1, 2] })).module).toBe("LSTMCell");
  });

  it("an RNN's nonlinearity: Tanh or Relu, and a graph with both or neither is refused", () => {
    expect((derive(named({ weight_ih_l0: [2, 3], weight_hh_l0: [2, 2] }, ["MatMul", "Tanh"])).config as { nonlinearity: string }).nonlinearity).toBe("tanh");
    const want = "m.onnx: graph.node: cannot tell the nonlinearity: the graph needs exactly one of a Tanh or a Relu operator";
    expect(thrown(() => derive(named({ weight_ih_l0: [2, 3], weight_hh_l0: [2, 2] }, ["Tanh", "Relu"])))).toBe(want);
    expect(thrown(() => derive(named({ weight_ih_l0: [2, 3], weight_hh_l0: [2, 2] }, ["MatMul"])))).toBe(want);
    // Other modules' graphs are not asked.
    expect(derive(named({ weight_ih_l0: [6, 3], weight_hh_l0: [6, 2] }, ["Tanh", "Relu"])).module).toBe("GRU");
  });

  it.each<[string, Record<string, number[]>, string]>([
    ["weight_ih without weight_hh", { weight_ih: [4, 3] }, "m.onnx: graph.initializer: weight_ih but no weight_hh: cannot tell the hidden size"],
    ["weight_ih_l0 without weight_hh_l0", { weight_ih_l0: [4, 3], weight_hh: [4, 4] }, "m.onnx: graph.initializer: weight_ih_l0 but no weight_hh_l0: cannot tell the hidden size"],
    ["rows of 2 gate blocks", { weight_ih_l0: [4, 3], weight_hh_l0: [4, 2] }, "m.onnx: graph.initializer[0] (weight_ih_l0): 4 rows: not 1, 3 or 4 gate blocks of hidden_size 2 (RNN, GRU, LSTM)"],
    ["rows that are no multiple", { weight_ih_l0: [5, 3], weight_hh_l0: [5, 2] }, "m.onnx: graph.initializer[0] (weight_ih_l0): 5 rows: not 1, 3 or 4 gate blocks of hidden_size 2 (RNN, GRU, LSTM)"],
    ["a hidden size of 0", { weight_ih_l0: [0, 3], weight_hh_l0: [0, 0] }, "m.onnx: graph.initializer[0] (weight_ih_l0): 0 rows: not 1, 3 or 4 gate blocks of hidden_size 0 (RNN, GRU, LSTM)"],
    ["a weight_hh of rank 1", { weight_ih_l0: [2, 3], weight_hh_l0: [2] }, "m.onnx: graph.initializer[0] (weight_ih_l0): 2 rows: not 1, 3 or 4 gate blocks of hidden_size 0 (RNN, GRU, LSTM)"],
    ["a projection on a GRU", { weight_ih_l0: [6, 3], weight_hh_l0: [6, 1], weight_hr_l0: [1, 2] }, "m.onnx: graph.initializer[2] (weight_hr_l0): a projection weight, but weight_ih_l0 has the rows of a GRU"],
    ["a negative dimension", { weight_ih_l0: [-4, 3], weight_hh_l0: [4, 1] }, "m.onnx: graph.initializer[0] (weight_ih_l0).dims[0]: negative dimension -4"],
  ])("refuses %s", (_label, weights, want) => {
    expect(thrown(() => derive(named(weights)))).toBe(want);
  });

  it("refuses a graph with neither", () => {
    expect(thrown(() => derive(named({ weight: [2, 2] })))).toBe(
      "m.onnx: graph: no RNN, LSTM or GRU operator and no initializer named weight_ih or weight_ih_l0: cannot tell which module this is",
    );
  });

  it("a weight_ih_l0 from a Constant node counts like an initializer", () => {
    const m = named({ weight_hh_l0: [2, 2] }, ["Tanh"]);
    m.graph?.node.push(node("Constant", [], ["weight_ih_l0"], [attr.tensor("value", tensor("", [2, 7]))]));
    expect(derive(m).config).toMatchObject({ input_size: 7, hidden_size: 2 });
  });
});

describe("overrides", () => {
  const lstm = named({ weight_ih_l0: [8, 3], weight_hh_l0: [8, 2] });
  it("win over derived values, and are cut to the module's own keys", () => {
    expect(derive(lstm, { batch_first: true, dropout: 0.5, nonlinearity: "relu", dtype: "float64" })).toEqual({
      module: "LSTM", dtype: "float64", packed: false,
      config: { input_size: 3, hidden_size: 2, num_layers: 1, bias: false, batch_first: true, dropout: 0.5, bidirectional: false, proj_size: 0 },
    });
    expect(derive(lstm, { module: "LSTMCell", proj_size: 1 })).toEqual({
      module: "LSTMCell", dtype: "float32", packed: false, config: { input_size: 3, hidden_size: 2, bias: false },
    });
    expect(derive(lstm, { module: "RNN" }).config).toEqual({
      input_size: 3, hidden_size: 2, num_layers: 1, nonlinearity: "tanh", bias: false, batch_first: false, dropout: 0, bidirectional: false,
    });
  });

  it("undefined overrides leave derived values", () => {
    expect(derive(lstm, { module: undefined, dtype: undefined }).module).toBe("LSTM");
    expect(derive(lstm, {}).dtype).toBe("float32");
  });
});
