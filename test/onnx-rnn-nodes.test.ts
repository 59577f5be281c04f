/**
 * Reading ONNX's recurrent operators (src/core/onnx/onnx-rnn-nodes.ts) on in-memory graphs: what
 * each attribute means when present and when absent (the RNN, LSTM and GRU operator specs), layers
 * found by data flow whatever the node order, and every refusal with its whole message.
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_ACTIVATIONS, recurrentOp, rnnLayers, rnnNodes, type RnnNodeInfo } from "../src/core/onnx/onnx-rnn-nodes.js";
import { attr, graph, node, recurrent, stacked, type RecurrentOp } from "./helpers/onnx-graphs.js";
import { thrown } from "./helpers/thrown.js";

const only = (n: ReturnType<typeof node>): RnnNodeInfo => {
  const [info, ...rest] = rnnNodes(graph([n]), "m.onnx");
  if (!info || rest.length) throw new Error("expected one recurrent node");
  return info;
};

describe("recurrentOp", () => {
  it("is RNN, LSTM or GRU of ONNX's default domain, and null for anything else", () => {
    const ops = ["RNN", "LSTM", "GRU", "Rnn", "Scan", ""].map((op) => recurrentOp(node(op, [], [])));
    expect(ops).toEqual(["RNN", "LSTM", "GRU", null, null, null]);
    expect(recurrentOp(node("LSTM", [], [], [], { domain: "ai.onnx" }))).toBe("LSTM");
    expect(recurrentOp(node("LSTM", [], [], [], { domain: "com.microsoft" }))).toBeNull();
  });
});

describe("a recurrent node's attributes", () => {
  it.each<[RecurrentOp, number]>([["RNN", 1], ["LSTM", 3], ["GRU", 2]])("%s: ONNX's defaults when absent", (op, perDirection) => {
    const info = only(recurrent(op, "n", "input", { hidden: 1 }).node);
    expect(info).toMatchObject({
      opType: op, index: 0, field: `graph.node[0] (${op} n)`, layer: 0, direction: "forward", hiddenSize: 1, layout: 0,
      activations: DEFAULT_ACTIVATIONS[op], activationAlphaOrBeta: false, inputForget: 0, linearBeforeReset: 0,
      sequenceLens: false, peepholes: false,
    });
    expect(info.activations).toHaveLength(perDirection);
    expect("clip" in info).toBe(false);
    const bidir = only(recurrent(op, "n", "input", { direction: "bidirectional" }).node);
    expect(bidir.activations).toEqual([...DEFAULT_ACTIVATIONS[op], ...DEFAULT_ACTIVATIONS[op]]);
  });

  it("reads every attribute a node sets", () => {
    const n = recurrent("LSTM", "n", "input", {
      direction: "reverse",
      attrs: [
        attr.strings("activations", ["Sigmoid", "Relu", "Tanh"]), attr.int("layout", 1), attr.float("clip", 2.5),
        attr.int("input_forget", 1),
      ],
      extraInputs: ["lens", "", "", "P"],
    }).node;
    expect(only(n)).toMatchObject({
      direction: "reverse", activations: ["Sigmoid", "Relu", "Tanh"], layout: 1, clip: 2.5, inputForget: 1,
      sequenceLens: true, peepholes: true, activationAlphaOrBeta: false,
    });
    const gru = recurrent("GRU", "g", "input", { attrs: [attr.int("linear_before_reset", 1), attr.floats("activation_beta", [1])] }).node;
    expect(only(gru)).toMatchObject({ linearBeforeReset: 1, activationAlphaOrBeta: true });
    const rnn = recurrent("RNN", "r", "input", { attrs: [attr.floats("activation_alpha", [1])] }).node;
    expect(only(rnn).activationAlphaOrBeta).toBe(true);
  });

  it("an empty sequence_lens or P slot is no input, and P is a peephole only on an LSTM", () => {
    expect(only(recurrent("LSTM", "n", "input", { extraInputs: [""] }).node).sequenceLens).toBe(false);
    expect(only(recurrent("LSTM", "n", "input", { extraInputs: ["", "", "", ""] }).node).peepholes).toBe(false);
    expect(only(recurrent("GRU", "n", "input", { extraInputs: ["", "", "", "P"] }).node).peepholes).toBe(false);
  });

  it("a node is named by its name, else its first output, else unnamed", () => {
    const named = recurrent("GRU", "n", "input").node;
    const byOutput = { ...named, name: "" };
    const unnamed = { ...named, name: "", output: [] };
    expect([only(named).field, only(byOutput).field, only(unnamed).field]).toEqual([
      "graph.node[0] (GRU n)", "graph.node[0] (GRU n_y)", "graph.node[0] (GRU unnamed)",
    ]);
  });

  const base = recurrent("RNN", "n", "input").node;
  const withAttrs = (attrs: ReturnType<typeof attr.int>[]): typeof base => ({ ...base, attribute: attrs });
  it.each([
    ["an unknown direction, cut to 40 characters", withAttrs([attr.int("hidden_size", 2), attr.string("direction", `backward${"x".repeat(40)}`)]),
      `m.onnx: graph.node[0] (RNN n).direction: unknown direction "backward${"x".repeat(32)}"`],
    ["no hidden_size", withAttrs([]), "m.onnx: graph.node[0] (RNN n).hidden_size: missing: cannot tell the hidden size"],
    ["hidden_size 0", withAttrs([attr.int("hidden_size", 0)]), "m.onnx: graph.node[0] (RNN n).hidden_size: 0: expected at least 1"],
    ["an out-of-range hidden_size", withAttrs([attr.int("hidden_size", 2 ** 53)]), `m.onnx: graph.node[0] (RNN n).hidden_size: integer ${2 ** 53} is out of range`],
    ["an out-of-range layout", withAttrs([attr.int("hidden_size", 2), attr.int("layout", 2 ** 53)]), `m.onnx: graph.node[0] (RNN n).layout: integer ${2 ** 53} is out of range`],
    ["too few activations", withAttrs([attr.int("hidden_size", 2), attr.string("direction", "bidirectional"), attr.strings("activations", ["Tanh"])]),
      "m.onnx: graph.node[0] (RNN n).activations: 1 activations for 2 direction(s); RNN takes 1 per direction"],
    ["too many activations", withAttrs([attr.int("hidden_size", 2), attr.strings("activations", ["Tanh", "Tanh"])]),
      "m.onnx: graph.node[0] (RNN n).activations: 2 activations for 1 direction(s); RNN takes 1 per direction"],
  ])("refuses %s", (_label, n, want) => {
    expect(thrown(() => rnnNodes(graph([n]), "m.onnx"))).toBe(want);
  });
});

describe("layers by data flow", () => {
  it("numbers stacked layers through the ops between them, whatever the node order", () => {
    const g = stacked("GRU", 3).graph;
    if (!g) throw new Error("no graph");
    const reversed = { ...g, node: [...g.node].reverse() };
    const infos = rnnNodes(reversed, "m.onnx");
    expect(infos.map((i) => [i.node.name, i.layer, i.index])).toEqual([["l0", 0, 8], ["l1", 1, 5], ["l2", 2, 2]]);
  });

  it("two nodes reading one X are one layer, sorted by their place in the file; a node without X is layer 0", () => {
    const fwd = recurrent("RNN", "f", "x", { direction: "forward" }).node;
    const rev = recurrent("RNN", "r", "x", { direction: "reverse" }).node;
    const cat = node("Concat", ["f_y", "r_y"], ["cat"]);
    const next = recurrent("RNN", "n", "cat").node;
    const orphan = { ...recurrent("RNN", "o", "").node, input: ["", "o_W", "o_R"] };
    const infos = rnnNodes(graph([next, rev, cat, fwd, orphan]), "m.onnx");
    expect(infos.map((i) => [i.node.name, i.layer])).toEqual([["r", 0], ["f", 0], ["o", 0], ["n", 1]]);
    const layers = rnnLayers(infos.filter((i) => i.node.name !== "o"), "m.onnx");
    expect(layers.map((l) => [l.layer, l.forward?.info.node.name, l.forward?.slot, l.reverse?.info.node.name, l.reverse?.slot])).toEqual([
      [0, "f", 0, "r", 0],
      [1, "n", 0, undefined, undefined],
    ]);
  });

  it("a diamond between layers counts its layer once; a bidirectional node fills both directions", () => {
    const l0 = recurrent("LSTM", "a", "input", { direction: "bidirectional" }).node;
    const left = node("Relu", ["a_y"], ["left"]);
    const right = node("Neg", ["a_y"], ["right"]);
    const join = node("Add", ["left", "right"], ["joined"]);
    const l1 = recurrent("LSTM", "b", "joined").node;
    const infos = rnnNodes(graph([l1, join, right, left, l0]), "m.onnx");
    expect(infos.map((i) => [i.node.name, i.layer])).toEqual([["a", 0], ["b", 1]]);
    const [first] = rnnLayers(infos, "m.onnx");
    expect([first?.forward?.slot, first?.reverse?.slot, first?.forward?.info === first?.reverse?.info]).toEqual([0, 1, true]);
  });

  it("refuses a cycle through recurrent nodes", () => {
    const a = recurrent("RNN", "a", "b_y").node;
    const b = recurrent("RNN", "b", "a_y").node;
    expect(thrown(() => rnnNodes(graph([a, b]), "m.onnx"))).toBe("m.onnx: graph.node[0]: the graph has a cycle through its recurrent nodes");
  });

  it("a cycle among other ops ends the search instead of looping", () => {
    const p = node("Add", ["q", "input"], ["p"]);
    const q = node("Relu", ["p"], ["q"]);
    const n = recurrent("RNN", "n", "p").node;
    expect(rnnNodes(graph([p, q, n]), "m.onnx").map((i) => i.layer)).toEqual([0]);
  });

  it("refuses a direction defined twice in a layer, naming both nodes", () => {
    const a = recurrent("GRU", "a", "x", { direction: "bidirectional" }).node;
    const b = recurrent("GRU", "b", "x", { direction: "reverse" }).node;
    expect(thrown(() => rnnLayers(rnnNodes(graph([a, b]), "m.onnx"), "m.onnx"))).toBe(
      "m.onnx: graph.node[1] (GRU b): layer 0 has two reverse GRU nodes (the other is graph.node[0] (GRU a))",
    );
    const c = recurrent("GRU", "c", "x").node;
    expect(thrown(() => rnnLayers(rnnNodes(graph([c, a]), "m.onnx"), "m.onnx"))).toBe(
      "m.onnx: graph.node[1] (GRU a): layer 0 has two forward GRU nodes (the other is graph.node[0] (GRU c))",
    );
  });

  it("refuses a layer no node computes", () => {
    const [info] = rnnNodes(graph([recurrent("RNN", "a", "x").node]), "m.onnx");
    if (!info) throw new Error("no node");
    expect(thrown(() => rnnLayers([info, { ...info, layer: 2 }], "m.onnx"))).toBe("m.onnx: graph.node: no recurrent node computes layer 1");
    expect(rnnLayers([], "m.onnx")).toEqual([]);
  });
});
