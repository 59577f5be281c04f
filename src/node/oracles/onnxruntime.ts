/**
 * The second oracle: a fixture's ONNX model run by onnxruntime-node on the CPU.
 *
 * Sessions use one intra-op and one inter-op thread (the conformance suite runs many small models
 * in parallel on small machines, and one thread keeps results deterministic) and are released after
 * each run, so no native memory outlives a call.
 */
import { MAX_ONNX_BYTES } from "../../core/format/limits.js";
import { onnxOutputNames, type Fixture } from "../../core/format/types.js";
import { decodeOnnxModel, type OnnxModelProto } from "../../core/onnx/onnx-proto.js";
import {
  checkOnnxOutputs,
  checkOrtInputs,
  onnxFeeds,
  runOrtModel,
  type OrtModule,
  type OrtSessionOptions,
} from "../../core/oracle/onnxruntime-session.js";
import type { Int64Tensor } from "../../core/tensor/int64-tensor.js";
import type { Tensor } from "../../core/tensor/tensor.js";
import { readBounded } from "../readers/read-bounded.js";
import { checkStaticAllocation } from "./onnx-allocation.js";
import { loadOnnxRuntime } from "./ort-loader.js";

export const SESSION_OPTIONS: OrtSessionOptions = {
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
 * The static bound on what the graph makes onnxruntime allocate (onnx-allocation.ts). Bytes that
 * do not decode, or hold no graph, are left to onnxruntime, whose load error is the better message.
 */
function checkModelAllocation(bytes: Uint8Array, file: string): void {
  let model: OnnxModelProto;
  try {
    model = decodeOnnxModel(bytes, file);
  } catch {
    // Not a ModelProto, or one without a graph (decodeOnnxModel refuses both).
    return;
  }
  checkStaticAllocation(model, file);
}

/**
 * Runs a model (a path or the bytes of a ModelProto) on `inputs`, fed under their keys; returns the
 * requested outputs as Tensors. Graph inputs and feeds must match exactly, so a model that expects
 * `hx` is never run with its default. The session itself is core/oracle/onnxruntime-session.ts's,
 * shared with the browser parity run's onnxruntime-web.
 */
export async function runOnnxModel(
  model: string | Uint8Array,
  inputs: Record<string, Tensor | Int64Tensor>,
  options: OnnxRunOptions = {},
): Promise<Record<string, Tensor>> {
  const file = options.file ?? (typeof model === "string" ? model : "<in-memory model>");
  checkOrtInputs(inputs);
  // A path is read here (regular files only, opened without blocking, at most MAX_ONNX_BYTES),
  // never by onnxruntime, which would block on a FIFO and load a model of any size.
  const bytes = typeof model === "string" ? await readBounded(model, MAX_ONNX_BYTES) : model;
  checkModelAllocation(bytes, file);
  const ort: OrtModule = await loadOnnxRuntime();
  return runOrtModel(ort, SESSION_OPTIONS, bytes, inputs, { file, ...(options.outputNames ? { outputNames: options.outputNames } : {}) });
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
  const out = await runOnnxModel(model, onnxFeeds(f), { file, outputNames: onnxOutputNames(f.module) });
  checkOnnxOutputs(f, out, file);
  return out;
}
