import type { FloatArray } from "../tensor/dtype.js";
import { sigmoidF64 as sigmoid } from "./tanh-f64.js";
import { gemmABt } from "./gemm.js";
import type { GateFamily, LayerWeights } from "./recurrent-layer.js";
import { sigmoidF32, tanhF32 } from "./tanh-f32.js";
import { tanhF64 } from "./tanh-f64.js";

/**
 * torch's GRU cell (aten/src/ATen/native/RNN.cpp, GRUCell), gates stacked r, z, n:
 *   hg = round(h · W_hhᵀ + b_hh)                          linear_hh(hx), bias included
 *   r = round(σ(round(hg_r + ih_r))), z = round(σ(round(hg_z + ih_z)))
 *   n = round(tanh(round(ih_n + round(hg_n · r))))         the reset gate scales W_hn h + b_hn
 *   h' = round(round(round(h − n) · z) + n)                torch's (h − n)·z + n, which is
 *                                                          (1 − z)·n + z·h rounded its way
 * Each round() is a float32 store where torch materialises a float32 tensor (identity for float64).
 */
export function gruFamily(hiddenSize: number): GateFamily {
  const H = hiddenSize;
  const family: GateFamily = {
    gates: 3,
    scratchPerRow: 3 * H,
    projSize: 0,
    gateKernel: "gru",
    epilogue(n, ih, ihOff, ihLd, g, gOff, gLd, h, _c, out, outOff, outLd): void {
      if (g instanceof Float32Array) gruEpilogueF32(H, n, ih, ihOff, ihLd, g, gOff, gLd, h, out, outOff, outLd);
      else gruEpilogueF64(H, n, ih, ihOff, ihLd, g, gOff, gLd, h, out, outOff, outLd);
    },
    step(n: number, w: LayerWeights, ih: FloatArray, ihOff: number, ihLd: number, h: FloatArray, _c: FloatArray | null, g: FloatArray): void {
      gemmABt(n, 3 * H, H, h, 0, H, w.wHh, 0, H, w.bHh, g, 0, 3 * H);
      // h' over h in place: element j of row b is read just before it is written.
      family.epilogue(n, ih, ihOff, ihLd, g, 0, 3 * H, h, null, h, 0, H);
    },
  };
  return family;
}

/**
 * The float32 gate arithmetic, with Math.fround, tanhF32 and sigmoidF32 written out so the call
 * sites stay monomorphic and V8 inlines them (as lstm-step.ts). out may be h: element j of row b
 * is read just before it is written.
 */
function gruEpilogueF32(
  H: number, n: number, ih: FloatArray, ihOff: number, ihLd: number, g: Float32Array, gOff: number, gLd: number,
  h: FloatArray, out: FloatArray, outOff: number, outLd: number,
): void {
  const fr = Math.fround;
  for (let b = 0; b < n; b++) {
    const row = gOff + b * gLd;
    const ihRow = ihOff + b * ihLd;
    const hRow = b * H;
    const oRow = outOff + b * outLd;
    for (let j = 0; j < H; j++) {
      const r = fr(sigmoidF32(fr(g[row + j]! + ih[ihRow + j]!)));
      const z = fr(sigmoidF32(fr(g[row + H + j]! + ih[ihRow + H + j]!)));
      const nn = fr(tanhF32(fr(ih[ihRow + 2 * H + j]! + fr(g[row + 2 * H + j]! * r))));
      out[oRow + j] = fr(fr(h[hRow + j]! - nn) * z) + nn;
    }
  }
}

/** The float64 gate arithmetic: the same expressions without roundings. */
function gruEpilogueF64(
  H: number, n: number, ih: FloatArray, ihOff: number, ihLd: number, g: FloatArray, gOff: number, gLd: number,
  h: FloatArray, out: FloatArray, outOff: number, outLd: number,
): void {
  for (let b = 0; b < n; b++) {
    const row = gOff + b * gLd;
    const ihRow = ihOff + b * ihLd;
    const hRow = b * H;
    const oRow = outOff + b * outLd;
    for (let j = 0; j < H; j++) {
      const r = sigmoid(g[row + j]! + ih[ihRow + j]!);
      const z = sigmoid(g[row + H + j]! + ih[ihRow + H + j]!);
      const nn = tanhF64(ih[ihRow + 2 * H + j]! + g[row + 2 * H + j]! * r);
      out[oRow + j] = (h[hRow + j]! - nn) * z + nn;
    }
  }
}
