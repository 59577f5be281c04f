/** The benchmark's shape ladder and the arithmetic that turns a shape into a FLOP count. */
import { mulberry32 } from "../src/core/nn/parameters.js";

/** The torch.nn class a workload runs; the gated ones stack 3 (GRU) or 4 (LSTM) gates per weight. */
export type BenchModule = "RNN" | "LSTM" | "GRU";

export const BENCH_MODULES: readonly BenchModule[] = ["RNN", "LSTM", "GRU"];

export interface Workload {
  readonly name: string;
  readonly module: BenchModule;
  readonly seqLen: number;
  readonly batch: number;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bidirectional: boolean;
  /**
   * The padded-batch workload's sequence lengths (caller's batch order), or null for a full batch.
   * Drawn once from a fixed seed (not --seed), so the FLOP count is a property of the workload.
   */
  readonly lengths: readonly number[] | null;
}

function workload(
  module: BenchModule,
  name: string,
  seqLen: number,
  batch: number,
  inputSize: number,
  hiddenSize: number,
  numLayers = 1,
  bidirectional = false,
  lengths: readonly number[] | null = null,
): Workload {
  return { name, module, seqLen, batch, inputSize, hiddenSize, numLayers, bidirectional, lengths };
}

/** Lengths uniform in [1, seqLen], one per batch row, from mulberry32(seed). */
export function uniformLengths(seqLen: number, batch: number, seed: number): number[] {
  const random = mulberry32(seed);
  return Array.from({ length: batch }, () => 1 + Math.floor(random() * seqLen));
}

const PADDED_SEED = 16;

/**
 * Issue 6's ladder (seq, batch, input, hidden), plus a stacked bidirectional case at the small
 * shape, for each module. RNN rows keep their bare names (comparable with earlier runs); the gated
 * modules' rows are prefixed `lstm-` and `gru-`.
 */
function ladder(module: BenchModule): Workload[] {
  const prefix = module === "RNN" ? "" : `${module.toLowerCase()}-`;
  return [
    workload(module, `${prefix}tutorial`, 3, 1, 4, 2),
    workload(module, `${prefix}small`, 50, 16, 64, 128),
    workload(module, `${prefix}medium`, 100, 32, 256, 256),
    workload(module, `${prefix}large`, 200, 64, 512, 512),
    workload(module, `${prefix}small-2l-bi`, 50, 16, 64, 128, 2, true),
    // A variable-length batch: packed input (lengths unsorted), bidirectional so the reverse
    // direction's per-sequence start is part of what every implementation must agree on.
    workload(module, `${prefix}padded`, 50, 16, 64, 128, 1, true, uniformLengths(50, 16, PADDED_SEED)),
  ];
}

export const WORKLOADS: readonly Workload[] = BENCH_MODULES.flatMap(ladder);

/** Gates stacked in each weight matrix: torch's i,f,g,o for LSTM, r,z,n for GRU. */
export function gateCount(module: BenchModule): number {
  return module === "LSTM" ? 4 : module === "GRU" ? 3 : 1;
}

export function numDirections(w: Workload): number {
  return w.bidirectional ? 2 : 1;
}

/** Input width of layer `layer`: the input size for the first, the concatenated directions after. */
export function layerInputSize(w: Workload, layer: number): number {
  return layer === 0 ? w.inputSize : numDirections(w) * w.hiddenSize;
}

/**
 * Multiply-adds of the two matrix products, counted as 2 FLOPs each: per layer and direction
 * 2·B·S·G·H·(I_layer + H) with G gates. Bias adds, gate arithmetic and activations are left out,
 * as is customary for GEMM-bound work.
 */
export function forwardFlops(w: Workload): number {
  let flops = 0;
  // A padded batch computes only its valid (time, batch) rows.
  const rows = w.lengths === null ? w.batch * w.seqLen : w.lengths.reduce((a, b) => a + b, 0);
  for (let layer = 0; layer < w.numLayers; layer++) {
    const perDirection = 2 * rows * gateCount(w.module) * w.hiddenSize * (layerInputSize(w, layer) + w.hiddenSize);
    flops += perDirection * numDirections(w);
  }
  return flops;
}

export function describeShape(w: Workload): string {
  const extra = w.numLayers > 1 || w.bidirectional ? ` L${w.numLayers}${w.bidirectional ? " bi" : ""}` : "";
  const packed = w.lengths === null ? "" : " packed";
  return `${w.seqLen}x${w.batch}x${w.inputSize}x${w.hiddenSize}${extra}${packed}`;
}

/** Workloads whose name equals one of the comma-separated names or matches a /regex/; all when none given. */
export function filterWorkloads(all: readonly Workload[], filter: string | undefined): Workload[] {
  if (filter === undefined || filter.trim() === "") return [...all];
  const patterns = filter.split(",").map((p) => p.trim()).filter((p) => p !== "");
  const matches = (name: string): boolean =>
    patterns.some((p) => (p.length > 2 && p.startsWith("/") && p.endsWith("/") ? new RegExp(p.slice(1, -1)).test(name) : name === p));
  return all.filter((w) => matches(w.name));
}
