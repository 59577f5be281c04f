import type { FloatArray } from "../tensor/dtype.js";
import type { Nonlinearity } from "./activation.js";
import { gemmABt } from "./gemm.js";
import type { GateFamily, LayerWeights } from "./recurrent-layer.js";
import { tanhF32 } from "./tanh-f32.js";
import { tanhF64 } from "./tanh-f64.js";

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
  rnnEpilogue(batch, H, ih, ihOffset, ihLd, pre, 0, H, out, outOffset, outLd, isTanh);
}

/** rnnStep after its product: pre = round(pre + ih), out = act(pre), rows b < batch. */
export function rnnEpilogue(
  batch: number,
  H: number,
  ih: FloatArray,
  ihOffset: number,
  ihLd: number,
  pre: FloatArray,
  preOffset: number,
  preLd: number,
  out: FloatArray,
  outOffset: number,
  outLd: number,
  isTanh: boolean,
): void {
  const f32 = out instanceof Float32Array;
  for (let b = 0; b < batch; b++) {
    const ihRow = ihOffset + b * ihLd;
    const outRow = outOffset + b * outLd;
    const preRow = preOffset + b * preLd;
    if (isTanh && f32) {
      for (let j = 0; j < H; j++) {
        pre[preRow + j] = pre[preRow + j]! + ih[ihRow + j]!;
        out[outRow + j] = tanhF32(pre[preRow + j]!);
      }
    } else if (isTanh) {
      for (let j = 0; j < H; j++) {
        pre[preRow + j] = pre[preRow + j]! + ih[ihRow + j]!;
        out[outRow + j] = tanhF64(pre[preRow + j]!);
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

/**
 * The Elman RNN as a gate family (one gate): the step is {@link rnnStep}, writing h' over h in
 * place, which is safe because the recurrent product has read all of h before the epilogue runs.
 */
export function rnnFamily(hiddenSize: number, nonlinearity: Nonlinearity): GateFamily {
  const H = hiddenSize;
  const isTanh = nonlinearity === "tanh";
  return {
    gates: 1,
    scratchPerRow: H,
    projSize: 0,
    gateKernel: isTanh ? "rnnTanh" : "rnnRelu",
    epilogue(n, ih, ihOff, ihLd, g, gOff, gLd, _h, _c, out, outOff, outLd): void {
      rnnEpilogue(n, H, ih, ihOff, ihLd, g, gOff, gLd, out, outOff, outLd, isTanh);
    },
    step(n: number, w: LayerWeights, ih: FloatArray, ihOff: number, ihLd: number, h: FloatArray, _c: FloatArray | null, pre: FloatArray): void {
      rnnStep(n, H, h, 0, H, w.wHh, w.bHh, ih, ihOff, ihLd, pre, h, 0, H, isTanh);
    },
  };
}
