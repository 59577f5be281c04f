import type { FloatArray } from "../tensor/dtype.js";
import type { Nonlinearity } from "./activation.js";
import { gemmABt } from "./gemm.js";

/** One layer-direction's parameters, torch's layout: weights (H × in) and (H × H), biases (H) or null. */
export interface RnnWeights {
  wIh: FloatArray;
  wHh: FloatArray;
  bIh: FloatArray | null;
  bHh: FloatArray | null;
}

/**
 * Where row (t, b) of a sequence buffer lives: row index `t * timeStride + b * batchStride`.
 * Time-major (L, N, ·) has timeStride N, batchStride 1; batch-first (N, L, ·) has timeStride 1,
 * batchStride L. Kernels work in the caller's layout, so batch_first never costs a transpose.
 */
export interface SequenceLayout {
  seqLen: number;
  batch: number;
  timeStride: number;
  batchStride: number;
}

export function timeMajorLayout(seqLen: number, batch: number): SequenceLayout {
  return { seqLen, batch, timeStride: batch, batchStride: 1 };
}

export function batchFirstLayout(seqLen: number, batch: number): SequenceLayout {
  return { seqLen, batch, timeStride: 1, batchStride: seqLen };
}

/**
 * One recurrent step for a whole batch:
 *   out[b] = act(round(round(hPrev[b] · W_hhᵀ + b_hh) + ih[b]))
 *
 * The two roundings (when `roundToFloat32`) sit where torch's CPU kernel materialises float32
 * tensors: `linear_hh(h)` (an addmm), then `.add_(ih)`; the activation's result is rounded by the
 * store into `out`. Primitive arguments only, so the per-step call allocates nothing.
 */
export function rnnStep(
  batch: number,
  hiddenSize: number,
  hPrev: FloatArray,
  hOffset: number,
  hLd: number,
  wHh: FloatArray,
  bHh: FloatArray | null,
  ih: FloatArray,
  ihOffset: number,
  ihLd: number,
  out: FloatArray,
  outOffset: number,
  outLd: number,
  isTanh: boolean,
  roundToFloat32: boolean,
): void {
  const H = hiddenSize;
  for (let b = 0; b < batch; b++) {
    const hRow = hOffset + b * hLd;
    const ihRow = ihOffset + b * ihLd;
    const outRow = outOffset + b * outLd;
    for (let j = 0; j < H; j++) {
      const wRow = j * H;
      let acc = 0;
      for (let p = 0; p < H; p++) acc += hPrev[hRow + p]! * wHh[wRow + p]!;
      if (bHh !== null) acc += bHh[j]!;
      let s: number;
      if (roundToFloat32) {
        s = Math.fround(Math.fround(acc) + ih[ihRow + j]!);
      } else {
        s = acc + ih[ihRow + j]!;
      }
      out[outRow + j] = isTanh ? Math.tanh(s) : Math.max(0, s);
    }
  }
}

export interface LayerDirectionArgs {
  layout: SequenceLayout;
  inputSize: number;
  hiddenSize: number;
  nonlinearity: Nonlinearity;
  /** Process time steps from last to first (torch's `_reverse` direction). */
  reverse: boolean;
  roundToFloat32: boolean;
  /** The layer input in `layout`, rows of `inputSize` elements, starting at 0. */
  input: FloatArray;
  weights: RnnWeights;
  /** Initial hidden state, (batch × H) rows at `h0Offset + b * hiddenSize`. */
  h0: FloatArray;
  h0Offset: number;
  /** The layer output in `layout`, rows of `outputLd` elements; this direction writes columns [outputCol, outputCol + H). */
  output: FloatArray;
  outputLd: number;
  outputCol: number;
  /** Final hidden state, written as (batch × H) rows at `hNOffset + b * hiddenSize`. */
  hN: FloatArray;
  hNOffset: number;
  /** Scratch of at least seqLen * batch * hiddenSize elements, same dtype as the output. */
  ihScratch: FloatArray;
}

/**
 * Runs one layer in one direction over the whole sequence. The input projection of every time
 * step is one matrix product (rounded to the dtype as torch's `linear_ih` is); only the
 * recurrent product is done step by step.
 */
export function rnnLayerDirection(args: LayerDirectionArgs): void {
  const { layout, inputSize, hiddenSize: H, weights, output, outputLd: ldo, outputCol: col } = args;
  const { seqLen, batch, timeStride: ts, batchStride: bs } = layout;
  const rows = seqLen * batch;
  if (rows === 0) return;
  gemmABt(
    rows,
    H,
    inputSize,
    { data: args.input, offset: 0, ld: inputSize },
    { data: weights.wIh, offset: 0, ld: inputSize },
    weights.bIh,
    { data: args.ihScratch, offset: 0, ld: H },
  );
  const isTanh = args.nonlinearity === "tanh";
  const step = args.reverse ? -1 : 1;
  const first = args.reverse ? seqLen - 1 : 0;
  const outBatchLd = bs * ldo;
  let prevT = -1;
  for (let i = 0, t = first; i < seqLen; i++, t += step) {
    const hSrc = prevT < 0 ? args.h0 : output;
    const hOff = prevT < 0 ? args.h0Offset : prevT * ts * ldo + col;
    const hLd = prevT < 0 ? H : outBatchLd;
    rnnStep(
      batch, H,
      hSrc, hOff, hLd,
      weights.wHh, weights.bHh,
      args.ihScratch, t * ts * H, bs * H,
      output, t * ts * ldo + col, outBatchLd,
      isTanh, args.roundToFloat32,
    );
    prevT = t;
  }
  const lastOff = prevT * ts * ldo + col;
  for (let b = 0; b < batch; b++) {
    const src = lastOff + b * outBatchLd;
    const dst = args.hNOffset + b * H;
    for (let j = 0; j < H; j++) args.hN[dst + j] = output[src + j]!;
  }
}
