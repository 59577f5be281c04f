/**
 * checkStaticAllocation on graphs built in memory, no onnxruntime needed: each operator whose
 * constant operand can ask for a huge tensor, every encoding of that constant, the bound itself
 * (at the limit runs, one over is refused) and what is left alone. hostile-reports.test.ts runs
 * the same refusals through onnxruntime-node.
 */
import { describe, expect, it } from "vitest";
import type { OnnxModelProto, OnnxTensorProto } from "../src/core/onnx/onnx-proto.js";
import { checkStaticAllocation, MAX_ORT_TENSOR_ELEMENTS } from "../src/node/oracles/onnx-allocation.js";
import { MAX_TENSOR_ELEMENTS } from "../src/core/format/limits.js";

const L = MAX_ORT_TENSOR_ELEMENTS;
type Encoding = "int64" | "int32" | "float" | "double" | "int64_data" | "int32_data" | "float_data" | "double_data" | "float16";

function constant(name: string, values: number[], encoding: Encoding = "int64"): OnnxTensorProto {
  const base = { name, dims: [values.length], float_data: [] as number[], double_data: [] as number[], raw_data: new Uint8Array(0), data_location: 0, external_data: [] };
  const raw = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  switch (encoding) {
    case "int64": return { ...base, data_type: 7, raw_data: raw(new BigInt64Array(values.map((v) => BigInt(v)))) };
    case "int32": return { ...base, data_type: 6, raw_data: raw(new Int32Array(values)) };
    case "float": return { ...base, data_type: 1, raw_data: raw(new Float32Array(values)) };
    case "double": return { ...base, data_type: 11, raw_data: raw(new Float64Array(values)) };
    // Half of the int64 values as BigInt, as protobuf readers give values past 2^53.
    case "int64_data": return { ...base, data_type: 7, int64_data: values.map((v, i) => (i % 2 ? BigInt(v) : v)) } as OnnxTensorProto;
    case "int32_data": return { ...base, data_type: 6, int32_data: values } as OnnxTensorProto;
    case "float_data": return { ...base, data_type: 1, float_data: values };
    case "double_data": return { ...base, data_type: 11, double_data: values };
    case "float16": return { ...base, data_type: 10, raw_data: new Uint8Array(values.length * 2) };
  }
}

/** A graph of one `op` node (after `before` no-op nodes) whose inputs are named; `c*` are constants. */
function graph(op: string, inputs: string[], constants: OnnxTensorProto[], before = 0): OnnxModelProto {
  const node = (name: string, op_type: string, input: string[]) => ({ name, op_type, domain: "", input, output: [`${name}_out`], attribute: [] });
  return {
    graph: {
      name: "g",
      node: [...Array.from({ length: before }, (_, i) => node(`id${i}`, "Identity", ["x"])), node("n", op, inputs)],
      initializer: constants,
      input: [],
      output: [],
    },
  } as unknown as OnnxModelProto;
}

const refusal = (op: string, n: number, index = 0) =>
  `m.onnx: graph.node[${index}] (${op} n): its output would hold at least ${n} elements, more than the limit of ${L} for onnxruntime (refused before running)`;
const check = (m: OnnxModelProto) => () => checkStaticAllocation(m, "m.onnx");

describe("checkStaticAllocation", () => {
  it("the bound is four times a fixture tensor's", () => {
    expect(L).toBe(4 * MAX_TENSOR_ELEMENTS);
  });

  it.each([
    ["Expand, shape at input 1", graph("Expand", ["x", "c"], [constant("c", [L + 1])]), "Expand", L + 1],
    ["ConstantOfShape, shape at input 0", graph("ConstantOfShape", ["c"], [constant("c", [2, L / 2 + 1])]), "ConstantOfShape", L + 2],
    ["Tile: zero and negative repeats count 1", graph("Tile", ["x", "c"], [constant("c", [0, -3, L + 1])]), "Tile", L + 1],
    ["Pad: 1 + before + after per axis, negative pads count 0", graph("Pad", ["x", "c"], [constant("c", [-5, L - 1, 0, 1])]), "Pad", L + 1],
    ["Pad, the first axis", graph("Pad", ["x", "c"], [constant("c", [L, 0, 0, 0])]), "Pad", L + 1],
    ["Pad: a negative pad does not shrink the other side", graph("Pad", ["x", "c"], [constant("c", [-5, L])]), "Pad", L + 1],
    ["Range: ceil((limit - start) / delta)", graph("Range", ["a", "b", "d"], [constant("a", [1]), constant("b", [2 * L + 2]), constant("d", [2])]), "Range", L + 1],
    ["OneHot, depth at input 1", graph("OneHot", ["x", "c"], [constant("c", [L + 1])]), "OneHot", L + 1],
    ["Resize by sizes (input 3)", graph("Resize", ["x", "", "", "c"], [constant("c", [L + 1])]), "Resize", L + 1],
    ["Resize by scales (input 2) when sizes are empty", graph("Resize", ["x", "", "s", "c"], [constant("s", [3, 22369622], "float"), constant("c", [])]), "Resize", 3 * 22369622],
    ["Upsample by scales (input 1)", graph("Upsample", ["x", "s"], [constant("s", [L + 1], "double")]), "Upsample", L + 1],
    ["a later node is named by its index", graph("Expand", ["x", "c"], [constant("c", [L + 1])], 2), "Expand", L + 1, 2],
  ])("refuses %s", (_label, model, op, n, index = 0) => {
    expect(check(model)).toThrow(new RegExp(`^${refusal(op, n, index).replace(/[()[\]]/g, "\\$&")}$`));
  });

  it.each(["int64", "int32", "float", "double", "int64_data", "int32_data", "float_data", "double_data"] as const)("reads %s constants", (encoding) => {
    // Not powers of two, so a value read with the wrong byte order cannot give the same count; even, so float32 holds them exactly.
    expect(check(graph("Tile", ["x", "c"], [constant("c", [3, 22369622], encoding)]))).toThrow(refusal("Tile", 3 * 22369622));
    expect(check(graph("Tile", ["x", "c"], [constant("c", [3, 22369620], encoding)]))).not.toThrow();
  });

  it.each([
    ["exactly the limit", graph("Expand", ["x", "c"], [constant("c", [L / 4, 4])])],
    ["Pad at the limit", graph("Pad", ["x", "c"], [constant("c", [L - 1, 0, 0, 0])])],
    ["Range at the limit", graph("Range", ["a", "b", "d"], [constant("a", [0]), constant("b", [2 * L]), constant("d", [2])])],
    ["a negative Range", graph("Range", ["a", "b", "d"], [constant("a", [L + 5]), constant("b", [0]), constant("d", [1])])],
    ["Range with delta 0", graph("Range", ["a", "b", "d"], [constant("a", [0]), constant("b", [L + 5]), constant("d", [0])])],
    ["Range without a constant delta", graph("Range", ["a", "b", "d"], [constant("a", [0]), constant("b", [L + 5])])],
    ["Range without a constant start", graph("Range", ["a", "b", "d"], [constant("b", [L + 5]), constant("d", [1])])],
    ["Range without a constant limit", graph("Range", ["a", "b", "d"], [constant("a", [0]), constant("d", [1])])],
    ["Expand whose constant is its data, not its shape", graph("Expand", ["c", "y"], [constant("c", [L + 1])])],
    ["Tile without constant repeats", graph("Tile", ["c", "y"], [constant("c", [L + 1])])],
    ["Pad without constant pads", graph("Pad", ["c", "y"], [constant("c", [L + 1, 0])])],
    ["OneHot without a constant depth", graph("OneHot", ["c", "y"], [constant("c", [L + 1])])],
    ["OneHot with an empty depth", graph("OneHot", ["x", "c"], [constant("c", [])])],
    ["Resize without sizes or scales", graph("Resize", ["x", "", "", ""], [])],
    ["Resize with empty sizes and scales", graph("Resize", ["x", "", "s", "c"], [constant("s", [], "float"), constant("c", [])])],
    ["Resize reads no sizes at input 2 of Upsample", graph("Upsample", ["x", "s", "", "c"], [constant("c", [L + 1])])],
    ["an operator that does not allocate from a constant", graph("Add", ["x", "c"], [constant("c", [L + 1])])],
    ["a constant too large to be a shape (65 values)", graph("Tile", ["x", "c"], [constant("c", [L + 1, ...Array<number>(64).fill(1)])])],
    ["a constant of another type (float16)", graph("Tile", ["x", "c"], [constant("c", [1, 2, 3], "float16")])],
    ["an int32 constant without data", graph("Tile", ["x", "c"], [{ ...constant("c", [], "int32_data"), int32_data: undefined } as unknown as OnnxTensorProto])],
    ["an int64 constant without data", graph("Tile", ["x", "c"], [{ ...constant("c", [], "int64_data"), int64_data: undefined } as unknown as OnnxTensorProto])],
    ["an empty input name", graph("Tile", ["x", ""], [constant("", [L + 1])])],
  ])("leaves alone %s", (_label, model) => {
    expect(check(model)).not.toThrow();
  });

  it("a shape of 64 values is still read", () => {
    expect(check(graph("Tile", ["x", "c"], [constant("c", [L + 1, ...Array<number>(63).fill(1)])]))).toThrow(refusal("Tile", L + 1));
  });
});
