import type { FloatArray } from "../tensor/dtype.js";
import { gemmABt } from "./gemm.js";
import type { RnnWeights, SequenceLayout } from "./rnn-layer.js";
import type { GateKernel } from "./wasm-gates.js";

/**
 * One layer-direction's parameters in torch's layout, for every gate family: W_ih (G·H × in),
 * W_hh (G·H × S), biases (G·H) or null, and LSTM's projection W_hr (P × H) or null. G is the
 * number of gates (RNN 1, GRU 3, LSTM 4) and S the width of h (P with a projection, else H).
 */
export interface LayerWeights extends RnnWeights {
  wHr: FloatArray | null;
}

/**
 * A gate family's arithmetic, free of module concerns. `step` advances rows [0, n) of the state
 * by one time step: `ih` holds the input projection (G·H values per row at `ihOff + b·ihLd`), h
 * (n × S, packed) and c (n × H, LSTM only) are updated in place; `scratch` has at least
 * n · scratchPerRow elements of the module's dtype.
 */
export interface GateFamily {
  readonly gates: number;
  readonly scratchPerRow: number;
  /** LSTM's projection size P (h' is then round(h'_raw · W_hrᵀ)), 0 for every other family. */
  readonly projSize: number;
  /** The WebAssembly kernel (wasm-gates.ts) that does float32 `epilogue`'s arithmetic bit for bit. */
  readonly gateKernel: GateKernel;
  /**
   * The gate arithmetic after the recurrent product, which `step` runs (the float32 WebAssembly
   * engine runs `gateKernel` instead, which gives the same bits): rows b < n of `g` (at gOff + b·gLd) hold
   * round(h · W_hhᵀ + b_hh) and may be overwritten; `ih` as for step; h (n × S, packed) is read,
   * c (n × H) updated, and h' written to `out` (row b at outOff + b·outLd), which is h itself
   * or, with a projection, where the unprojected h' goes before the caller projects it.
   */
  epilogue(
    n: number,
    ih: FloatArray,
    ihOff: number,
    ihLd: number,
    g: FloatArray,
    gOff: number,
    gLd: number,
    h: FloatArray,
    c: FloatArray | null,
    out: FloatArray,
    outOff: number,
    outLd: number,
  ): void;
  step(
    n: number,
    weights: LayerWeights,
    ih: FloatArray,
    ihOff: number,
    ihLd: number,
    h: FloatArray,
    c: FloatArray | null,
    scratch: FloatArray,
  ): void;
}

/**
 * Which rows of a sequence buffer time step t occupies: `first[t] + b · stride` for b < count[t].
 * A padded batch has all `batch` rows at every step; a packed batch (sequences sorted by length,
 * rows time-major) has count[t] = batch_sizes[t] rows from the sum of the earlier batch sizes,
 * so the rows still running are always the first count[t] of the state.
 */
export interface StepSchedule {
  readonly seqLen: number;
  readonly batch: number;
  readonly rows: number;
  readonly stride: number;
  readonly first: readonly number[];
  readonly count: readonly number[];
}

export function paddedSchedule(layout: SequenceLayout): StepSchedule {
  const { seqLen, batch, timeStride, batchStride } = layout;
  const first: number[] = [];
  const count: number[] = [];
  for (let t = 0; t < seqLen; t++) {
    first.push(t * timeStride);
    count.push(batch);
  }
  return { seqLen, batch, rows: seqLen * batch, stride: batchStride, first, count };
}

export function packedSchedule(batchSizes: readonly number[]): StepSchedule {
  const first: number[] = [];
  let rows = 0;
  for (const n of batchSizes) {
    first.push(rows);
    rows += n;
  }
  return { seqLen: batchSizes.length, batch: batchSizes[0] ?? 0, rows, stride: 1, first, count: batchSizes };
}

/** What one layer-direction computes, on either kernel path (scalar here, or wasm-layer.ts's engine). */
export interface DirectionArgs {
  schedule: StepSchedule;
  family: GateFamily;
  inputSize: number;
  hiddenSize: number;
  /** Width S of h: the projection size, or hiddenSize without one. */
  stateSize: number;
  /** Process time steps from last to first (torch's `_reverse` direction). */
  reverse: boolean;
  weights: LayerWeights;
  /** Initial states: batch rows of S (h) and H (c) elements at the offsets; c0 null without a cell state. */
  h0: FloatArray;
  h0Offset: number;
  c0: FloatArray | null;
  c0Offset: number;
  /** The layer output, rows of `outputLd` elements; this direction writes columns [outputCol, outputCol + S). */
  output: FloatArray;
  outputLd: number;
  outputCol: number;
  /** Final states, written like h0 and c0. */
  hN: FloatArray;
  hNOffset: number;
  cN: FloatArray | null;
  cNOffset: number;
}

/** The scalar path's input and scratch (the engine keeps its own in WebAssembly memory). */
export interface DirectionBuffers {
  /** The layer input, `schedule.rows` rows of `inputSize` elements. */
  input: FloatArray;
  /** Scratch: rows·G·H (ih), batch·S (h), batch·H (c), batch·scratchPerRow (scratch). */
  ih: FloatArray;
  h: FloatArray;
  c: FloatArray | null;
  scratch: FloatArray;
}

/**
 * Runs one layer in one direction over the whole sequence, for any gate family. The input
 * projection of every time step is one matrix product, rounded to the dtype as torch's
 * `linear_ih` is; the step then runs on a state buffer of its own, so rows that have finished
 * (packed batches shrink over time) keep their last state, and in the reverse direction a row
 * joins with its h0 at its own last valid step, as torch's packed kernels do.
 */
export function runLayerDirection(a: DirectionArgs, buf: DirectionBuffers): void {
  const { schedule, family, hiddenSize: H, stateSize: S, weights, output, outputLd: ldo, outputCol: col } = a;
  const { seqLen, batch, rows, stride } = schedule;
  const GH = family.gates * H;
  gemmABt(rows, GH, a.inputSize, buf.input, 0, a.inputSize, weights.wIh, 0, a.inputSize, weights.bIh, buf.ih, 0, GH);
  const h = buf.h;
  const c = buf.c;
  copy(a.h0, a.h0Offset, h, 0, batch * S);
  if (c !== null && a.c0 !== null) copy(a.c0, a.c0Offset, c, 0, batch * H);
  for (let i = 0; i < seqLen; i++) {
    const t = a.reverse ? seqLen - 1 - i : i;
    const n = schedule.count[t]!;
    if (n === 0) continue;
    const first = schedule.first[t]!;
    family.step(n, weights, buf.ih, first * GH, stride * GH, h, c, buf.scratch);
    for (let b = 0; b < n; b++) {
      const o = (first + b * stride) * ldo + col;
      for (let j = 0; j < S; j++) output[o + j] = h[b * S + j]!;
    }
  }
  copy(h, 0, a.hN, a.hNOffset, batch * S);
  if (a.cN !== null && c !== null) copy(c, 0, a.cN, a.cNOffset, batch * H);
}

/**
 * dst[dstOff + i] = src[srcOff + i] for i < n. Short copies (the tutorial's states are a few
 * elements) by a loop: `set(subarray(...))` allocates a view per call.
 */
export function copy(src: FloatArray, srcOff: number, dst: FloatArray, dstOff: number, n: number): void {
  if (n > 64) {
    dst.set(src.subarray(srcOff, srcOff + n), dstOff);
    return;
  }
  for (let i = 0; i < n; i++) dst[dstOff + i] = src[srcOff + i]!;
}
