/**
 * ONNX TensorProto -> Tensor, for the float and double tensors that hold recurrent weights, and the
 * table of every constant a graph defines (initializers and Constant nodes).
 */
import { FixtureError } from "../errors.js";
import { Tensor, numel } from "../tensor/tensor.js";
import { MAX_TENSOR_ELEMENTS } from "../format/limits.js";
import {
  ONNX_DOUBLE,
  ONNX_FLOAT,
  onnxDataTypeName,
  tensorDims,
  type OnnxGraphProto,
  type OnnxTensorProto,
} from "./onnx-proto.js";

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** TensorProto.DataLocation.EXTERNAL: the data lives in a side file, which this reader refuses. */
const EXTERNAL = 1;

function fromRawData(raw: Uint8Array, count: number, double: boolean): Float32Array | Float64Array {
  const size = double ? 8 : 4;
  // Copying the bytes (rather than reading values) keeps every bit, NaN payloads included.
  if (LITTLE_ENDIAN_HOST) {
    const buffer = new ArrayBuffer(count * size);
    new Uint8Array(buffer).set(raw);
    return double ? new Float64Array(buffer) : new Float32Array(buffer);
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = double ? new Float64Array(count) : new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = double ? view.getFloat64(i * 8, true) : view.getFloat32(i * 4, true);
  return out;
}

/** Decodes a float or double TensorProto from raw_data, float_data or double_data. */
export function tensorFromOnnx(t: OnnxTensorProto, file: string, field: string): Tensor {
  if (t.data_location === EXTERNAL || t.external_data.length > 0) {
    throw new FixtureError(file, field, "tensor data is stored in an external file, which is not supported");
  }
  if (t.data_type !== ONNX_FLOAT && t.data_type !== ONNX_DOUBLE) {
    throw new FixtureError(file, `${field}.data_type`, `expected float32 or float64, got ${onnxDataTypeName(t.data_type)}`);
  }
  const double = t.data_type === ONNX_DOUBLE;
  const dims = tensorDims(t, file, field);
  const count = numel(dims);
  if (count > MAX_TENSOR_ELEMENTS) {
    throw new FixtureError(file, `${field}.dims`, `${count} elements, over the limit of ${MAX_TENSOR_ELEMENTS}`);
  }
  let data: Float32Array | Float64Array;
  if (t.raw_data.length > 0) {
    const expected = count * (double ? 8 : 4);
    if (t.raw_data.length !== expected) {
      throw new FixtureError(file, `${field}.raw_data`, `${t.raw_data.length} bytes, expected ${expected} for dims [${dims.join(", ")}]`);
    }
    data = fromRawData(t.raw_data, count, double);
  } else {
    const values = double ? t.double_data : t.float_data;
    const key = double ? "double_data" : "float_data";
    if (values.length !== count) {
      throw new FixtureError(file, `${field}.${key}`, `${values.length} values, expected ${count} for dims [${dims.join(", ")}]`);
    }
    data = double ? Float64Array.from(values) : Float32Array.from(values);
  }
  return new Tensor(data, dims);
}

/** A constant value of a graph and where it was defined, for error messages. */
export interface OnnxConstant {
  proto: OnnxTensorProto;
  field: string;
}

/** Every value a graph defines as a constant: initializers, then the outputs of Constant nodes. */
export function graphConstants(graph: OnnxGraphProto): Map<string, OnnxConstant> {
  const constants = new Map<string, OnnxConstant>();
  graph.initializer.forEach((init, i) => {
    constants.set(init.name, { proto: init, field: `graph.initializer[${i}] (${init.name})` });
  });
  graph.node.forEach((node, i) => {
    if (node.op_type !== "Constant" || (node.domain !== "" && node.domain !== "ai.onnx")) return;
    const value = node.attribute.find((a) => a.name === "value");
    const out = node.output[0];
    if (value?.t && out !== undefined) {
      constants.set(out, { proto: value.t, field: `graph.node[${i}] (Constant ${out}).value` });
    }
  });
  return constants;
}
