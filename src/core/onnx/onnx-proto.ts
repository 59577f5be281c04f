/**
 * Reading and writing ONNX model files with protobufjs and ONNX's own schema (onnx.proto,
 * converted to a descriptor in onnx-schema.ts). The interfaces below describe only the subset of
 * ModelProto this project reads; every field name is ONNX's (the schema is loaded with keepCase).
 */
import protobuf from "protobufjs";
import { FixtureError } from "../errors.js";
import { MAX_ONNX_BYTES } from "../format/limits.js";
import { ONNX_SCHEMA } from "./onnx-schema.js";

/** protobufjs decodes int64 as a Long object when the long package is present, else as a number. */
export type Int64 = number | { toNumber(): number; toString(): string };

export interface OnnxTensorProto {
  name: string;
  dims: Int64[];
  data_type: number;
  float_data: number[];
  double_data: number[];
  raw_data: Uint8Array;
  data_location: number;
  external_data: { key: string; value: string }[];
}

export interface OnnxAttributeProto {
  name: string;
  type: number;
  f: number;
  i: Int64;
  s: Uint8Array;
  t?: OnnxTensorProto | null;
  floats: number[];
  ints: Int64[];
  strings: Uint8Array[];
}

export interface OnnxNodeProto {
  name: string;
  op_type: string;
  domain: string;
  input: string[];
  output: string[];
  attribute: OnnxAttributeProto[];
}

export interface OnnxDimension {
  dim_value?: Int64 | null;
  dim_param?: string | null;
}

export interface OnnxValueInfoProto {
  name: string;
  type?: {
    tensor_type?: { elem_type: number; shape?: { dim: OnnxDimension[] } | null } | null;
  } | null;
}

export interface OnnxGraphProto {
  name: string;
  node: OnnxNodeProto[];
  initializer: OnnxTensorProto[];
  input: OnnxValueInfoProto[];
  output: OnnxValueInfoProto[];
}

export interface OnnxModelProto {
  ir_version: Int64;
  producer_name: string;
  producer_version: string;
  opset_import: { domain: string; version: Int64 }[];
  graph?: OnnxGraphProto | null;
}

/** TensorProto.DataType values used here, and names for every value, for messages and inspect. */
export const ONNX_FLOAT = 1;
export const ONNX_DOUBLE = 11;
const DATA_TYPE_NAMES: Record<number, string> = {
  0: "undefined", 1: "float32", 2: "uint8", 3: "int8", 4: "uint16", 5: "int16", 6: "int32", 7: "int64",
  8: "string", 9: "bool", 10: "float16", 11: "float64", 12: "uint32", 13: "uint64", 14: "complex64",
  15: "complex128", 16: "bfloat16",
};

export function onnxDataTypeName(code: number): string {
  return DATA_TYPE_NAMES[code] ?? `data_type ${code}`;
}

let modelType: protobuf.Type | undefined;

/** The ModelProto type, built once from the bundled descriptor. */
function modelProtoType(): protobuf.Type {
  modelType ??= protobuf.Root.fromJSON(ONNX_SCHEMA).lookupType("onnx.ModelProto");
  return modelType;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** An int64 as a JS number, refusing values a double cannot hold exactly. */
export function int64ToNumber(value: Int64 | null | undefined, file: string, field: string): number {
  if (value === null || value === undefined) return 0;
  const n = typeof value === "number" ? value : value.toNumber();
  if (!Number.isSafeInteger(n) || (typeof value !== "number" && String(n) !== value.toString())) {
    throw new FixtureError(file, field, `integer ${value.toString()} is out of range`);
  }
  return n;
}

/** Decodes a serialized ModelProto; anything protobufjs rejects becomes a FixtureError naming `file`. */
export function decodeOnnxModel(bytes: Uint8Array, file: string): OnnxModelProto {
  if (bytes.length > MAX_ONNX_BYTES) {
    throw new FixtureError(file, "", `ONNX model is ${bytes.length} bytes, over the limit of ${MAX_ONNX_BYTES}`);
  }
  let message: protobuf.Message;
  try {
    message = modelProtoType().decode(bytes);
  } catch (err) {
    throw new FixtureError(file, "ModelProto", `not a valid ONNX protobuf (${describe(err)})`);
  }
  const model = message as unknown as OnnxModelProto;
  if (!model.graph) throw new FixtureError(file, "ModelProto.graph", "missing: the file holds no graph");
  return model;
}

/** Serializes a (possibly modified) decoded model back to ModelProto bytes. */
export function encodeOnnxModel(model: OnnxModelProto): Uint8Array {
  const type = modelProtoType();
  return type.encode(model as unknown as protobuf.Message).finish();
}

/** The graph of a decoded model (decodeOnnxModel guarantees there is one). */
export function graphOf(model: OnnxModelProto, file: string): OnnxGraphProto {
  if (!model.graph) throw new FixtureError(file, "ModelProto.graph", "missing: the file holds no graph");
  return model.graph;
}

export function tensorDims(t: OnnxTensorProto, file: string, field: string): number[] {
  return t.dims.map((d, i) => {
    const n = int64ToNumber(d, file, `${field}.dims[${i}]`);
    if (n < 0) throw new FixtureError(file, `${field}.dims[${i}]`, `negative dimension ${n}`);
    return n;
  });
}

/** A value's static shape: numbers for fixed dimensions, names for symbolic ones, null if unknown. */
export function valueInfoShape(v: OnnxValueInfoProto, file: string, field: string): (number | string)[] | null {
  const shape = v.type?.tensor_type?.shape;
  if (!shape) return null;
  return shape.dim.map((d, i) => {
    if (d.dim_param) return d.dim_param;
    return int64ToNumber(d.dim_value ?? 0, file, `${field}.dim[${i}]`);
  });
}

export function valueInfoDType(v: OnnxValueInfoProto): string {
  const t = v.type?.tensor_type;
  return t ? onnxDataTypeName(t.elem_type) : "unknown";
}

export function utf8(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}
