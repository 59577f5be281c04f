/**
 * In-memory edits of decoded ONNX models, for the tests proving that comparisons and checks fail
 * on a wrong model. The edited model is re-serialized with encodeOnnxModel.
 */
import { ONNX_DOUBLE, type OnnxGraphProto, type OnnxModelProto, type OnnxTensorProto } from "../../src/core/onnx/onnx-proto.js";
import { graphConstants } from "../../src/core/onnx/onnx-tensor.js";

/** The constant holding a module's first input weight: W of the first RNN/LSTM/GRU node, or torch's weight_ih[_l0]. */
export function firstWeight(model: OnnxModelProto): { name: string; tensor: OnnxTensorProto } {
  const graph = model.graph as OnnxGraphProto;
  const constants = graphConstants(graph);
  const rnn = graph.node.find((n) => n.op_type === "RNN" || n.op_type === "LSTM" || n.op_type === "GRU");
  const name = rnn?.input[1] ?? (constants.has("weight_ih") ? "weight_ih" : "weight_ih_l0");
  const c = constants.get(name);
  if (!c) throw new Error(`no constant ${name} in the model`);
  return { name, tensor: c.proto };
}

/** Adds 0.5 to element `index` of the first input weight; returns a description of the change. */
export function bumpOneWeight(model: OnnxModelProto, _file: string, index = 0): string {
  const { name, tensor } = firstWeight(model);
  const double = tensor.data_type === ONNX_DOUBLE;
  if (tensor.raw_data.length > 0) {
    const raw = new Uint8Array(tensor.raw_data); // a copy: protobufjs's bytes may be a Buffer view of the file
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    if (double) view.setFloat64(index * 8, view.getFloat64(index * 8, true) + 0.5, true);
    else view.setFloat32(index * 4, view.getFloat32(index * 4, true) + 0.5, true);
    tensor.raw_data = raw;
  } else {
    const values = double ? tensor.double_data : tensor.float_data;
    values[index] = (values[index] ?? 0) + 0.5;
  }
  return `${name}[${index}]`;
}

/** Renames a value everywhere it appears: node inputs and outputs, graph outputs. */
export function renameValue(graph: OnnxGraphProto, from: string, to: string): void {
  for (const node of graph.node) {
    node.input = node.input.map((n) => (n === from ? to : n));
    node.output = node.output.map((n) => (n === from ? to : n));
  }
  for (const out of graph.output) if (out.name === from) out.name = to;
}
