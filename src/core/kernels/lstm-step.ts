import { InternalError } from "../errors.js";
import type { FloatArray } from "../tensor/dtype.js";
import { sigmoidF64 as sigmoid } from "./tanh-f64.js";
import { gemmABt } from "./gemm.js";
import type { GateFamily, LayerWeights } from "./recurrent-layer.js";
import { sigmoidF32, tanhF32 } from "./tanh-f32.js";
import { tanhF64 } from "./tanh-f64.js";

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
  const family: GateFamily = {
    gates: 4,
    // the gate pre-activations, then (with a projection) the unprojected h'
    scratchPerRow: P > 0 ? 5 * H : 4 * H,
    projSize: P,
    gateKernel: "lstm",
    epilogue(n, ih, ihOff, ihLd, g, gOff, gLd, _h, c, out, outOff, outLd): void {
      if (c === null) throw new InternalError("internal: LSTM step without a cell state");
      if (g instanceof Float32Array) lstmEpilogueF32(H, n, ih, ihOff, ihLd, g, gOff, gLd, c, out, outOff, outLd);
      else lstmEpilogueF64(H, n, ih, ihOff, ihLd, g, gOff, gLd, c, out, outOff, outLd);
    },
    step(n: number, w: LayerWeights, ih: FloatArray, ihOff: number, ihLd: number, h: FloatArray, c: FloatArray | null, g: FloatArray): void {
      gemmABt(n, 4 * H, S, h, 0, S, w.wHh, 0, S, w.bHh, g, 0, 4 * H);
      // Without a projection h' goes straight into h (the product above already read it).
      if (P === 0) {
        family.epilogue(n, ih, ihOff, ihLd, g, 0, 4 * H, h, c, h, 0, H);
        return;
      }
      family.epilogue(n, ih, ihOff, ihLd, g, 0, 4 * H, h, c, g, n * 4 * H, H);
      gemmABt(n, P, H, g, n * 4 * H, H, w.wHr!, 0, H, null, h, 0, P);
    },
  };
  return family;
}

/**
 * The float32 gate arithmetic. Math.fround, tanhF32 and sigmoidF32 are written out rather than
 * chosen through variables as the float64 version's dtype-neutral shape would need: the call
 * sites stay monomorphic and V8 inlines them (LSTM medium forward: 162 -> 154 ms of CPU time).
 * fround(g + ih) is the rounding of torch's `.add_(input gates)` store, done in registers.
 */
function lstmEpilogueF32(
  H: number, n: number, ih: FloatArray, ihOff: number, ihLd: number, g: Float32Array, gOff: number, gLd: number,
  c: FloatArray, out: FloatArray, outOff: number, outLd: number,
): void {
  const fr = Math.fround;
  for (let b = 0; b < n; b++) {
    const row = gOff + b * gLd;
    const ihRow = ihOff + b * ihLd;
    const cRow = b * H;
    const oRow = outOff + b * outLd;
    for (let j = 0; j < H; j++) {
      const ig = fr(sigmoidF32(fr(g[row + j]! + ih[ihRow + j]!)));
      const fg = fr(sigmoidF32(fr(g[row + H + j]! + ih[ihRow + H + j]!)));
      const gg = fr(tanhF32(fr(g[row + 2 * H + j]! + ih[ihRow + 2 * H + j]!)));
      const og = fr(sigmoidF32(fr(g[row + 3 * H + j]! + ih[ihRow + 3 * H + j]!)));
      const cy = fr(fr(fg * c[cRow + j]!) + fr(ig * gg));
      c[cRow + j] = cy;
      out[oRow + j] = og * fr(tanhF32(cy));
    }
  }
}

/** The float64 gate arithmetic: the same expressions without roundings (stores into Float64Array are exact). */
function lstmEpilogueF64(
  H: number, n: number, ih: FloatArray, ihOff: number, ihLd: number, g: FloatArray, gOff: number, gLd: number,
  c: FloatArray, out: FloatArray, outOff: number, outLd: number,
): void {
  for (let b = 0; b < n; b++) {
    const row = gOff + b * gLd;
    const ihRow = ihOff + b * ihLd;
    const cRow = b * H;
    const oRow = outOff + b * outLd;
    for (let j = 0; j < H; j++) {
      const ig = sigmoid(g[row + j]! + ih[ihRow + j]!);
      const fg = sigmoid(g[row + H + j]! + ih[ihRow + H + j]!);
      const gg = tanhF64(g[row + 2 * H + j]! + ih[ihRow + 2 * H + j]!);
      const og = sigmoid(g[row + 3 * H + j]! + ih[ihRow + 3 * H + j]!);
      const cy = fg * c[cRow + j]! + ig * gg;
      c[cRow + j] = cy;
      out[oRow + j] = og * tanhF64(cy);
    }
  }
}
