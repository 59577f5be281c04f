/**
 * The second oracle: a fixture's ONNX model run by onnxruntime-node on the CPU.
 *
 * Sessions use one intra-op and one inter-op thread (the conformance suite runs many small models
 * in parallel on small machines, and one thread keeps results deterministic) and are released after
 * each run, so no native memory outlives a call.
 */
import type { InferenceSession, Tensor as OrtTensor } from "onnxruntime-node";
import { FixtureError, RnnParityError } from "../../core/errors.js";
import { MAX_ONNX_BYTES } from "../../core/format/limits.js";
import { decodeOnnxModel, type OnnxModelProto } from "../../core/onnx/onnx-proto.js";
import { readBounded } from "../readers/read-bounded.js";
import { checkStaticAllocation } from "./onnx-allocation.js";
import { loadOnnxRuntime, type OnnxRuntimeNode } from "./ort-loader.js";
import { onnxOutputNames, type Fixture } from "../../core/format/types.js";
import { Int64Tensor } from "../../core/tensor/int64-tensor.js";
import { Tensor, formatShape, tensorProblem } from "../../core/tensor/tensor.js";

export const SESSION_OPTIONS: InferenceSession.SessionOptions = {
  executionProviders: ["cpu"],
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  graphOptimizationLevel: "all",
  // Fatal only: onnxruntime logs a failing run's error itself ("[E:onnxruntime:, sequential_executor.cc…]")
  // straight to stderr, ahead of the one line we report; the error still reaches us as an exception.
  logSeverityLevel: 4,
};

export interface OnnxRunOptions {
  /** The name errors report for the model (its path, or a label for an in-memory model). */
  file?: string;
  /** Outputs to fetch; all of the graph's outputs when omitted. Missing ones are an error. */
  outputNames?: readonly string[];
}

/**
 * onnxruntime's message without what our one line already says or only its developers need: the
 * "Load model from <path> failed:" prefix and the C++ source location and function signature.
 */
function describe(err: unknown): string {
  const first = (err instanceof Error ? err.message : String(err)).split("\n")[0] ?? "";
  return first
    .replace(/^Load model from .* failed:/, "")
    .replace(/^\/onnxruntime_src\/\S+:\d+ [^(]*\([^()]*\) /, "")
    .trim();
}

function fromOrt(value: OrtTensor, file: string, name: string): Tensor {
  const data = value.data;
  // Copies, so the result owns its memory after the session is released.
  if (value.type === "float32" && data instanceof Float32Array) return new Tensor(data.slice(), value.dims);
  if (value.type === "float64" && data instanceof Float64Array) return new Tensor(data.slice(), value.dims);
  throw new FixtureError(file, `outputs.${name}`, `onnxruntime returned ${value.type}, expected float32 or float64`);
}

/**
 * A view into a larger buffer (as decoded fixtures are) is copied into a buffer of its own. Not
 * needed on onnxruntime-node 1.30.0, which honours a feed's byteOffset (checked: a Float32Array
 * view at offset 7 gives the same outputs as its copy), but a native binding that read the whole
 * ArrayBuffer would silently feed wrong bytes, and the copy costs little next to a session run.
 */
function ownBuffer<T extends Float32Array | Float64Array>(data: T): T {
  if (data.byteOffset === 0 && data.byteLength === data.buffer.byteLength) return data;
  return data.slice() as T;
}

/**
 * The static bound on what the graph makes onnxruntime allocate (onnx-allocation.ts). Bytes that
 * do not decode, or hold no graph, are left to onnxruntime, whose load error is the better message.
 */
function checkModelAllocation(bytes: Uint8Array, file: string): void {
  let model: OnnxModelProto;
  try {
    model = decodeOnnxModel(bytes, file);
  } catch {
    return;
  }
  if (model.graph) checkStaticAllocation(model, file);
}

/** The model bytes in a buffer of their own, for the same reason as ownBuffer (a precaution, not a known bug). */
function ownBytes(bytes: Uint8Array): Uint8Array {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) return bytes;
  return bytes.slice();
}

/**
 * An integer feed (a packed case's lengths) in the integer type the graph declares for it: ONNX's
 * sequence_lens is int32, a graph may also take int64 and convert itself.
 */
function integerFeed(ort: OnnxRuntimeNode, session: InferenceSession, name: string, t: Int64Tensor, file: string): OrtTensor {
  const meta = session.inputMetadata.find((m) => m.name === name);
  const type = meta?.isTensor ? meta.type : "int32";
  if (type === "int64") return new ort.Tensor("int64", BigInt64Array.from(t.data, (v) => BigInt(v)), [...t.shape]);
  if (type !== "int32") throw new FixtureError(file, `graph.input`, `"${name}" is ${type}, but the case feeds it integers (int32 or int64)`);
  return new ort.Tensor("int32", Int32Array.from(t.data), [...t.shape]);
}

/**
 * Runs a model (a path or the bytes of a ModelProto) on `inputs`, fed under their keys; returns the
 * requested outputs as Tensors. Graph inputs and feeds must match exactly, so a model that expects
 * `hx` is never run with its default.
 */
export async function runOnnxModel(
  model: string | Uint8Array,
  inputs: Record<string, Tensor | Int64Tensor>,
  options: OnnxRunOptions = {},
): Promise<Record<string, Tensor>> {
  const file = options.file ?? (typeof model === "string" ? model : "<in-memory model>");
  for (const [name, t] of Object.entries(inputs)) {
    if (t instanceof Int64Tensor) continue;
    const problem = tensorProblem(t);
    if (problem !== null) throw new RnnParityError(`runOnnxModel: input ${name} is not a valid Tensor: ${problem}`);
  }
  // A path is read here (regular files only, opened without blocking, at most MAX_ONNX_BYTES),
  // never by onnxruntime, which would block on a FIFO and load a model of any size.
  const bytes = typeof model === "string" ? await readBounded(model, MAX_ONNX_BYTES) : model;
  checkModelAllocation(bytes, file);
  const ort = await loadOnnxRuntime();
  let session: InferenceSession;
  try {
    session = await ort.InferenceSession.create(ownBytes(bytes), SESSION_OPTIONS);
  } catch (err) {
    throw new FixtureError(file, "", `onnxruntime cannot load the model (${describe(err)})`);
  }
  try {
    const fed = Object.keys(inputs).sort();
    const wanted = [...session.inputNames].sort();
    if (fed.join(",") !== wanted.join(",")) {
      throw new FixtureError(file, "graph.input", `the graph takes [${wanted.join(", ")}], but the inputs are [${fed.join(", ")}]`);
    }
    const outputNames = options.outputNames ?? session.outputNames;
    for (const name of outputNames) {
      if (!session.outputNames.includes(name)) {
        throw new FixtureError(file, "graph.output", `no output named "${name}" (the graph has ${session.outputNames.join(", ")})`);
      }
    }
    const feeds: Record<string, OrtTensor> = {};
    for (const [name, t] of Object.entries(inputs)) {
      feeds[name] = t instanceof Int64Tensor ? integerFeed(ort, session, name, t, file) : new ort.Tensor(t.dtype, ownBuffer(t.data), [...t.shape]);
    }
    let results: InferenceSession.OnnxValueMapType;
    try {
      results = await session.run(feeds, [...outputNames]);
    } catch (err) {
      throw new FixtureError(file, "", `onnxruntime failed to run the model (${describe(err)})`);
    }
    const out: Record<string, Tensor> = {};
    for (const name of outputNames) {
      const value = results[name];
      if (!(value instanceof ort.Tensor)) throw new FixtureError(file, `outputs.${name}`, "not a tensor");
      out[name] = fromOrt(value, file, name);
    }
    return out;
  } finally {
    await session.release();
  }
}

/**
 * Runs a fixture's ONNX model on the fixture's inputs (`input`, and `hx`, `cx`, `lengths` only when
 * the fixture has them). Outputs are the ones an ONNX graph can produce (`output`, `h_n`, `c_n`,
 * `h_prime`, `h1`, `c1`; a packed case's `output` is padded with zeros), named as in the fixture,
 * and must have its shapes and dtype.
 */
export async function runOnnxRuntime(f: Fixture, onnxPath: string): Promise<Record<string, Tensor>> {
  return runOnnxForFixture(f, onnxPath, onnxPath);
}

/** runOnnxRuntime for a model given as a path or as bytes; `file` names it in errors. */
export async function runOnnxForFixture(f: Fixture, model: string | Uint8Array, file: string): Promise<Record<string, Tensor>> {
  const inputs: Record<string, Tensor | Int64Tensor> = { input: f.inputs.input };
  if (f.inputs.hx) inputs.hx = f.inputs.hx;
  if (f.inputs.cx) inputs.cx = f.inputs.cx;
  if (f.inputs.lengths) inputs.lengths = f.inputs.lengths;
  const names = onnxOutputNames(f.module);
  const out = await runOnnxModel(model, inputs, { file, outputNames: names });
  for (const name of names) {
    const got = out[name] as Tensor;
    const expected = f.outputs[name];
    if (!expected) continue;
    if (got.dtype !== expected.dtype) {
      throw new FixtureError(file, `outputs.${name}`, `dtype ${got.dtype}, but the fixture's ${name} is ${expected.dtype}`);
    }
    if (formatShape(got.shape) !== formatShape(expected.shape)) {
      throw new FixtureError(file, `outputs.${name}`, `shape ${formatShape(got.shape)}, but the fixture's ${name} is ${formatShape(expected.shape)}`);
    }
  }
  return out;
}
