import type { FloatArray } from "../tensor/dtype.js";
import type { Nonlinearity } from "./activation.js";
import { gemmABt } from "./gemm.js";
import { tanhF32 } from "./tanh-f32.js";

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
 * The roundings sit where torch's CPU kernel materialises tensors: `linear_hh(h)` (an addmm) is
 * stored into `pre`, `.add_(ih)` is stored into `pre` again, and the activation's result is
 * stored into `out`. `pre` has the module's dtype, so for float32 each store is exactly
 * Math.fround and for float64 it is the identity: one code path serves both dtypes.
 *
 * The recurrent product is a (batch × H) · (H × H)ᵀ GEMM, so it gets the register-blocked kernel;
 * the epilogue is one tight loop per batch row. Primitive arguments only: nothing is allocated.
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
  pre: FloatArray,
  out: FloatArray,
  outOffset: number,
  outLd: number,
  isTanh: boolean,
): void {
  const H = hiddenSize;
  gemmABt(batch, H, H, hPrev, hOffset, hLd, wHh, 0, H, bHh, pre, 0, H);
  const f32 = out instanceof Float32Array;
  for (let b = 0; b < batch; b++) {
    const ihRow = ihOffset + b * ihLd;
    const outRow = outOffset + b * outLd;
    const preRow = b * H;
    if (isTanh && f32) {
      for (let j = 0; j < H; j++) {
        pre[preRow + j] = pre[preRow + j]! + ih[ihRow + j]!;
        out[outRow + j] = tanhF32(pre[preRow + j]!);
      }
    } else if (isTanh) {
      for (let j = 0; j < H; j++) {
        pre[preRow + j] = pre[preRow + j]! + ih[ihRow + j]!;
        out[outRow + j] = Math.tanh(pre[preRow + j]!);
      }
    } else {
      for (let j = 0; j < H; j++) {
        pre[preRow + j] = pre[preRow + j]! + ih[ihRow + j]!;
        // Math.max, not a comparison: NaN stays NaN and -0 becomes +0, as torch's relu.
        out[outRow + j] = Math.max(0, pre[preRow + j]!);
      }
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
  /** Scratch of at least batch * hiddenSize elements, same dtype as the output. */
  preScratch: FloatArray;
}

/**
 * Runs one layer in one direction over the whole sequence. The input projection of every time
 * step is one matrix product (rounded to the dtype as torch's `linear_ih` is); only the
 * recurrent product is done step by step, reading the previous step's state straight from the
 * output buffer.
 */
export function rnnLayerDirection(args: LayerDirectionArgs): void {
  const { layout, inputSize, hiddenSize: H, weights, output, outputLd: ldo, outputCol: col } = args;
  const { seqLen, batch, timeStride: ts, batchStride: bs } = layout;
  const rows = seqLen * batch;
  if (rows === 0) return;
  const ihScratch = args.ihScratch;
  gemmABt(rows, H, inputSize, args.input, 0, inputSize, weights.wIh, 0, inputSize, weights.bIh, ihScratch, 0, H);
  const isTanh = args.nonlinearity === "tanh";
  const step = args.reverse ? -1 : 1;
  const first = args.reverse ? seqLen - 1 : 0;
  const outBatchLd = bs * ldo;
  let hSrc = args.h0;
  let hOff = args.h0Offset;
  let hLd = H;
  let t = first;
  for (let i = 0; i < seqLen; i++, t += step) {
    const outOff = t * ts * ldo + col;
    rnnStep(
      batch, H,
      hSrc, hOff, hLd,
      weights.wHh, weights.bHh,
      ihScratch, t * ts * H, bs * H,
      args.preScratch,
      output, outOff, outBatchLd,
      isTanh,
    );
    hSrc = output;
    hOff = outOff;
    hLd = outBatchLd;
  }
  const hN = args.hN;
  for (let b = 0; b < batch; b++) {
    const src = hOff + b * outBatchLd;
    const dst = args.hNOffset + b * H;
    for (let j = 0; j < H; j++) hN[dst + j] = output[src + j]!;
  }
}
