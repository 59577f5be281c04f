/**
 * A bound on what onnxruntime may allocate for a model, checked before a session exists. Its
 * session options have no memory cap, so a 200-byte graph with an Expand to 2.5e9 floats ran it
 * to 10 GB. The operators that create a tensor larger than their inputs from a *constant* operand
 * (a shape, repeats, pads, a depth, sizes or scales) are checked here against
 * MAX_ORT_TENSOR_ELEMENTS; initializers are bounded by the file size (MAX_ONNX_BYTES) anyway.
 * Shapes computed at run time cannot be known before running; an RNN graph's own tensors are
 * bounded by its fixture's (MAX_TENSOR_ELEMENTS), far below this bound.
 */
import { FixtureError } from "../../core/errors.js";
import { MAX_TENSOR_ELEMENTS } from "../../core/format/limits.js";
import { graphOf, type Int64, type OnnxModelProto, type OnnxNodeProto, type OnnxTensorProto } from "../../core/onnx/onnx-proto.js";
import { graphConstants } from "../../core/onnx/onnx-tensor.js";

/** Largest element count of one tensor a graph may ask onnxruntime for through a constant operand. */
export const MAX_ORT_TENSOR_ELEMENTS = 4 * MAX_TENSOR_ELEMENTS;

const INT32 = 6;
const INT64 = 7;
const FLOAT = 1;
const DOUBLE = 11;

function toNumber(v: Int64): number {
  return typeof v === "number" ? v : Number(v.toString());
}

/** The values of a small constant tensor (shapes, repeats, pads, scales): null when too large to be one. */
function values(t: OnnxTensorProto): number[] | null {
  const raw = t.raw_data;
  const typed = t as OnnxTensorProto & { int64_data?: Int64[]; int32_data?: number[] };
  const n = (width: number): number => Math.floor(raw.byteLength / width);
  if (raw.byteLength > 8 * 64) return null;
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  switch (t.data_type) {
    case INT64:
      if (raw.byteLength > 0) return Array.from({ length: n(8) }, (_, i) => Number(view.getBigInt64(8 * i, true)));
      return (typed.int64_data ?? []).map(toNumber);
    case INT32:
      if (raw.byteLength > 0) return Array.from({ length: n(4) }, (_, i) => view.getInt32(4 * i, true));
      return typed.int32_data ?? [];
    case FLOAT:
      if (raw.byteLength > 0) return Array.from({ length: n(4) }, (_, i) => view.getFloat32(4 * i, true));
      return t.float_data;
    case DOUBLE:
      if (raw.byteLength > 0) return Array.from({ length: n(8) }, (_, i) => view.getFloat64(8 * i, true));
      return t.double_data;
    default:
      return null;
  }
}

const product = (xs: readonly number[]): number => xs.reduce((a, b) => a * Math.max(b, 1), 1);

/**
 * A lower bound on the element count of `node`'s output from its constant operands (the other
 * inputs count at least 1), or null when nothing about it is constant.
 */
function outputAtLeast(node: OnnxNodeProto, constant: (input: number) => number[] | null): number | null {
  switch (node.op_type) {
    case "Expand":
    case "ConstantOfShape": {
      const shape = constant(node.op_type === "Expand" ? 1 : 0);
      return shape === null ? null : product(shape);
    }
    case "Tile": {
      const repeats = constant(1);
      return repeats === null ? null : product(repeats);
    }
    case "Pad": {
      const pads = constant(1);
      if (pads === null) return null;
      const half = pads.length / 2;
      return product(Array.from({ length: half }, (_, i) => 1 + Math.max(0, pads[i]!) + Math.max(0, pads[i + half]!)));
    }
    case "Range": {
      const [start, limit, delta] = [constant(0)?.[0], constant(1)?.[0], constant(2)?.[0]];
      if (start === undefined || limit === undefined || delta === undefined || delta === 0) return null;
      return Math.max(0, Math.ceil((limit - start) / delta));
    }
    case "OneHot": {
      const depth = constant(1)?.[0];
      return depth === undefined ? null : depth;
    }
    case "Resize":
    case "Upsample": {
      // Resize(X, roi, scales, sizes); Upsample(X, scales).
      const sizes = node.op_type === "Resize" ? constant(3) : null;
      if (sizes !== null && sizes.length > 0) return product(sizes);
      const scales = constant(node.op_type === "Resize" ? 2 : 1);
      return scales === null || scales.length === 0 ? null : product(scales);
    }
    default:
      return null;
  }
}

/** Refuses (one FixtureError line) a graph whose constant operands ask for a tensor over the bound. */
export function checkStaticAllocation(model: OnnxModelProto, file: string): void {
  const graph = graphOf(model, file);
  const constants = graphConstants(graph);
  graph.node.forEach((node, i) => {
    const constant = (input: number): number[] | null => {
      const name = node.input[input];
      const c = name ? constants.get(name) : undefined;
      return c === undefined ? null : values(c.proto);
    };
    const n = outputAtLeast(node, constant);
    if (n !== null && !(n <= MAX_ORT_TENSOR_ELEMENTS)) {
      throw new FixtureError(
        file,
        `graph.node[${i}] (${node.op_type} ${node.name})`,
        `its output would hold at least ${n} elements, more than the limit of ${MAX_ORT_TENSOR_ELEMENTS} for onnxruntime (refused before running)`,
      );
    }
  });
}
