/**
 * summarizeOnnx and formatOnnxSummary (src/core/onnx/onnx-inspect.ts) on an in-memory model that
 * uses every attribute inspect shows, torch-expressible or not: the whole summary and the whole
 * text, so a dropped or misplaced fact fails.
 */
import { describe, expect, it } from "vitest";
import { formatOnnxSummary, summarizeOnnx } from "../src/core/onnx/onnx-inspect.js";
import { ONNX_DOUBLE, type OnnxModelProto } from "../src/core/onnx/onnx-proto.js";
import { attr, graph, model, node, recurrent, tensor, valueInfo } from "./helpers/onnx-graphs.js";
import { thrown } from "./helpers/thrown.js";

function everything(): OnnxModelProto {
  const gru = recurrent("GRU", "enc", "input", { hidden: 4, direction: "bidirectional", attrs: [attr.int("linear_before_reset", 1), attr.float("clip", 1.5)], extraInputs: ["lens"] });
  const lstm = recurrent("LSTM", "", "enc_y", { hidden: 4, input: 8, attrs: [attr.int("input_forget", 1), attr.int("layout", 1)], extraInputs: ["", "", "", "peep"] });
  const rnn = recurrent("RNN", "tail", "lstm_out", { hidden: 1, input: 4, bias: false, attrs: [attr.strings("activations", ["Relu"])] });
  const nodes = [
    node("Transpose", ["input"], ["input_t"]),
    gru.node,
    { ...lstm.node, output: ["lstm_y", "lstm_h", "lstm_c"] },
    node("Squeeze", ["lstm_y"], ["lstm_out"], [], { domain: "ai.onnx" }),
    node("Squeeze", ["x"], ["y"]),
    node("FusedGemm", ["a"], ["b"], [], { domain: "com.microsoft" }),
    rnn.node,
  ];
  const inits = [...gru.initializers, ...lstm.initializers, ...rnn.initializers.map((t) => ({ ...t, data_type: ONNX_DOUBLE })), { ...tensor("steps", [3]), data_type: 7 }];
  const g = graph(nodes, inits, {
    input: [valueInfo("input", 1, ["seq", 2, 3]), valueInfo("lens", 6, [2]), valueInfo("steps", 7, [3]), { name: "untyped" }],
    output: [valueInfo("tail_y", 11, ["seq", 1, 2, 1]), valueInfo("tail_h")],
  });
  return {
    ...model(g),
    ir_version: 9, producer_name: "pytorch", producer_version: "2.13.0",
    opset_import: [{ domain: "", version: 18 }, { domain: "com.microsoft", version: 1 }],
  };
}

describe("summarizeOnnx", () => {
  it("reports inputs (not initializers), outputs, operators by domain, initializers and every recurrent attribute", () => {
    const s = summarizeOnnx(everything(), "m.onnx");
    // Strict: a key present with the value undefined (clip on a node without one) fails too.
    expect(s).toStrictEqual({
      file: "m.onnx",
      irVersion: 9,
      producer: "pytorch 2.13.0",
      opsets: [{ domain: "ai.onnx", version: 18 }, { domain: "com.microsoft", version: 1 }],
      inputs: [
        { name: "input", dtype: "float32", shape: ["seq", 2, 3] },
        { name: "lens", dtype: "int32", shape: [2] },
        { name: "untyped", dtype: "unknown", shape: null },
      ],
      outputs: [
        { name: "tail_y", dtype: "float64", shape: ["seq", 1, 2, 1] },
        { name: "tail_h", dtype: "float32", shape: null },
      ],
      operators: { Transpose: 1, GRU: 1, LSTM: 1, Squeeze: 2, "com.microsoft.FusedGemm": 1, RNN: 1 },
      initializers: [
        { name: "enc_W", dtype: "float32", shape: [2, 12, 3] },
        { name: "enc_R", dtype: "float32", shape: [2, 12, 4] },
        { name: "enc_B", dtype: "float32", shape: [2, 24] },
        { name: "_W", dtype: "float32", shape: [1, 16, 8] },
        { name: "_R", dtype: "float32", shape: [1, 16, 4] },
        { name: "_B", dtype: "float32", shape: [1, 32] },
        { name: "tail_W", dtype: "float64", shape: [1, 1, 4] },
        { name: "tail_R", dtype: "float64", shape: [1, 1, 1] },
        { name: "steps", dtype: "int64", shape: [3] },
      ],
      rnnNodes: [
        {
          name: "enc", opType: "GRU", layer: 0, direction: "bidirectional", hiddenSize: 4, activations: ["Sigmoid", "Tanh", "Sigmoid", "Tanh"], layout: 0,
          linearBeforeReset: 1, clip: 1.5, sequenceLens: true, peepholes: false, inputs: ["input", "enc_W", "enc_R", "enc_B", "lens"],
        },
        {
          name: "", opType: "LSTM", layer: 1, direction: "forward", hiddenSize: 4, activations: ["Sigmoid", "Tanh", "Tanh"], layout: 1,
          inputForget: 1, sequenceLens: false, peepholes: true, inputs: ["enc_y", "_W", "_R", "_B", "", "", "", "peep"],
        },
        { name: "tail", opType: "RNN", layer: 2, direction: "forward", hiddenSize: 1, activations: ["Relu"], layout: 0, sequenceLens: false, peepholes: false, inputs: ["lstm_out", "tail_W", "tail_R"] },
      ],
    });
  });

  it("the summary's inputs are a copy: changing one does not change the model", () => {
    const m = everything();
    const s = summarizeOnnx(m, "m.onnx");
    s.rnnNodes[0]?.inputs.push("extra");
    expect(m.graph?.node[1]?.input).toHaveLength(5);
  });

  it("an empty producer is left out, and a producer without a version is its name", () => {
    const m = everything();
    expect(summarizeOnnx({ ...m, producer_name: "", producer_version: "" }, "m.onnx").producer).toBe("");
    expect(summarizeOnnx({ ...m, producer_version: "" }, "m.onnx").producer).toBe("pytorch");
  });

  it("refuses int64 fields a double cannot hold, naming them", () => {
    const big = { toNumber: () => 2 ** 53, toString: () => "9007199254740993" };
    const refusal = (m: OnnxModelProto): string => thrown(() => summarizeOnnx(m, "m.onnx"));
    expect(refusal({ ...everything(), ir_version: big })).toBe("m.onnx: ir_version: integer 9007199254740993 is out of range");
    expect(refusal({ ...everything(), opset_import: [{ domain: "", version: 1 }, { domain: "x", version: big }] })).toBe(
      "m.onnx: opset_import[1].version: integer 9007199254740993 is out of range",
    );
    const i = everything();
    const dim = i.graph?.input[1]?.type?.tensor_type?.shape?.dim[0];
    if (dim) dim.dim_value = big;
    expect(refusal(i)).toBe("m.onnx: graph.input[1].dim[0]: integer 9007199254740993 is out of range");
    const m = everything();
    m.graph?.output.push(valueInfo("z", 1, [1]));
    const out = m.graph?.output[2]?.type?.tensor_type?.shape?.dim[0];
    if (out) out.dim_value = big;
    expect(refusal(m)).toBe("m.onnx: graph.output[2].dim[0]: integer 9007199254740993 is out of range");
    const n = everything();
    const first = n.graph?.initializer[1];
    if (first) first.dims = [1, -2];
    expect(refusal(n)).toBe("m.onnx: graph.initializer[1].dims[1]: negative dimension -2");
  });
});

describe("formatOnnxSummary", () => {
  it("one fact per line, every attribute a recurrent node sets", () => {
    expect(formatOnnxSummary(summarizeOnnx(everything(), "m.onnx")).split("\n")).toEqual([
      "m.onnx",
      "  ir_version 9, producer pytorch 2.13.0, opsets ai.onnx 18, com.microsoft 1",
      "  input  input: float32 [seq, 2, 3]",
      "  input  lens: int32 [2]",
      "  input  untyped: unknown [?]",
      "  output tail_y: float64 [seq, 1, 2, 1]",
      "  output tail_h: float32 [?]",
      "  operators: Transpose x1, GRU x1, LSTM x1, Squeeze x2, com.microsoft.FusedGemm x1, RNN x1",
      "  initializer enc_W: float32 [2, 12, 3]",
      "  initializer enc_R: float32 [2, 12, 4]",
      "  initializer enc_B: float32 [2, 24]",
      "  initializer _W: float32 [1, 16, 8]",
      "  initializer _R: float32 [1, 16, 4]",
      "  initializer _B: float32 [1, 32]",
      "  initializer tail_W: float64 [1, 1, 4]",
      "  initializer tail_R: float64 [1, 1, 1]",
      "  initializer steps: int64 [3]",
      "  GRU enc: layer 0, bidirectional, hidden_size 4, activations Sigmoid/Tanh/Sigmoid/Tanh, layout 0, linear_before_reset 1, clip 1.5, sequence_lens lens",
      "  LSTM (unnamed): layer 1, forward, hidden_size 4, activations Sigmoid/Tanh/Tanh, layout 1, input_forget 1, peepholes peep",
      "  RNN tail: layer 2, forward, hidden_size 1, activations Relu, layout 0",
    ]);
  });

  it("an unknown producer and a graph without operators", () => {
    const m = model(graph([], [], { input: [], output: [] }));
    expect(formatOnnxSummary(summarizeOnnx({ ...m, producer_name: "" }, "e.onnx"))).toBe("e.onnx\n  ir_version 8, producer unknown, opsets ai.onnx 17\n  operators: ");
  });
});
