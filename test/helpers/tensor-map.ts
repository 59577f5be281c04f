/**
 * Decodes a tensor map of docs/fixture-format.md ({dtype, shape, data}) for test data files that
 * are not fixtures (such as test/data/assert-close-cases.msgpack).
 */
import { Tensor } from "../../src/tensor/tensor.js";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function tensorFromMap(value: unknown, where: string): Tensor {
  if (!isRecord(value)) throw new Error(`${where}: not a tensor map`);
  const { dtype, shape, data } = value;
  if (dtype !== "float32" && dtype !== "float64") throw new Error(`${where}.dtype: ${String(dtype)}`);
  if (!Array.isArray(shape) || !shape.every((d): d is number => Number.isInteger(d))) {
    throw new Error(`${where}.shape: not a list of integers`);
  }
  if (!(data instanceof Uint8Array)) throw new Error(`${where}.data: not bytes`);
  // Copy out of the msgpack buffer: typed arrays need an aligned offset, and little-endian is
  // read explicitly so the host byte order does not matter.
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const width = dtype === "float32" ? 4 : 8;
  const length = data.byteLength / width;
  if (dtype === "float32") {
    const out = new Float32Array(length);
    for (let i = 0; i < length; i++) out[i] = view.getFloat32(i * 4, true);
    return new Tensor(out, shape);
  }
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) out[i] = view.getFloat64(i * 8, true);
  return new Tensor(out, shape);
}
