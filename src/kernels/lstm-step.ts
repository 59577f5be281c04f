import type { FloatArray } from "../tensor/dtype.js";
import { identity, sigmoid } from "./activation.js";
import { gemmABt } from "./gemm.js";
import type { GateFamily, LayerWeights } from "./recurrent-layer.js";
import { tanhF32 } from "./tanh-f32.js";

/**
 * torch's LSTM cell (aten/src/ATen/native/RNN.cpp, LSTMCell), gates stacked i, f, g, o:
 *   gates = round(round(h · W_hhᵀ + b_hh) + ih)          linear_hh(hx).add_(input gates)
 *   i, f, o = round(σ(·)), g = round(tanh(·))
 *   c' = round(round(f · c) + round(i · g))
 *   h' = round(o · round(tanh(c')))  then, with a projection, round(h' · W_hrᵀ)
 * Each round() is a float32 store where torch materialises a float32 tensor (identity for
 * float64), so the scalar arithmetic follows torch's native kernel step for step.
 */
export function lstmFamily(hiddenSize: number, projSize: number): GateFamily {
  const H = hiddenSize;
  const P = projSize;
  const S = P > 0 ? P : H;
  return {
    gates: 4,
    // the gate pre-activations, then (with a projection) the unprojected h'
    scratchPerRow: P > 0 ? 5 * H : 4 * H,
    step(n: number, w: LayerWeights, ih: FloatArray, ihOff: number, ihLd: number, h: FloatArray, c: FloatArray | null, g: FloatArray): void {
      if (c === null) throw new Error("internal: LSTM step without a cell state");
      gemmABt(n, 4 * H, S, h, 0, S, w.wHh, 0, S, w.bHh, g, 0, 4 * H);
      const f32 = g instanceof Float32Array;
      const fr = f32 ? Math.fround : identity;
      const th = f32 ? tanhF32 : Math.tanh;
      // Without a projection h' goes straight into h (the product above already read it).
      const out = P > 0 ? g : h;
      const outBase = P > 0 ? n * 4 * H : 0;
      for (let b = 0; b < n; b++) {
        const row = b * 4 * H;
        const ihRow = ihOff + b * ihLd;
        for (let j = 0; j < 4 * H; j++) g[row + j] = g[row + j]! + ih[ihRow + j]!;
        const cRow = b * H;
        const oRow = outBase + b * H;
        for (let j = 0; j < H; j++) {
          const ig = fr(sigmoid(g[row + j]!));
          const fg = fr(sigmoid(g[row + H + j]!));
          const gg = fr(th(g[row + 2 * H + j]!));
          const og = fr(sigmoid(g[row + 3 * H + j]!));
          const cy = fr(fr(fg * c[cRow + j]!) + fr(ig * gg));
          c[cRow + j] = cy;
          out[oRow + j] = og * fr(th(cy));
        }
      }
      if (P > 0) gemmABt(n, P, H, g, outBase, H, w.wHr!, 0, H, null, h, 0, P);
    },
  };
}
