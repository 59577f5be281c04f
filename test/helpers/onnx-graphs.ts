/**
 * Small ONNX graphs built in memory, for the tests of the graph readers (onnx-rnn-nodes,
 * onnx-config, onnx-torch-expressible, onnx-weights, onnx-inspect). They state ONNX's layout
 * (onnx.proto and the operator specs), not numerical references.
 */
import {
  ONNX_DOUBLE,
  ONNX_FLOAT,
  type Int64,
  type OnnxAttributeProto,
  type OnnxGraphProto,
  type OnnxModelProto,
  type OnnxNodeProto,
  type OnnxTensorProto,
  type OnnxValueInfoProto,
} from "../../src/core/onnx/onnx-proto.js";

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const blank: Omit<OnnxAttributeProto, "name" | "type"> = { f: 0, i: 0, s: new Uint8Array(0), floats: [], ints: [], strings: [] };

/** AttributeProto types: FLOAT 1, INT 2, STRING 3, TENSOR 4, INTS 7, STRINGS 8. */
export const attr = {
  int: (name: string, i: Int64): OnnxAttributeProto => ({ ...blank, name, type: 2, i }),
  float: (name: string, f: number): OnnxAttributeProto => ({ ...blank, name, type: 1, f }),
  string: (name: string, s: string): OnnxAttributeProto => ({ ...blank, name, type: 3, s: text(s) }),
  ints: (name: string, ints: Int64[]): OnnxAttributeProto => ({ ...blank, name, type: 7, ints }),
  floats: (name: string, floats: number[]): OnnxAttributeProto => ({ ...blank, name, type: 6, floats }),
  strings: (name: string, strings: string[]): OnnxAttributeProto => ({ ...blank, name, type: 8, strings: strings.map(text) }),
  tensor: (name: string, t: OnnxTensorProto): OnnxAttributeProto => ({ ...blank, name, type: 4, t }),
};

export function node(op: string, input: string[], output: string[], attribute: OnnxAttributeProto[] = [], over: Partial<OnnxNodeProto> = {}): OnnxNodeProto {
  return { name: "", op_type: op, domain: "", input, output, attribute, ...over };
}

/** A float (or double) initializer; values default to 0.001 * index, so every element differs. */
export function tensor(name: string, dims: number[], opts: { double?: boolean; values?: number[] } = {}): OnnxTensorProto {
  const n = dims.reduce((a, b) => a * b, 1);
  const values = opts.values ?? Array.from({ length: n }, (_, i) => 0.001 * (i + 1));
  return {
    name, dims, data_type: opts.double ? ONNX_DOUBLE : ONNX_FLOAT,
    float_data: opts.double ? [] : values, double_data: opts.double ? values : [], raw_data: new Uint8Array(0),
    data_location: 0, external_data: [],
  };
}

export function valueInfo(name: string, elemType = ONNX_FLOAT, dims?: (number | string)[]): OnnxValueInfoProto {
  const shape = dims ? { dim: dims.map((d) => (typeof d === "number" ? { dim_value: d } : { dim_param: d })) } : null;
  return { name, type: { tensor_type: { elem_type: elemType, shape } } };
}

export function graph(nodes: OnnxNodeProto[], initializer: OnnxTensorProto[] = [], io: { input?: OnnxValueInfoProto[]; output?: OnnxValueInfoProto[] } = {}): OnnxGraphProto {
  return { name: "g", node: nodes, initializer, input: io.input ?? [valueInfo("input")], output: io.output ?? [] };
}

export function model(g: OnnxGraphProto, opset = 17): OnnxModelProto {
  return { ir_version: 8, producer_name: "test", producer_version: "", opset_import: [{ domain: "", version: opset }], graph: g };
}

export type RecurrentOp = "RNN" | "LSTM" | "GRU";
const GATES: Record<RecurrentOp, number> = { RNN: 1, LSTM: 4, GRU: 3 };

/**
 * One recurrent operator with its W, R (and B) initializers, named after `prefix`:
 * X is `x`, outputs `${prefix}_y` and `${prefix}_h` (and `${prefix}_c` for LSTM).
 */
export function recurrent(
  op: RecurrentOp,
  prefix: string,
  x: string,
  opts: { hidden?: number; input?: number; direction?: "forward" | "reverse" | "bidirectional"; bias?: boolean; double?: boolean; attrs?: OnnxAttributeProto[]; extraInputs?: string[] } = {},
): { node: OnnxNodeProto; initializers: OnnxTensorProto[] } {
  const hidden = opts.hidden ?? 2;
  const input = opts.input ?? 3;
  const d = opts.direction === "bidirectional" ? 2 : 1;
  const g = GATES[op];
  const initializers = [
    tensor(`${prefix}_W`, [d, g * hidden, input], { double: opts.double }),
    tensor(`${prefix}_R`, [d, g * hidden, hidden], { double: opts.double }),
  ];
  const inputs = [x, `${prefix}_W`, `${prefix}_R`];
  if (opts.bias !== false) {
    initializers.push(tensor(`${prefix}_B`, [d, 2 * g * hidden], { double: opts.double }));
    inputs.push(`${prefix}_B`);
  }
  if (opts.extraInputs) {
    while (inputs.length < 4) inputs.push("");
    inputs.push(...opts.extraInputs);
  }
  const outputs = [`${prefix}_y`, `${prefix}_h`, ...(op === "LSTM" ? [`${prefix}_c`] : [])];
  const attrs = [attr.int("hidden_size", hidden), ...(opts.direction ? [attr.string("direction", opts.direction)] : []), ...(opts.attrs ?? [])];
  return { node: node(op, inputs, outputs, attrs, { name: prefix }), initializers };
}

/** A graph of recurrent layers chained through a Transpose and Reshape, as torch's exporter writes them. */
export function stacked(op: RecurrentOp, layers: number, opts: { hidden?: number; input?: number; bidirectional?: boolean; bias?: boolean; double?: boolean; attrs?: OnnxAttributeProto[] } = {}): OnnxModelProto {
  const hidden = opts.hidden ?? 2;
  const d = opts.bidirectional ? 2 : 1;
  const nodes: OnnxNodeProto[] = [];
  const inits: OnnxTensorProto[] = [];
  let x = "input";
  for (let l = 0; l < layers; l++) {
    const r = recurrent(op, `l${l}`, x, {
      hidden, input: l === 0 ? (opts.input ?? 3) : d * hidden, direction: opts.bidirectional ? "bidirectional" : undefined,
      bias: opts.bias, double: opts.double, attrs: opts.attrs,
    });
    nodes.push(r.node);
    inits.push(...r.initializers);
    nodes.push(node("Transpose", [`l${l}_y`], [`l${l}_yt`], [attr.ints("perm", [0, 2, 1, 3])]));
    nodes.push(node("Reshape", [`l${l}_yt`, "shape"], [`l${l}_out`]));
    x = `l${l}_out`;
  }
  return model(graph(nodes, inits, { output: [valueInfo(x)] }));
}
