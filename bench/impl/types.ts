/** What every benchmarked implementation provides. */
import type { WorkloadData } from "../data.js";
import type { Workload } from "../workloads.js";

export type ImplementationName = "ts" | "onnxruntime" | "tfjs";

export const IMPLEMENTATIONS: readonly ImplementationName[] = ["ts", "onnxruntime", "tfjs"];

/**
 * A model built for one workload. `forward` runs the full forward pass on the workload's input and
 * returns the top layer's `output` [seqLen, batch, D*hidden] as float32. It is synchronous when the
 * implementation is, so the timing loop does not add a promise round-trip the API itself does not need.
 */
export interface Runner {
  forward(): Float32Array | Promise<Float32Array>;
  dispose(): Promise<void> | void;
}

export interface Implementation {
  readonly name: ImplementationName;
  /** Library version shown in the machine header. */
  readonly version: string;
  prepare(w: Workload, data: WorkloadData): Promise<Runner>;
}
