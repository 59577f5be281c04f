/**
 * safetensors files (https://huggingface.co/docs/safetensors) from bytes: an 8-byte little-endian
 * header length, a JSON header {name: {dtype, shape, data_offsets: [begin, end]}, __metadata__?},
 * then the data. Validated and bounded like the fixture reader; every refusal is one FixtureError.
 */
import { FILE_FIELD, FixtureError } from "../errors.js";
import { Tensor } from "../tensor/tensor.js";
import { MAX_FIXTURE_BYTES, MAX_MSGPACK_MAP_LENGTH, MAX_TENSOR_ELEMENTS, MAX_TENSOR_RANK } from "./limits.js";

/** safetensors' own bound on the header (100 MB); ours is tighter, a state dict's header is small. */
export const MAX_SAFETENSORS_HEADER_BYTES = 16 * 1024 * 1024;
const DTYPES: Record<string, "float32" | "float64"> = { F32: "float32", F64: "float64" };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The state dict in a .safetensors file's bytes, tensors in header order. `file` names it in errors. */
export function loadSafetensors(bytes: Uint8Array, file = "<safetensors>"): Record<string, Tensor> {
  if (!(bytes instanceof Uint8Array)) throw new FixtureError(file, FILE_FIELD, "expected the file's bytes as a Uint8Array");
  if (bytes.byteLength > MAX_FIXTURE_BYTES) throw new FixtureError(file, FILE_FIELD, `${bytes.byteLength} bytes, more than the reader's limit of ${MAX_FIXTURE_BYTES}`);
  if (bytes.byteLength < 8) throw new FixtureError(file, "header length", `the file has ${bytes.byteLength} bytes, fewer than the 8 of the header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > MAX_SAFETENSORS_HEADER_BYTES || headerLength > bytes.byteLength - 8) {
    throw new FixtureError(file, "header length", `${headerLength} bytes, more than the ${Math.min(MAX_SAFETENSORS_HEADER_BYTES, bytes.byteLength - 8)} available`);
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + headerLength)));
  } catch (err) {
    throw new FixtureError(file, "header", `not UTF-8 JSON (${err instanceof Error ? err.message.split("\n")[0] : String(err)})`);
  }
  if (!isRecord(header)) throw new FixtureError(file, "header", "not a JSON object");
  const dataStart = 8 + headerLength;
  const dataLength = bytes.byteLength - dataStart;
  const names = Object.keys(header).filter((k) => k !== "__metadata__");
  if (names.length > MAX_MSGPACK_MAP_LENGTH) throw new FixtureError(file, "header", `${names.length} tensors, more than the limit of ${MAX_MSGPACK_MAP_LENGTH}`);
  const meta = header.__metadata__;
  if (meta !== undefined && (!isRecord(meta) || !Object.values(meta).every((v) => typeof v === "string"))) {
    throw new FixtureError(file, "__metadata__", "must map strings to strings");
  }
  const spans: { name: string; begin: number; end: number }[] = [];
  const out: Record<string, Tensor> = {};
  for (const name of names) {
    const entry = header[name];
    if (!isRecord(entry)) throw new FixtureError(file, name, "not an object with dtype, shape and data_offsets");
    const dtype = DTYPES[String(entry.dtype)];
    if (!dtype) throw new FixtureError(file, `${name}.dtype`, `${String(entry.dtype)} is not supported (expected F32 or F64)`);
    const shape = entry.shape;
    if (!Array.isArray(shape) || shape.length > MAX_TENSOR_RANK || !shape.every((d): d is number => Number.isSafeInteger(d) && d >= 0)) {
      throw new FixtureError(file, `${name}.shape`, `expected at most ${MAX_TENSOR_RANK} non-negative integers`);
    }
    const count = shape.reduce((a, d) => a * d, 1);
    if (count > MAX_TENSOR_ELEMENTS) throw new FixtureError(file, `${name}.shape`, `${count} elements, more than the limit of ${MAX_TENSOR_ELEMENTS}`);
    const offsets = entry.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o): o is number => Number.isSafeInteger(o) && o >= 0)) {
      throw new FixtureError(file, `${name}.data_offsets`, "expected [begin, end], two non-negative integers");
    }
    const [begin, end] = offsets as [number, number];
    const width = dtype === "float32" ? 4 : 8;
    if (end < begin || end > dataLength) throw new FixtureError(file, `${name}.data_offsets`, `[${begin}, ${end}] is outside the ${dataLength} data bytes`);
    if (end - begin !== count * width) throw new FixtureError(file, `${name}.data_offsets`, `${end - begin} bytes, but shape [${shape.join(", ")}] of ${String(entry.dtype)} needs ${count * width}`);
    spans.push({ name, begin, end });
    const data = dtype === "float32" ? new Float32Array(count) : new Float64Array(count);
    const dv = new DataView(bytes.buffer, bytes.byteOffset + dataStart + begin, end - begin);
    for (let i = 0; i < count; i++) data[i] = width === 4 ? dv.getFloat32(i * 4, true) : dv.getFloat64(i * 8, true);
    out[name] = new Tensor(data, shape);
  }
  // As safetensors itself requires: the tensors tile the data exactly, no overlap, no hole.
  spans.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const s of spans) {
    if (s.begin !== at) throw new FixtureError(file, `${s.name}.data_offsets`, s.begin < at ? `overlaps the previous tensor (begins at ${s.begin}, before ${at})` : `leaves a hole (begins at ${s.begin}, expected ${at})`);
    at = s.end;
  }
  if (at !== dataLength) throw new FixtureError(file, "data", `${dataLength - at} bytes after the last tensor belong to none`);
  return out;
}
