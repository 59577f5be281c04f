/**
 * The ModelProto reader's own checks (src/core/onnx/onnx-proto.ts) with their whole messages: the
 * size limit at its boundary, bytes protobufjs rejects, a model without a graph, int64 values a
 * double cannot hold, and the value-info shape and dtype helpers. ONNX's data type names are
 * TensorProto.DataType's (onnx.proto), in torch's spelling.
 */
import { describe, expect, it } from "vitest";
import { MAX_ONNX_BYTES } from "../src/core/format/limits.js";
import {
  decodeOnnxModel,
  encodeOnnxModel,
  graphOf,
  int64ToNumber,
  onnxDataTypeName,
  tensorDims,
  valueInfoDType,
  valueInfoShape,
  type Int64,
  type OnnxModelProto,
  type OnnxTensorProto,
  type OnnxValueInfoProto,
} from "../src/core/onnx/onnx-proto.js";
import { thrown } from "./helpers/thrown.js";

/** A protobufjs Long stand-in: what int64 fields decode to when the long package is present. */
const long = (n: number, text: string): Int64 => ({ toNumber: () => n, toString: () => text });

describe("onnxDataTypeName", () => {
  it("names every TensorProto.DataType up to bfloat16, and says the code of any other", () => {
    const names = Array.from({ length: 18 }, (_, code) => onnxDataTypeName(code));
    expect(names).toEqual([
      "undefined", "float32", "uint8", "int8", "uint16", "int16", "int32", "int64", "string", "bool",
      "float16", "float64", "uint32", "uint64", "complex64", "complex128", "bfloat16", "data_type 17",
    ]);
    expect(onnxDataTypeName(-1)).toBe("data_type -1");
  });
});

describe("int64ToNumber", () => {
  it("reads numbers and Longs, and a missing value as 0 (proto3's default)", () => {
    expect(int64ToNumber(null, "m.onnx", "f")).toBe(0);
    expect(int64ToNumber(undefined, "m.onnx", "f")).toBe(0);
    expect(int64ToNumber(-7, "m.onnx", "f")).toBe(-7);
    expect(int64ToNumber(long(12, "12"), "m.onnx", "f")).toBe(12);
    expect(int64ToNumber(long(-(2 ** 53 - 1), String(-(2 ** 53 - 1))), "m.onnx", "f")).toBe(-(2 ** 53 - 1));
  });

  it.each([
    ["a number past 2^53", 2 ** 53, "m.onnx: g.dims[0]: integer 9007199254740992 is out of range"],
    ["a fraction", 1.5, "m.onnx: g.dims[0]: integer 1.5 is out of range"],
    ["a Long past 2^53", long(2 ** 53, "9007199254740993"), "m.onnx: g.dims[0]: integer 9007199254740993 is out of range"],
    // toNumber may wrap or round; the text is the value protobufjs decoded.
    ["a Long whose number is not its value", long(5, "18446744073709551621"), "m.onnx: g.dims[0]: integer 18446744073709551621 is out of range"],
  ])("refuses %s", (_label, value, want) => {
    expect(thrown(() => int64ToNumber(value, "m.onnx", "g.dims[0]"))).toBe(want);
  });
});

describe("decodeOnnxModel", () => {
  it("refuses a file over the size limit before decoding it, and decodes one of exactly the limit", () => {
    expect(thrown(() => decodeOnnxModel(new Uint8Array(MAX_ONNX_BYTES + 1), "m.onnx"))).toBe(
      `m.onnx: ONNX model is ${MAX_ONNX_BYTES + 1} bytes, over the limit of ${MAX_ONNX_BYTES}`,
    );
    // Zero bytes are field number 0, which protobufjs rejects: the size check let it through.
    expect(thrown(() => decodeOnnxModel(new Uint8Array(MAX_ONNX_BYTES), "m.onnx"))).toBe(
      "m.onnx: ModelProto: not a valid ONNX protobuf (illegal tag: field number 0)",
    );
  });

  it("refuses bytes protobufjs cannot decode, with its reason", () => {
    expect(thrown(() => decodeOnnxModel(new Uint8Array([0x0a, 0x05]), "m.onnx"))).toBe(
      "m.onnx: ModelProto: not a valid ONNX protobuf (index out of range: 2 + 5 > 2)",
    );
  });

  it("refuses a ModelProto without a graph, and graphOf says the same", () => {
    const noGraph = { ir_version: 8, producer_name: "p", producer_version: "", opset_import: [] } as OnnxModelProto;
    const want = "m.onnx: ModelProto.graph: missing: the file holds no graph";
    expect(thrown(() => decodeOnnxModel(encodeOnnxModel(noGraph), "m.onnx"))).toBe(want);
    expect(thrown(() => graphOf(noGraph, "m.onnx"))).toBe(want);
  });

  it("round-trips a model through encodeOnnxModel", () => {
    const model = { ir_version: 8, producer_name: "p", producer_version: "1", opset_import: [], graph: { name: "g", node: [], initializer: [], input: [], output: [] } } as unknown as OnnxModelProto;
    const back = decodeOnnxModel(encodeOnnxModel(model), "m.onnx");
    expect([back.producer_name, back.producer_version, back.graph?.name, graphOf(back, "m.onnx").name]).toEqual(["p", "1", "g", "g"]);
  });
});

describe("tensorDims", () => {
  const t = (dims: Int64[]): OnnxTensorProto => ({ name: "W", dims, data_type: 1, float_data: [], double_data: [], raw_data: new Uint8Array(0), data_location: 0, external_data: [] });
  it("accepts zero-sized dimensions and refuses negative and out-of-range ones, naming the dimension", () => {
    expect(tensorDims(t([2, 0, long(3, "3")]), "m.onnx", "W")).toEqual([2, 0, 3]);
    expect(thrown(() => tensorDims(t([2, -3]), "m.onnx", "W"))).toBe("m.onnx: W.dims[1]: negative dimension -3");
    expect(thrown(() => tensorDims(t([1, 1, long(0, "18446744073709551616")]), "m.onnx", "W"))).toBe(
      "m.onnx: W.dims[2]: integer 18446744073709551616 is out of range",
    );
  });
});

describe("valueInfoShape and valueInfoDType", () => {
  const info = (type: OnnxValueInfoProto["type"]): OnnxValueInfoProto => ({ name: "x", type });
  it("an unknown type or shape is null and its dtype unknown", () => {
    for (const v of [info(undefined), info(null), info({}), info({ tensor_type: null }), info({ tensor_type: { elem_type: 1 } }), info({ tensor_type: { elem_type: 1, shape: null } })]) {
      expect(valueInfoShape(v, "m.onnx", "graph.input[0]")).toBeNull();
    }
    expect([info(undefined), info(null), info({}), info({ tensor_type: null })].map(valueInfoDType)).toEqual(["unknown", "unknown", "unknown", "unknown"]);
    expect(valueInfoDType(info({ tensor_type: { elem_type: 11 } }))).toBe("float64");
  });

  it("reads named, fixed and unset dimensions, and refuses an out-of-range one by its index", () => {
    const v = info({ tensor_type: { elem_type: 1, shape: { dim: [{ dim_param: "seq" }, { dim_value: 4 }, {}, { dim_value: null, dim_param: "" }, { dim_value: long(2, "2") }] } } });
    expect(valueInfoShape(v, "m.onnx", "graph.input[0]")).toEqual(["seq", 4, 0, 0, 2]);
    const bad = info({ tensor_type: { elem_type: 1, shape: { dim: [{ dim_value: 1 }, { dim_value: 2 ** 60 }] } } });
    expect(thrown(() => valueInfoShape(bad, "m.onnx", "graph.input[0]"))).toBe(`m.onnx: graph.input[0].dim[1]: integer ${2 ** 60} is out of range`);
  });
});
