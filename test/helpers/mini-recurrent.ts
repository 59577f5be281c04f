/**
 * Tiny, plain reference LSTM and GRU forwards (one layer, batched input, float64 arithmetic) with
 * switches for realistic porting bugs, for test/parity-negative-gated.test.ts. With every switch
 * off each must match PyTorch's fixture (that test checks it first), so a failure with a switch on
 * is caused by that bug alone. Not used anywhere else: the library's modules are src/nn.
 */
import type { Fixture } from "../../src/core/format/types.js";
import { Tensor } from "../../src/core/tensor/tensor.js";

export interface LstmBugs {
  /** h = o * tanh(c), never multiplied by weight_hr (the projection skipped). */
  skipProjection?: boolean;
  /** c_n reported as c · W_hrᵀ (the projection applied to the cell state too). */
  projectCell?: boolean;
  /** The reverse direction's h_n/c_n taken after its first step (time L-1) instead of its last (time 0). */
  reverseStateFromWrongEnd?: boolean;
}

export interface GruBugs {
  /** ONNX's linear_before_reset=0: n = tanh(W_in x + b_in + W_hn (r * h) + b_hn). */
  resetBeforeProduct?: boolean;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

interface Layout {
  seq: number;
  batch: number;
  at: (t: number, n: number, i: number) => number;
}

function layout(f: Fixture): Layout {
  const x = f.inputs.input;
  const batchFirst = "batch_first" in f.config && f.config.batch_first;
  const [a = 0, b = 0, features = 0] = x.shape;
  const [seq, batch] = batchFirst ? [b, a] : [a, b];
  const at = (t: number, n: number, i: number): number =>
    x.data[(batchFirst ? n * seq + t : t * batch + n) * features + i] as number;
  return { seq, batch, at };
}

function param(f: Fixture, name: string): Float32Array | Float64Array | null {
  return f.stateDict[name]?.data ?? null;
}

/** rows [row, row + count) of W (cols columns) times v, plus the biases' same rows. */
function affine(w: ArrayLike<number>, cols: number, row: number, count: number, v: readonly number[], ...biases: (ArrayLike<number> | null)[]): number[] {
  const out: number[] = [];
  for (let r = row; r < row + count; r++) {
    let s = 0;
    for (let c = 0; c < cols; c++) s += (w[r * cols + c] as number) * (v[c] as number);
    for (const b of biases) s += b ? (b[r] as number) : 0;
    out.push(s);
  }
  return out;
}

function store(f: Fixture, values: number[], shape: number[]): Tensor {
  return new Tensor(f.dtype === "float32" ? Float32Array.from(values) : Float64Array.from(values), shape);
}

/** The padded output buffer: [L, N, D*S] or [N, L, D*S] for batch_first. */
function outputTensor(f: Fixture, l: Layout, perStep: number[][][][], size: number, dirs: number): Tensor {
  const batchFirst = "batch_first" in f.config && f.config.batch_first;
  const values: number[] = [];
  const outer = batchFirst ? l.batch : l.seq;
  const inner = batchFirst ? l.seq : l.batch;
  for (let a = 0; a < outer; a++) {
    for (let b = 0; b < inner; b++) {
      const [t, n] = batchFirst ? [b, a] : [a, b];
      for (let d = 0; d < dirs; d++) values.push(...(perStep[d]?.[t]?.[n] ?? new Array<number>(size).fill(0)));
    }
  }
  return store(f, values, batchFirst ? [l.batch, l.seq, dirs * size] : [l.seq, l.batch, dirs * size]);
}

function initial(t: Tensor | undefined, d: number, n: number, size: number): number[] {
  if (!t) return new Array<number>(size).fill(0);
  const batch = t.shape[1] ?? 0;
  return Array.from(t.data.subarray((d * batch + n) * size, (d * batch + n + 1) * size));
}

/** torch.nn.LSTM, layer 0 only, with the bugs switched on. */
export function miniLstm(f: Fixture, bugs: LstmBugs = {}): Record<string, Tensor> {
  const l = layout(f);
  const c = f.config as { input_size: number; hidden_size: number; bidirectional: boolean; proj_size: number };
  const h = c.hidden_size;
  const p = c.proj_size;
  const s = p > 0 ? p : h;
  const outSize = p > 0 && bugs.skipProjection ? h : s;
  const dirs = c.bidirectional ? 2 : 1;
  const steps: number[][][][] = [];
  const hN: number[] = [];
  const cN: number[] = [];
  for (let d = 0; d < dirs; d++) {
    const sfx = `_l0${d === 1 ? "_reverse" : ""}`;
    const [wih, whh, bih, bhh, whr] = ["weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr"].map((k) => param(f, `${k}${sfx}`));
    const perT: number[][][] = [];
    const finalH: number[][] = [];
    const finalC: number[][] = [];
    for (let n = 0; n < l.batch; n++) {
      let hPrev = initial(f.inputs.hx, d, n, s);
      let cPrev = initial(f.inputs.cx, d, n, h);
      const order = Array.from({ length: l.seq }, (_, i) => (d === 0 ? i : l.seq - 1 - i));
      order.forEach((t, k) => {
        const x = Array.from({ length: c.input_size }, (_, i) => l.at(t, n, i));
        const gate = (g: number): number[] => {
          const a = affine(wih as Float64Array, c.input_size, g * h, h, x, bih);
          const b = affine(whh as Float64Array, hPrev.length, g * h, h, hPrev, bhh);
          return a.map((v, i) => v + (b[i] as number));
        };
        const [i, fg, g, o] = [gate(0).map(sigmoid), gate(1).map(sigmoid), gate(2).map(Math.tanh), gate(3).map(sigmoid)];
        cPrev = cPrev.map((cv, j) => (fg[j] as number) * cv + (i[j] as number) * (g[j] as number));
        const raw = cPrev.map((cv, j) => (o[j] as number) * Math.tanh(cv));
        hPrev = p > 0 && !bugs.skipProjection ? affine(whr as Float64Array, h, 0, p, raw) : raw;
        (perT[t] ??= [])[n] = hPrev;
        const recordFinal = d === 1 && bugs.reverseStateFromWrongEnd ? k === 0 : k === l.seq - 1;
        if (recordFinal) {
          finalH[n] = hPrev;
          finalC[n] = p > 0 && bugs.projectCell ? affine(whr as Float64Array, h, 0, p, cPrev) : cPrev;
        }
      });
    }
    steps.push(perT);
    for (let n = 0; n < l.batch; n++) hN.push(...(finalH[n] ?? []));
    for (let n = 0; n < l.batch; n++) cN.push(...(finalC[n] ?? []));
  }
  const cSize = p > 0 && bugs.projectCell ? p : h;
  return {
    output: outputTensor(f, l, steps, outSize, dirs),
    h_n: store(f, hN, [dirs, l.batch, outSize]),
    c_n: store(f, cN, [dirs, l.batch, cSize]),
  };
}

/** torch.nn.GRU, layer 0, one direction, with the bug switched on. */
export function miniGru(f: Fixture, bugs: GruBugs = {}): Record<string, Tensor> {
  const l = layout(f);
  const c = f.config as { input_size: number; hidden_size: number };
  const h = c.hidden_size;
  const [wih, whh, bih, bhh] = ["weight_ih", "weight_hh", "bias_ih", "bias_hh"].map((k) => param(f, `${k}_l0`));
  const perT: number[][][] = [];
  const hN: number[] = [];
  for (let n = 0; n < l.batch; n++) {
    let hPrev = initial(f.inputs.hx, 0, n, h);
    for (let t = 0; t < l.seq; t++) {
      const x = Array.from({ length: c.input_size }, (_, i) => l.at(t, n, i));
      const xi = (g: number): number[] => affine(wih as Float64Array, c.input_size, g * h, h, x, bih);
      const hh = (g: number, v: number[]): number[] => affine(whh as Float64Array, h, g * h, h, v, bhh);
      const r = xi(0).map((v, j) => sigmoid(v + (hh(0, hPrev)[j] as number)));
      const z = xi(1).map((v, j) => sigmoid(v + (hh(1, hPrev)[j] as number)));
      const recurrent = bugs.resetBeforeProduct
        ? hh(2, hPrev.map((v, j) => (r[j] as number) * v))
        : hh(2, hPrev).map((v, j) => (r[j] as number) * v);
      const nGate = xi(2).map((v, j) => Math.tanh(v + (recurrent[j] as number)));
      hPrev = nGate.map((nv, j) => (1 - (z[j] as number)) * nv + (z[j] as number) * (hPrev[j] as number));
      (perT[t] ??= [])[n] = hPrev;
    }
    hN.push(...hPrev);
  }
  return { output: outputTensor(f, l, [perT], h, 1), h_n: store(f, hN, [1, l.batch, h]) };
}
