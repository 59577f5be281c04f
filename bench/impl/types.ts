/** What every benchmarked implementation provides. */
import type { WorkloadData } from "../data.js";
import type { Workload } from "../workloads.js";

export type ImplementationName = "ts" | "onnxruntime" | "onnxruntime-web" | "tfjs-wasm" | "tfjs";

export const IMPLEMENTATIONS: readonly ImplementationName[] = ["ts", "onnxruntime", "onnxruntime-web", "tfjs-wasm", "tfjs"];

/**
 * A model built for one workload. `forward` runs the full forward pass on the workload's input and
 * returns the top layer's `output` [seqLen, batch, D*hidden] as float32. It is synchronous when the
 * implementation is, so the timing loop does not add a promise round-trip the API itself does not need.
 */
export interface Runner {
  /**
   * Called before the first call, the warm-up and every timed sample: makes this runner's
   * environment current (tfjs has one global backend, shared by the cpu and wasm runners).
   */
  activate?(): Promise<void>;
  forward(): Float32Array | Promise<Float32Array>;
  dispose(): Promise<void> | void;
}

export interface Implementation {
  readonly name: ImplementationName;
  /** Library version shown in the machine header. */
  readonly version: string;
  prepare(w: Workload, data: WorkloadData): Promise<Runner>;
}
