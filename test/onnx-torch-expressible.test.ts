/**
 * Which ONNX recurrent graphs torch can compute (src/core/onnx/onnx-torch-expressible.ts): every
 * attribute and input torch has no counterpart for is refused with its whole message, and the
 * nearest graphs torch does compute are accepted. The semantics are the ONNX operator specs'
 * (RNN, LSTM, GRU) and torch.nn's.
 */
import { describe, expect, it } from "vitest";
import type { OnnxAttributeProto, OnnxNodeProto } from "../src/core/onnx/onnx-proto.js";
import { torchLayers } from "../src/core/onnx/onnx-torch-expressible.js";
import { attr, graph, node, recurrent, type RecurrentOp } from "./helpers/onnx-graphs.js";
import { thrown } from "./helpers/thrown.js";

const one = (op: RecurrentOp, attrs: OnnxAttributeProto[], opts: { direction?: "forward" | "reverse" | "bidirectional"; extraInputs?: string[] } = {}): OnnxNodeProto =>
  recurrent(op, "n", "input", { attrs, ...opts }).node;
const verdict = (...nodes: OnnxNodeProto[]): string => thrown(() => torchLayers(graph(nodes), "m.onnx"), { returned: "(accepted)" });

describe("torchLayers accepts what torch computes", () => {
  it.each<[string, OnnxNodeProto]>([
    ["an RNN with relu", one("RNN", [attr.strings("activations", ["Relu"])])],
    ["an RNN with TANH in capitals, in both directions", one("RNN", [attr.strings("activations", ["TANH", "tanh"])], { direction: "bidirectional" })],
    ["an LSTM with its default activations spelled out in lower case", one("LSTM", [attr.strings("activations", ["sigmoid", "tanh", "tanh", "SIGMOID", "Tanh", "TANH"])], { direction: "bidirectional" })],
    ["an LSTM with input_forget 0 and layout 1", one("LSTM", [attr.int("input_forget", 0), attr.int("layout", 1)])],
    ["a GRU with linear_before_reset 1 (input_forget is an LSTM attribute)", one("GRU", [attr.int("linear_before_reset", 1), attr.int("input_forget", 1)])],
    ["a GRU with sequence_lens", one("GRU", [attr.int("linear_before_reset", 1)], { extraInputs: ["lens"] })],
  ])("%s", (_label, n) => {
    expect(verdict(n)).toBe("(accepted)");
  });

  it("returns the op type, the nodes and the layers", () => {
    const a = recurrent("LSTM", "a", "input", { direction: "bidirectional" }).node;
    const b = recurrent("LSTM", "b", "a_y", { direction: "bidirectional" }).node;
    const found = torchLayers(graph([b, a]), "m.onnx");
    expect(found?.opType).toBe("LSTM");
    expect(found?.nodes.map((n) => n.node.name)).toEqual(["a", "b"]);
    expect(found?.layers.map((l) => [l.forward?.info.node.name, l.reverse?.info.node.name])).toEqual([["a", "a"], ["b", "b"]]);
    expect(torchLayers(graph([node("Relu", ["input"], ["y"])]), "m.onnx")).toBeNull();
  });
});

describe("torchLayers refuses, naming the node and the attribute", () => {
  const lbr = attr.int("linear_before_reset", 1);
  it.each<[string, OnnxNodeProto[], string]>([
    ["an RNN with a sigmoid", [one("RNN", [attr.strings("activations", ["Sigmoid"])])],
      "m.onnx: graph.node[0] (RNN n).activations: Sigmoid: torch.nn.RNN needs one of tanh or relu throughout"],
    ["an RNN with tanh one way and relu the other", [one("RNN", [attr.strings("activations", ["Tanh", "Relu"])], { direction: "bidirectional" })],
      "m.onnx: graph.node[0] (RNN n).activations: Tanh, Relu: torch.nn.RNN needs one of tanh or relu throughout"],
    ["an RNN with an empty activation name", [one("RNN", [attr.strings("activations", [""])])],
      "m.onnx: graph.node[0] (RNN n).activations: : torch.nn.RNN needs one of tanh or relu throughout"],
    ["an LSTM with a relu cell output", [one("LSTM", [attr.strings("activations", ["Sigmoid", "Tanh", "Relu"])])],
      "m.onnx: graph.node[0] (LSTM n).activations: Sigmoid, Tanh, Relu: torch.nn.LSTM computes sigmoid gates and tanh for the cell input and output only (ONNX's defaults Sigmoid, Tanh, Tanh per direction)"],
    ["an LSTM whose reverse direction differs", [one("LSTM", [attr.strings("activations", ["Sigmoid", "Tanh", "Tanh", "HardSigmoid", "Tanh", "Tanh"])], { direction: "bidirectional" })],
      "m.onnx: graph.node[0] (LSTM n).activations: Sigmoid, Tanh, Tanh, HardSigmoid, Tanh, Tanh: torch.nn.LSTM computes sigmoid gates and tanh for the cell input and output only (ONNX's defaults Sigmoid, Tanh, Tanh per direction)"],
    ["a GRU with a relu candidate", [one("GRU", [lbr, attr.strings("activations", ["Sigmoid", "Relu"])])],
      "m.onnx: graph.node[0] (GRU n).activations: Sigmoid, Relu: torch.nn.GRU computes sigmoid gates and a tanh candidate only (ONNX's defaults Sigmoid, Tanh per direction)"],
    ["clip", [one("LSTM", [attr.float("clip", 2.5)])],
      "m.onnx: graph.node[0] (LSTM n).clip: 2.5: ONNX clips every gate pre-activation to [-clip, clip]; torch.nn.LSTM never clips"],
    ["clip 0 (present is present)", [one("RNN", [attr.float("clip", 0)])],
      "m.onnx: graph.node[0] (RNN n).clip: 0: ONNX clips every gate pre-activation to [-clip, clip]; torch.nn.RNN never clips"],
    ["activation_alpha", [one("RNN", [attr.floats("activation_alpha", [0.1])])],
      "m.onnx: graph.node[0] (RNN n).activation_alpha: parameters of ONNX's parametric activations; torch.nn.RNN has none"],
    ["layout 2", [one("GRU", [lbr, attr.int("layout", 2)])],
      "m.onnx: graph.node[0] (GRU n).layout: 2: ONNX defines only 0 (sequence first) and 1 (batch first)"],
    ["layout -1", [one("RNN", [attr.int("layout", -1)])],
      "m.onnx: graph.node[0] (RNN n).layout: -1: ONNX defines only 0 (sequence first) and 1 (batch first)"],
    ["input_forget", [one("LSTM", [attr.int("input_forget", 1)])],
      "m.onnx: graph.node[0] (LSTM n).input_forget: 1: couples the input gate to the forget gate; torch.nn.LSTM has no such option"],
    ["peepholes", [one("LSTM", [], { extraInputs: ["", "", "", "peep"] })],
      "m.onnx: graph.node[0] (LSTM n).input[7] (P): peephole weights \"peep\": torch.nn.LSTM has no peephole connections"],
    ["a GRU without linear_before_reset", [one("GRU", [])],
      "m.onnx: graph.node[0] (GRU n).linear_before_reset: 0: not torch's GRU. ONNX then computes n = tanh(W_n x + b_Wn + R_n (r * h) + b_Rn), resetting h before the recurrent product; torch computes n = tanh(W_in x + b_in + r * (W_hn h + b_hn)), resetting the product and its bias (linear_before_reset=1)"],
    ["a GRU with linear_before_reset 2", [one("GRU", [attr.int("linear_before_reset", 2)])],
      "m.onnx: graph.node[0] (GRU n).linear_before_reset: 2: not torch's GRU. ONNX then computes n = tanh(W_n x + b_Wn + R_n (r * h) + b_Rn), resetting h before the recurrent product; torch computes n = tanh(W_in x + b_in + r * (W_hn h + b_hn)), resetting the product and its bias (linear_before_reset=1)"],
    ["two kinds of layer", [recurrent("LSTM", "a", "input").node, recurrent("GRU", "b", "a_y", { attrs: [lbr] }).node],
      "m.onnx: graph.node[1] (GRU b).op_type: a GRU node in a graph of LSTM nodes (graph.node[0] (LSTM a)): one torch module has one kind of layer"],
    ["a reverse node alone", [one("RNN", [], { direction: "reverse" })],
      "m.onnx: graph.node[0] (RNN n).direction: \"reverse\" with no forward node in layer 0: torch has no reverse-only layer (a reverse direction exists only as the _reverse half of a bidirectional module)"],
    ["a reverse-only second layer", [recurrent("RNN", "a", "input").node, recurrent("RNN", "b", "a_y", { direction: "reverse" }).node],
      "m.onnx: graph.node[1] (RNN b).direction: \"reverse\" with no forward node in layer 1: torch has no reverse-only layer (a reverse direction exists only as the _reverse half of a bidirectional module)"],
    ["a bidirectional layer over a forward one", [recurrent("RNN", "a", "input").node, recurrent("RNN", "b", "a_y", { direction: "bidirectional" }).node],
      "m.onnx: graph.node[1] (RNN b).direction: layer 1 is bidirectional, layer 0 is not: every layer of a torch module has the same directions"],
    ["a forward layer over a bidirectional one", [recurrent("RNN", "a", "input", { direction: "bidirectional" }).node, recurrent("RNN", "b", "a_y").node],
      "m.onnx: graph.node[1] (RNN b).direction: layer 1 is forward only, layer 0 is not: every layer of a torch module has the same directions"],
    ["a second layer of another hidden size", [recurrent("RNN", "a", "input").node, recurrent("RNN", "b", "a_y", { hidden: 5 }).node],
      "m.onnx: graph.node[1] (RNN b).hidden_size: 5, but layer 0 has 2: the layers of a torch module share hidden_size"],
    ["a reverse node of another hidden size", [recurrent("RNN", "f", "input").node, recurrent("RNN", "r", "input", { direction: "reverse", hidden: 3 }).node],
      "m.onnx: graph.node[1] (RNN r).hidden_size: 3, but layer 0 has 2: the layers of a torch module share hidden_size"],
    ["a second layer of another layout", [recurrent("RNN", "a", "input").node, recurrent("RNN", "b", "a_y", { attrs: [attr.int("layout", 1)] }).node],
      "m.onnx: graph.node[1] (RNN b).layout: 1, but layer 0 has 0"],
    ["a reverse node of another layout", [recurrent("RNN", "f", "input", { attrs: [attr.int("layout", 1)] }).node, recurrent("RNN", "r", "input", { direction: "reverse" }).node],
      "m.onnx: graph.node[1] (RNN r).layout: 0, but layer 0 has 1"],
  ])("%s", (_label, nodes, want) => {
    expect(verdict(...nodes)).toBe(want);
  });
});
