/**
 * What the browser parity page and its test exchange: the comparison summary (JSON through
 * page.evaluate) and each case's raw outputs as one binary POST body, so Node can check the bytes.
 * Body: a uint32 (little-endian) header length, the UTF-8 JSON header, then the tensors' bytes.
 * Shared by both sides; pure (no DOM, no Node built-in).
 */
import { Int64Tensor, type FixtureTensor } from "../../src/core/index.js";

export interface BrowserComparison {
  case: string;
  oracle: "torch" | "onnxruntime-web";
  tensor: string;
  passed: boolean;
  maxAbsDiff: number;
  mismatched: number;
  total: number;
  message: string;
}

export interface PageRequest {
  /** The case whose first output is also compared against a perturbed copy (the negative test). */
  negativeCase: string;
}

export interface BrowserRunSummary {
  cases: number;
  comparisons: BrowserComparison[];
  negatives: BrowserComparison[];
  /** A case that could not be run at all, as "<case>: <message>". */
  errors: string[];
  ortMs: number;
  totalMs: number;
}

/** One tensor as it crossed: float32/float64 bytes as computed, int64 values as float64 (all safe integers). */
export interface RawTensor {
  dtype: "float32" | "float64" | "int64";
  shape: number[];
  data: Float32Array | Float64Array;
}

interface HeaderEntry {
  source: string;
  name: string;
  dtype: RawTensor["dtype"];
  shape: number[];
  byteOffset: number;
  byteLength: number;
}

export function rawOf(t: FixtureTensor): RawTensor {
  if (t instanceof Int64Tensor) return { dtype: "int64", shape: [...t.shape], data: Float64Array.from(t.data) };
  return { dtype: t.dtype, shape: [...t.shape], data: t.data };
}

/** `sources` maps a producer ("ours", "onnxruntime-web") to its outputs by name. */
export function encodeOutputs(caseName: string, sources: Readonly<Record<string, Readonly<Record<string, FixtureTensor>>>>): Uint8Array {
  const entries: HeaderEntry[] = [];
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const [source, outputs] of Object.entries(sources)) {
    for (const [name, t] of Object.entries(outputs)) {
      const raw = rawOf(t);
      // 8-byte aligned, so the reader can view float64 data in place.
      const pad = (8 - (offset % 8)) % 8;
      if (pad) parts.push(new Uint8Array(pad));
      offset += pad;
      const bytes = new Uint8Array(raw.data.buffer, raw.data.byteOffset, raw.data.byteLength);
      entries.push({ source, name, dtype: raw.dtype, shape: raw.shape, byteOffset: offset, byteLength: bytes.byteLength });
      parts.push(bytes);
      offset += bytes.byteLength;
    }
  }
  const header = new TextEncoder().encode(JSON.stringify({ case: caseName, tensors: entries }));
  const headerPad = (8 - ((4 + header.byteLength) % 8)) % 8;
  const start = 4 + header.byteLength + headerPad;
  const out = new Uint8Array(start + offset);
  new DataView(out.buffer).setUint32(0, header.byteLength + headerPad, true);
  out.set(header, 4);
  out.fill(0x20, 4 + header.byteLength, start); // JSON whitespace
  let at = start;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

export interface DecodedOutputs {
  case: string;
  /** source -> tensor name -> tensor */
  sources: Record<string, Record<string, RawTensor>>;
}

export function decodeOutputs(body: Uint8Array): DecodedOutputs {
  const aligned = body.byteOffset % 8 === 0 ? body : body.slice();
  const view = new DataView(aligned.buffer, aligned.byteOffset, aligned.byteLength);
  const headerLength = view.getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(aligned.subarray(4, 4 + headerLength))) as { case: string; tensors: HeaderEntry[] };
  const base = aligned.byteOffset + 4 + headerLength;
  const sources: DecodedOutputs["sources"] = {};
  for (const e of header.tensors) {
    const at = base + e.byteOffset;
    const data = e.dtype === "float32" ? new Float32Array(aligned.buffer, at, e.byteLength / 4) : new Float64Array(aligned.buffer, at, e.byteLength / 8);
    (sources[e.source] ??= {})[e.name] = { dtype: e.dtype, shape: e.shape, data };
  }
  return { case: header.case, sources };
}

/**
 * Where two tensors stop being the same bits: null when dtype, shape and every byte agree, else
 * what differs first (the flat element index for data).
 */
export function firstDifference(a: RawTensor, b: RawTensor): string | null {
  if (a.dtype !== b.dtype) return `dtype ${a.dtype} vs ${b.dtype}`;
  if (a.shape.join(",") !== b.shape.join(",")) return `shape [${a.shape.join(", ")}] vs [${b.shape.join(", ")}]`;
  const x = new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength);
  const y = new Uint8Array(b.data.buffer, b.data.byteOffset, b.data.byteLength);
  if (x.byteLength !== y.byteLength) return `${x.byteLength} vs ${y.byteLength} bytes`;
  const size = a.data.BYTES_PER_ELEMENT;
  for (let i = 0; i < x.byteLength; i++) {
    if (x[i] !== y[i]) {
      const k = Math.floor(i / size);
      return `element ${k}: ${a.data[k]} vs ${b.data[k]}`;
    }
  }
  return null;
}

/** Largest |a - b| over the elements (NaN if either has a NaN where the other does not match it). */
export function maxAbsDiff(a: RawTensor, b: RawTensor): number {
  let worst = 0;
  for (let i = 0; i < a.data.length; i++) {
    const d = Math.abs((a.data[i] ?? 0) - (b.data[i] ?? 0));
    if (Number.isNaN(d)) {
      if (!(Number.isNaN(a.data[i]) && Number.isNaN(b.data[i]))) return NaN;
    } else if (d > worst) worst = d;
  }
  return worst;
}
