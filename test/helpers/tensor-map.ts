/**
 * Decodes a tensor map of docs/fixture-format.md ({dtype, shape, data}) for test data files that
 * are not fixtures (such as test/data/assert-close-cases.msgpack), and as the plain, independent
 * decoder test/parity-reader.test.ts checks the library's reader against.
 */
import { Int64Tensor } from "../../src/core/tensor/int64-tensor.js";
import { Tensor } from "../../src/core/tensor/tensor.js";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parts(value: unknown, where: string): { dtype: string; shape: number[]; view: DataView; bytes: number } {
  if (!isRecord(value)) throw new Error(`${where}: not a tensor map`);
  const { dtype, shape, data } = value;
  if (dtype !== "float32" && dtype !== "float64" && dtype !== "int64" && dtype !== "int32") throw new Error(`${where}.dtype: ${String(dtype)}`);
  if (!Array.isArray(shape) || !shape.every((d): d is number => Number.isInteger(d))) {
    throw new Error(`${where}.shape: not a list of integers`);
  }
  if (!(data instanceof Uint8Array)) throw new Error(`${where}.data: not bytes`);
  // Copy out of the msgpack buffer: typed arrays need an aligned offset, and little-endian is
  // read explicitly so the host byte order does not matter.
  return { dtype, shape, view: new DataView(data.buffer, data.byteOffset, data.byteLength), bytes: data.byteLength };
}

export function tensorFromMap(value: unknown, where: string): Tensor {
  const t = anyTensorFromMap(value, where);
  if (!(t instanceof Tensor)) throw new Error(`${where}.dtype: int64, expected a float tensor`);
  return t;
}

/** Float tensors as Tensor, integer ones (int64 packed-sequence fields, ONNX's int32 sequence_lens) as Int64Tensor. */
export function anyTensorFromMap(value: unknown, where: string): Tensor | Int64Tensor {
  const { dtype, shape, view, bytes } = parts(value, where);
  if (dtype === "int32") {
    const out: number[] = [];
    for (let i = 0; i < bytes / 4; i++) out.push(view.getInt32(i * 4, true));
    return new Int64Tensor(out, shape);
  }
  if (dtype === "int64") {
    const out: number[] = [];
    for (let i = 0; i < bytes / 8; i++) out.push(Number(view.getBigInt64(i * 8, true)));
    return new Int64Tensor(out, shape);
  }
  if (dtype === "float32") {
    const out = new Float32Array(bytes / 4);
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
    return new Tensor(out, shape);
  }
  const out = new Float64Array(bytes / 8);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(i * 8, true);
  return new Tensor(out, shape);
}
