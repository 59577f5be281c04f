/**
 * A summary of an ONNX model for people (the CLI's `inspect`): graph inputs and outputs, operator
 * counts, initializers and the recurrent operators (RNN, LSTM, GRU) with their attributes, including
 * the ones torch cannot express (shown, not refused: inspect describes any model).
 */
import { formatShape } from "../tensor/tensor.js";
import {
  graphOf,
  int64ToNumber,
  onnxDataTypeName,
  tensorDims,
  valueInfoDType,
  valueInfoShape,
  type OnnxModelProto,
} from "./onnx-proto.js";
import { rnnNodes } from "./onnx-rnn-nodes.js";

export interface OnnxValueSummary {
  name: string;
  dtype: string;
  /** Fixed dimensions as numbers, symbolic ones by name; null when the graph gives no shape. */
  shape: (number | string)[] | null;
}

export interface OnnxInitializerSummary {
  name: string;
  dtype: string;
  shape: number[];
}

export interface OnnxRnnNodeSummary {
  name: string;
  opType: string;
  layer: number;
  direction: string;
  hiddenSize: number;
  activations: string[];
  layout: number;
  /** GRU only. */
  linearBeforeReset?: number;
  /** LSTM only. */
  inputForget?: number;
  clip?: number;
  /** The node has a sequence_lens input (a variable-length batch). */
  sequenceLens: boolean;
  /** LSTM: the node has a P (peephole) input. */
  peepholes: boolean;
  inputs: string[];
}

export interface OnnxSummary {
  file: string;
  irVersion: number;
  producer: string;
  opsets: { domain: string; version: number }[];
  inputs: OnnxValueSummary[];
  outputs: OnnxValueSummary[];
  /** Operator type -> number of nodes, in first-seen order. */
  operators: Record<string, number>;
  initializers: OnnxInitializerSummary[];
  rnnNodes: OnnxRnnNodeSummary[];
}

export function summarizeOnnx(model: OnnxModelProto, file: string): OnnxSummary {
  const graph = graphOf(model, file);
  const initNames = new Set(graph.initializer.map((i) => i.name));
  const values = (list: typeof graph.input, field: string): OnnxValueSummary[] =>
    // Older exporters list initializers among graph inputs; they are not inputs a caller feeds.
    list
      .filter((v) => !initNames.has(v.name))
      .map((v, i) => ({ name: v.name, dtype: valueInfoDType(v), shape: valueInfoShape(v, file, `${field}[${i}]`) }));
  const operators: Record<string, number> = {};
  for (const node of graph.node) {
    const op = node.domain && node.domain !== "ai.onnx" ? `${node.domain}.${node.op_type}` : node.op_type;
    operators[op] = (operators[op] ?? 0) + 1;
  }
  return {
    file,
    irVersion: int64ToNumber(model.ir_version, file, "ir_version"),
    producer: [model.producer_name, model.producer_version].filter(Boolean).join(" "),
    opsets: model.opset_import.map((o, i) => ({
      domain: o.domain || "ai.onnx",
      version: int64ToNumber(o.version, file, `opset_import[${i}].version`),
    })),
    inputs: values(graph.input, "graph.input"),
    outputs: values(graph.output, "graph.output"),
    operators,
    initializers: graph.initializer.map((t, i) => ({
      name: t.name,
      dtype: onnxDataTypeName(t.data_type),
      shape: tensorDims(t, file, `graph.initializer[${i}]`),
    })),
    rnnNodes: rnnNodes(graph, file).map((n) => ({
      name: n.node.name,
      opType: n.opType,
      layer: n.layer,
      direction: n.direction,
      hiddenSize: n.hiddenSize,
      activations: n.activations,
      layout: n.layout,
      ...(n.opType === "GRU" ? { linearBeforeReset: n.linearBeforeReset } : {}),
      ...(n.opType === "LSTM" ? { inputForget: n.inputForget } : {}),
      ...(n.clip === undefined ? {} : { clip: n.clip }),
      sequenceLens: n.sequenceLens,
      peepholes: n.peepholes,
      inputs: [...n.node.input],
    })),
  };
}

/** Plain-text rendering of a summary, one fact per line. */
export function formatOnnxSummary(s: OnnxSummary): string {
  const shape = (v: OnnxValueSummary): string => (v.shape ? `[${v.shape.join(", ")}]` : "[?]");
  const lines = [
    `${s.file}`,
    `  ir_version ${s.irVersion}, producer ${s.producer || "unknown"}, opsets ${s.opsets.map((o) => `${o.domain} ${o.version}`).join(", ")}`,
    ...s.inputs.map((v) => `  input  ${v.name}: ${v.dtype} ${shape(v)}`),
    ...s.outputs.map((v) => `  output ${v.name}: ${v.dtype} ${shape(v)}`),
    `  operators: ${Object.entries(s.operators).map(([op, n]) => `${op} x${n}`).join(", ")}`,
    ...s.initializers.map((t) => `  initializer ${t.name}: ${t.dtype} ${formatShape(t.shape)}`),
    ...s.rnnNodes.map((n) => {
      const extra = [
        n.linearBeforeReset === undefined ? "" : `, linear_before_reset ${n.linearBeforeReset}`,
        n.inputForget === undefined ? "" : `, input_forget ${n.inputForget}`,
        n.clip === undefined ? "" : `, clip ${n.clip}`,
        n.sequenceLens ? `, sequence_lens ${n.inputs[4] ?? ""}` : "",
        n.peepholes ? `, peepholes ${n.inputs[7] ?? ""}` : "",
      ].join("");
      return `  ${n.opType} ${n.name || "(unnamed)"}: layer ${n.layer}, ${n.direction}, hidden_size ${n.hiddenSize}, activations ${n.activations.join("/")}, layout ${n.layout}${extra}`;
    }),
  ];
  return lines.join("\n");
}
