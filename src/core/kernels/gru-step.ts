import type { FloatArray } from "../tensor/dtype.js";
import { identity, sigmoid } from "./activation.js";
import { gemmABt } from "./gemm.js";
import type { GateFamily, LayerWeights } from "./recurrent-layer.js";
import { tanhF32 } from "./tanh-f32.js";

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
    epilogue(n, ih, ihOff, ihLd, g, gOff, gLd, h, _c, out, outOff, outLd): void {
      const f32 = g instanceof Float32Array;
      const fr = f32 ? Math.fround : identity;
      const th = f32 ? tanhF32 : Math.tanh;
      for (let b = 0; b < n; b++) {
        const row = gOff + b * gLd;
        const ihRow = ihOff + b * ihLd;
        const hRow = b * H;
        const oRow = outOff + b * outLd;
        for (let j = 0; j < H; j++) {
          const r = fr(sigmoid(fr(g[row + j]! + ih[ihRow + j]!)));
          const z = fr(sigmoid(fr(g[row + H + j]! + ih[ihRow + H + j]!)));
          const nn = fr(th(fr(ih[ihRow + 2 * H + j]! + fr(g[row + 2 * H + j]! * r))));
          out[oRow + j] = fr(fr(h[hRow + j]! - nn) * z) + nn;
        }
      }
    },
    step(n: number, w: LayerWeights, ih: FloatArray, ihOff: number, ihLd: number, h: FloatArray, _c: FloatArray | null, g: FloatArray): void {
      gemmABt(n, 3 * H, H, h, 0, H, w.wHh, 0, H, w.bHh, g, 0, 3 * H);
      // h' over h in place: element j of row b is read just before it is written.
      family.epilogue(n, ih, ihOff, ihLd, g, 0, 3 * H, h, null, h, 0, H);
    },
  };
  return family;
}
