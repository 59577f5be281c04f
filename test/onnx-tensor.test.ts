/**
 * TensorProto decoding (src/core/onnx/onnx-tensor.ts) on in-memory protos: every refusal with its
 * whole message, the three places a value can be stored, and which nodes count as constants. These
 * state ONNX's TensorProto layout (onnx.proto), not numerical references.
 */
import { describe, expect, it } from "vitest";
import { MAX_TENSOR_ELEMENTS } from "../src/core/format/limits.js";
import { ONNX_DOUBLE, ONNX_FLOAT, type OnnxAttributeProto, type OnnxGraphProto, type OnnxNodeProto, type OnnxTensorProto } from "../src/core/onnx/onnx-proto.js";
import { graphConstants, tensorFromOnnx } from "../src/core/onnx/onnx-tensor.js";
import { thrown } from "./helpers/thrown.js";

function proto(over: Partial<OnnxTensorProto>): OnnxTensorProto {
  return {
    name: "W", dims: [2], data_type: ONNX_FLOAT, float_data: [], double_data: [], raw_data: new Uint8Array(0),
    data_location: 0, external_data: [], ...over,
  };
}

function bytesOf(values: Float32Array | Float64Array | Uint32Array): Uint8Array {
  return new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
}

const decode = (t: OnnxTensorProto): ReturnType<typeof tensorFromOnnx> => tensorFromOnnx(t, "m.onnx", "graph.initializer[0] (W)");
const message = (t: OnnxTensorProto): string => thrown(() => decode(t), { returned: "(decoded)" });

describe("tensorFromOnnx refuses, naming the file and the field", () => {
  const F = "m.onnx: graph.initializer[0] (W)";
  it.each([
    ["data_location EXTERNAL", proto({ data_location: 1, float_data: [1, 2] }), `${F}: tensor data is stored in an external file, which is not supported`],
    ["external_data entries", proto({ external_data: [{ key: "location", value: "w.bin" }], float_data: [1, 2] }), `${F}: tensor data is stored in an external file, which is not supported`],
    ["an int64 tensor", proto({ data_type: 7 }), `${F}.data_type: expected float32 or float64, got int64`],
    ["a float16 tensor", proto({ data_type: 10, raw_data: new Uint8Array(4) }), `${F}.data_type: expected float32 or float64, got float16`],
    ["an unknown data_type", proto({ data_type: 99 }), `${F}.data_type: expected float32 or float64, got data_type 99`],
    ["too many elements", proto({ dims: [MAX_TENSOR_ELEMENTS + 1] }), `${F}.dims: ${MAX_TENSOR_ELEMENTS + 1} elements, over the limit of ${MAX_TENSOR_ELEMENTS}`],
    ["a negative dimension", proto({ dims: [2, -1] }), `${F}.dims[1]: negative dimension -1`],
    ["raw_data too short", proto({ raw_data: new Uint8Array(7) }), `${F}.raw_data: 7 bytes, expected 8 for dims [2]`],
    ["raw_data too long", proto({ dims: [1, 2], raw_data: new Uint8Array(9) }), `${F}.raw_data: 9 bytes, expected 8 for dims [1, 2]`],
    ["float64 raw_data of float32 length", proto({ data_type: ONNX_DOUBLE, raw_data: new Uint8Array(8) }), `${F}.raw_data: 8 bytes, expected 16 for dims [2]`],
    ["float_data too short", proto({ dims: [3, 1], float_data: [1, 2] }), `${F}.float_data: 2 values, expected 3 for dims [3, 1]`],
    ["float_data too long", proto({ float_data: [1, 2, 3] }), `${F}.float_data: 3 values, expected 2 for dims [2]`],
    ["double_data missing", proto({ data_type: ONNX_DOUBLE, float_data: [1, 2] }), `${F}.double_data: 0 values, expected 2 for dims [2]`],
  ])("%s", (_label, t, want) => {
    expect(message(t)).toBe(want);
  });

  it("exactly the element limit is not refused for its size (only for its missing data)", () => {
    expect(message(proto({ dims: [MAX_TENSOR_ELEMENTS] }))).toBe(`${F}.float_data: 0 values, expected ${MAX_TENSOR_ELEMENTS} for dims [${MAX_TENSOR_ELEMENTS}]`);
  });
});

describe("tensorFromOnnx reads each storage, bit for bit", () => {
  it("float_data and double_data, in the proto's dtype and dims", () => {
    const f = decode(proto({ dims: [1, 2], float_data: [0.1, -2] }));
    expect([f.dtype, f.shape, Array.from(f.data)]).toEqual(["float32", [1, 2], [Math.fround(0.1), -2]]);
    const d = decode(proto({ data_type: ONNX_DOUBLE, double_data: [0.1, -2] }));
    expect([d.dtype, d.shape, Array.from(d.data)]).toEqual(["float64", [2], [0.1, -2]]);
  });

  it("a scalar (no dims) holds one value", () => {
    const s = decode(proto({ dims: [], float_data: [3] }));
    expect([s.shape, Array.from(s.data)]).toEqual([[], [3]]);
  });

  it("raw_data is little-endian and keeps every bit, a signalling NaN's payload included", () => {
    // 0x7f800001 is a signalling NaN: a path that reads it as a number and stores it again may quiet it.
    const f32 = decode(proto({ raw_data: bytesOf(new Uint32Array([0x7f800001, 0x3f800000])) }));
    expect(Array.from(new Uint32Array(f32.data.buffer, f32.data.byteOffset, 2))).toEqual([0x7f800001, 0x3f800000]);
    const raw64 = new Uint8Array(16);
    new DataView(raw64.buffer).setFloat64(0, 0.1, true);
    new DataView(raw64.buffer).setUint32(8, 1, true);
    new DataView(raw64.buffer).setUint32(12, 0x7ff00000, true);
    const f64 = decode(proto({ data_type: ONNX_DOUBLE, raw_data: raw64 }));
    expect(f64.dtype).toBe("float64");
    expect(Array.from(new Uint8Array(f64.data.buffer, f64.data.byteOffset, 16))).toEqual(Array.from(raw64));
  });

  it("raw_data read from an offset into a larger buffer (as protobufjs hands it out) is read from that offset", () => {
    const backing = new Uint8Array(12);
    backing.set(bytesOf(new Float32Array([5, 6])), 4);
    const t = decode(proto({ raw_data: backing.subarray(4, 12) }));
    expect(Array.from(t.data)).toEqual([5, 6]);
  });

  it("raw_data wins over float_data when both are present", () => {
    const t = decode(proto({ raw_data: bytesOf(new Float32Array([7, 8])), float_data: [1, 2] }));
    expect(Array.from(t.data)).toEqual([7, 8]);
  });
});

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
function attribute(name: string, over: Partial<OnnxAttributeProto>): OnnxAttributeProto {
  return { name, type: 4, f: 0, i: 0, s: new Uint8Array(0), floats: [], ints: [], strings: [], ...over };
}
function node(op: string, output: string[], attrs: OnnxAttributeProto[], domain = ""): OnnxNodeProto {
  return { name: `n_${output[0] ?? "none"}`, op_type: op, domain, input: [], output, attribute: attrs };
}
function graph(nodes: OnnxNodeProto[], initializer: OnnxTensorProto[] = []): OnnxGraphProto {
  return { name: "g", node: nodes, initializer, input: [], output: [] };
}

describe("graphConstants", () => {
  it("names initializers, then Constant nodes of the default domain by their value attribute", () => {
    const a = proto({ name: "A", float_data: [1, 2] });
    const b = proto({ name: "B", float_data: [3, 4] });
    const c = proto({ name: "", float_data: [5, 6] });
    const d = proto({ name: "", float_data: [7, 8] });
    const g = graph(
      [
        node("Relu", ["r"], []),
        node("Constant", ["c"], [attribute("value_float", { type: 1, f: 2 }), attribute("value", { t: c })]),
        node("Constant", ["d"], [attribute("value", { t: d })], "ai.onnx"),
      ],
      [a, b],
    );
    const constants = graphConstants(g);
    expect([...constants.keys()]).toEqual(["A", "B", "c", "d"]);
    expect(constants.get("A")).toEqual({ proto: a, field: "graph.initializer[0] (A)" });
    expect(constants.get("B")).toEqual({ proto: b, field: "graph.initializer[1] (B)" });
    expect(constants.get("c")).toEqual({ proto: c, field: "graph.node[1] (Constant c).value" });
    expect(constants.get("d")).toEqual({ proto: d, field: "graph.node[2] (Constant d).value" });
  });

  it("leaves out other ops, other domains' Constants, and Constants without a tensor value or an output", () => {
    const t = proto({ float_data: [1, 2] });
    const g = graph([
      node("Identity", ["i"], [attribute("value", { t })]),
      node("Constant", ["x"], [attribute("value", { t })], "com.example"),
      node("Constant", ["f"], [attribute("value_float", { type: 1, f: 2 })]),
      node("Constant", ["s"], [attribute("value_string", { type: 3, s: text("v"), t })]),
      node("Constant", ["n"], [attribute("value", { t: null })]),
      node("Constant", [], [attribute("value", { t })]),
    ]);
    expect([...graphConstants(g).keys()]).toEqual([]);
  });

  it("a Constant node defining an initializer's name takes its place", () => {
    const init = proto({ name: "W", float_data: [1, 2] });
    const value = proto({ name: "", float_data: [3, 4] });
    const constants = graphConstants(graph([node("Constant", ["W"], [attribute("value", { t: value })])], [init]));
    expect(constants.get("W")).toEqual({ proto: value, field: "graph.node[0] (Constant W).value" });
  });
});
