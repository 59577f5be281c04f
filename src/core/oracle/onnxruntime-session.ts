/**
 * Running a fixture's ONNX model on any onnxruntime binding (onnxruntime-node in the harness,
 * onnxruntime-web in the browser parity run): the feeds a case gives, the outputs fetched under the
 * fixture's names and checked against it, and the errors as one line naming the model. Nothing here
 * imports a binding: the caller passes the module it loaded, seen through the few members used.
 */
import { FixtureError, RnnParityError } from "../errors.js";
import { onnxOutputNames, type Fixture } from "../format/types.js";
import { Int64Tensor } from "../tensor/int64-tensor.js";
import { Tensor, formatShape, tensorProblem } from "../tensor/tensor.js";

/** An onnxruntime tensor, as both bindings return them. */
export interface OrtTensorLike {
  readonly type: string;
  readonly data: unknown;
  readonly dims: readonly number[];
}

/** The session options used here (a subset of onnxruntime-common's InferenceSession.SessionOptions). */
export interface OrtSessionOptions {
  executionProviders: readonly string[];
  intraOpNumThreads?: number;
  interOpNumThreads?: number;
  graphOptimizationLevel?: "disabled" | "basic" | "extended" | "all";
  logSeverityLevel?: 0 | 1 | 2 | 3 | 4;
}

export interface OrtSessionLike {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata: readonly { readonly name: string; readonly isTensor: boolean; readonly type?: string }[];
  run(feeds: Record<string, OrtTensorLike>, fetches: readonly string[]): Promise<Record<string, unknown>>;
  release(): Promise<void>;
}

/** What is used of the onnxruntime-node or onnxruntime-web module (the same API, onnxruntime-common). */
export interface OrtModule {
  Tensor: new (type: "float32" | "float64" | "int32" | "int64", data: Float32Array | Float64Array | Int32Array | BigInt64Array, dims: readonly number[]) => OrtTensorLike;
  InferenceSession: { create(bytes: Uint8Array, options: OrtSessionOptions): Promise<OrtSessionLike> };
}

export interface OrtRunOptions {
  /** The name errors report for the model (its path, or a label for an in-memory model). */
  file: string;
  /** Outputs to fetch; all of the graph's outputs when omitted. Missing ones are an error. */
  outputNames?: readonly string[];
}

/**
 * onnxruntime's message without what our one line already says or only its developers need: the
 * "Load model from <path> failed:" prefix and the C++ source location and function signature.
 */
export function describeOrtError(err: unknown): string {
  const first = (err instanceof Error ? err.message : String(err)).split("\n")[0] ?? "";
  return first
    .replace(/^Load model from .* failed:/, "")
    .replace(/^\/onnxruntime_src\/\S+:\d+ [^(]*\([^()]*\) /, "")
    .trim();
}

function fromOrt(value: OrtTensorLike, file: string, name: string): Tensor {
  const data = value.data;
  // Copies, so the result owns its memory after the session is released.
  if (value.type === "float32" && data instanceof Float32Array) return new Tensor(data.slice(), value.dims);
  if (value.type === "float64" && data instanceof Float64Array) return new Tensor(data.slice(), value.dims);
  throw new FixtureError(file, `outputs.${name}`, `onnxruntime returned ${value.type}, expected float32 or float64`);
}

/**
 * A view into a larger buffer (as decoded fixtures are) is copied into a buffer of its own. Not
 * needed on onnxruntime-node 1.30.0, which honours a feed's byteOffset (checked: a Float32Array
 * view at offset 7 gives the same outputs as its copy), but a binding that read the whole
 * ArrayBuffer would silently feed wrong bytes, and the copy costs little next to a session run.
 */
function ownBuffer<T extends Float32Array | Float64Array>(data: T): T {
  if (data.byteOffset === 0 && data.byteLength === data.buffer.byteLength) return data;
  return data.slice() as T;
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
function integerFeed(ort: OrtModule, session: OrtSessionLike, name: string, t: Int64Tensor, file: string): OrtTensorLike {
  const meta = session.inputMetadata.find((m) => m.name === name);
  const type = meta?.isTensor ? meta.type : "int32";
  if (type === "int64") return new ort.Tensor("int64", BigInt64Array.from(t.data, (v) => BigInt(v)), [...t.shape]);
  if (type !== "int32") throw new FixtureError(file, `graph.input`, `"${name}" is ${type}, but the case feeds it integers (int32 or int64)`);
  return new ort.Tensor("int32", Int32Array.from(t.data), [...t.shape]);
}

/** Every input a valid tensor, before a session exists. */
export function checkOrtInputs(inputs: Readonly<Record<string, Tensor | Int64Tensor>>): void {
  for (const [name, t] of Object.entries(inputs)) {
    if (t instanceof Int64Tensor) continue;
    const problem = tensorProblem(t);
    if (problem !== null) throw new RnnParityError(`runOnnxModel: input ${name} is not a valid Tensor: ${problem}`);
  }
}

/**
 * Runs the bytes of a ModelProto on `inputs` with `ort`, fed under their keys; returns the
 * requested outputs as Tensors. Graph inputs and feeds must match exactly, so a model that expects
 * `hx` is never run with its default. The session is released before returning.
 */
export async function runOrtModel(
  ort: OrtModule,
  sessionOptions: OrtSessionOptions,
  bytes: Uint8Array,
  inputs: Readonly<Record<string, Tensor | Int64Tensor>>,
  options: OrtRunOptions,
): Promise<Record<string, Tensor>> {
  const file = options.file;
  checkOrtInputs(inputs);
  let session: OrtSessionLike;
  try {
    session = await ort.InferenceSession.create(ownBytes(bytes), sessionOptions);
  } catch (err) {
    throw new FixtureError(file, "", `onnxruntime cannot load the model (${describeOrtError(err)})`);
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
    const feeds: Record<string, OrtTensorLike> = {};
    for (const [name, t] of Object.entries(inputs)) {
      feeds[name] = t instanceof Int64Tensor ? integerFeed(ort, session, name, t, file) : new ort.Tensor(t.dtype, ownBuffer(t.data), [...t.shape]);
    }
    let results: Record<string, unknown>;
    try {
      results = await session.run(feeds, [...outputNames]);
    } catch (err) {
      throw new FixtureError(file, "", `onnxruntime failed to run the model (${describeOrtError(err)})`);
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

/** What a case feeds its ONNX graph: `input`, and `hx`, `cx`, `lengths` only when the fixture has them. */
export function onnxFeeds(f: Fixture): Record<string, Tensor | Int64Tensor> {
  const inputs: Record<string, Tensor | Int64Tensor> = { input: f.inputs.input };
  if (f.inputs.hx) inputs.hx = f.inputs.hx;
  if (f.inputs.cx) inputs.cx = f.inputs.cx;
  if (f.inputs.lengths) inputs.lengths = f.inputs.lengths;
  return inputs;
}

/** The graph's outputs must have the fixture's dtype and shape, tensor by tensor. */
export function checkOnnxOutputs(f: Fixture, out: Readonly<Record<string, Tensor>>, file: string): void {
  for (const name of onnxOutputNames(f.module)) {
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
}

/**
 * A fixture's ONNX model (its bytes) run by `ort` on the fixture's inputs. Outputs are the ones an
 * ONNX graph can produce (`output`, `h_n`, `c_n`, `h_prime`, `h1`, `c1`; a packed case's `output`
 * is padded with zeros), named as in the fixture, and must have its shapes and dtype.
 */
export async function runOrtForFixture(ort: OrtModule, sessionOptions: OrtSessionOptions, f: Fixture, bytes: Uint8Array, file: string): Promise<Record<string, Tensor>> {
  const out = await runOrtModel(ort, sessionOptions, bytes, onnxFeeds(f), { file, outputNames: onnxOutputNames(f.module) });
  checkOnnxOutputs(f, out, file);
  return out;
}
