/** The benchmark's shape ladder and the arithmetic that turns a shape into a FLOP count. */

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
): Workload {
  return { name, module, seqLen, batch, inputSize, hiddenSize, numLayers, bidirectional };
}

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
  for (let layer = 0; layer < w.numLayers; layer++) {
    const perDirection = 2 * w.batch * w.seqLen * gateCount(w.module) * w.hiddenSize * (layerInputSize(w, layer) + w.hiddenSize);
    flops += perDirection * numDirections(w);
  }
  return flops;
}

export function describeShape(w: Workload): string {
  const extra = w.numLayers > 1 || w.bidirectional ? ` L${w.numLayers}${w.bidirectional ? " bi" : ""}` : "";
  return `${w.seqLen}x${w.batch}x${w.inputSize}x${w.hiddenSize}${extra}`;
}

/** Workloads whose name equals one of the comma-separated names or matches a /regex/; all when none given. */
export function filterWorkloads(all: readonly Workload[], filter: string | undefined): Workload[] {
  if (filter === undefined || filter.trim() === "") return [...all];
  const patterns = filter.split(",").map((p) => p.trim()).filter((p) => p !== "");
  const matches = (name: string): boolean =>
    patterns.some((p) => (p.length > 2 && p.startsWith("/") && p.endsWith("/") ? new RegExp(p.slice(1, -1)).test(name) : name === p));
  return all.filter((w) => matches(w.name));
}
