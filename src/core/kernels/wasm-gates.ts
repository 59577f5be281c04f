import { InternalError } from "../errors.js";
import { INV_LN2_32, LN2_32_HI, LN2_32_LO, POW2_FRAC, SIGMOID_HI, SIGMOID_LO } from "./tanh-f32.js";
import {
  emitter, END, F32X4_ADD, F32X4_DEMOTE_F64X2_ZERO, F32X4_MAX, F32X4_MUL, F32X4_SUB, F64_LOAD, F64X2_ABS, F64X2_ADD,
  F64X2_DIV, F64X2_FLOOR, F64X2_GE, F64X2_LT, F64X2_MUL, F64X2_NEG, F64X2_PMAX, F64X2_PMIN, F64X2_PROMOTE_LOW_F32X4, F64X2_REPLACE,
  F64X2_SPLAT, F64X2_SUB, f64x2Const, get, I32, I32_ADD, I32_GE_U, I32_LT_U, i32Const, I32X4_EXTRACT,
  I64X2_ADD, I64X2_SHL, I8X16_SHUFFLE,
  set, uleb, V128, V128_AND, V128_ANY_TRUE, V128_BITSELECT, V128_LOAD, V128_OR, V128_STORE, V128_ZERO, v128Const, vec,
} from "./wasm-bytes.js";

/**
 * The per-step gate arithmetic of RNN (tanh, relu), LSTM and GRU for float32, in WebAssembly:
 * the float32 operations (adds and products of gates, states) on f32x4 lanes, exactly the
 * Math.fround'ed operations of the scalar epilogues (rnn-layer.ts, lstm-step.ts, gru-step.ts);
 * tanh and the sigmoid on f64x2 lanes, operation for operation tanhF32 and sigmoidF32
 * (tanh-f32.ts), then rounded to float32 (f32x4.demote is Math.fround). So both paths give the
 * same bits (test/kernels-gates.test.ts checks the functions over float32 bit patterns,
 * test/kernels-engine.test.ts whole forward passes).
 *
 * Every gate function has the signature (n, ih, ihLd, g, gLd, h, hLd, c, out, outLd, hB, hpB),
 * addresses and strides in bytes: rows b < n, row b of the input projection at ih + b·ihLd and
 * of the recurrent product at g + b·gLd (gate q at + q·hB, hB = 4H), of h at h + b·hLd, of c at
 * c + b·hpB, of the result at out + b·outLd. Columns go 4 at a time up to hpB = 4·roundUp(H, 4),
 * so the caller's h, c and out rows must be padded to that (their padding lanes get garbage),
 * and reads may pass a row's end by up to 3 floats (into the next row or buffer, never past the
 * memory: callers keep memory after the last buffer). n >= 1.
 */

/** Byte address of POW2_FRAC (32 doubles) in the memory, as a data segment; callers keep [0, GATE_RESERVED) free. */
export const POW2_FRAC_ADDR = 256;
export const GATE_RESERVED = 512;

export type GateKernel = "rnnTanh" | "rnnRelu" | "lstm" | "gru";
export const GATE_KERNELS: readonly GateKernel[] = ["rnnTanh", "rnnRelu", "lstm", "gru"];

/** The data segment: POW2_FRAC's bytes at POW2_FRAC_ADDR. */
export function gateData(): number[] {
  const bytes = Array.from(new Uint8Array(POW2_FRAC.buffer, POW2_FRAC.byteOffset, POW2_FRAC.byteLength));
  return [0x00, ...i32Const(POW2_FRAC_ADDR), END, ...vec(bytes.map((b) => [b]))];
}

/** Local variables of one function: i32 after the parameters, then v128. */
class Locals {
  private i32s = 0;
  private v128s = 0;
  private readonly i32Base: number;
  constructor(params: number, private readonly maxI32: number) {
    this.i32Base = params;
  }
  i32(): number {
    if (this.i32s === this.maxI32) throw new InternalError("internal: out of i32 locals");
    return this.i32Base + this.i32s++;
  }
  v128(): number {
    return this.i32Base + this.maxI32 + this.v128s++;
  }
  declarations(): number[] {
    return vec([
      [...uleb(this.maxI32), I32],
      [...uleb(Math.max(1, this.v128s)), V128],
    ]);
  }
}

type Emit = (...parts: (number | number[])[]) => void;

/** Scratch locals the f64x2 functions share (each call leaves its result on the stack). */
interface Temps {
  k: number;
  r: number;
  ki: number;
  r2: number;
  y: number;
  m: number;
  e: number;
  res: number;
  a: number;
  x2: number;
}

function temps(l: Locals): Temps {
  return { k: l.v128(), r: l.v128(), ki: l.v128(), r2: l.v128(), y: l.v128(), m: l.v128(), e: l.v128(), res: l.v128(), a: l.v128(), x2: l.v128() };
}

const c64 = f64x2Const;

/** 1.5 · 2^52: for an integer |k| < 2^31, the bits of k + ROUND_BIAS are 0x4338000000000000 + k. */
const ROUND_BIAS = 6755399441055744;
const LOW5 = v128Const(new Uint8Array(new Int32Array([31, 0, 31, 0]).buffer));
const EXPONENT = v128Const(new Uint8Array(new Int32Array([0, -1048576, 0, -1048576]).buffer)); // 0xFFF0000000000000

/**
 * expF64 of local `y` (f64x2) onto the stack: the same floating-point operations in the same
 * order. The integer parts are bit manipulation the scalar code does with tables: k + 1.5·2^52
 * holds k in its low bits, so j = k & 31 indexes POW2_FRAC and (k >> 5) << 52 is k << 47 with the
 * mantissa bits cleared, which added to POW2_FRAC[j]'s bits multiplies it by 2^(k >> 5) exactly
 * (both factors are powers of two times a normal double, so p · (f · 2^m) = (p · f) · 2^m, the
 * scalar code's order, bit for bit).
 */
function emitExp(emit: Emit, t: Temps, y: number): void {
  emit(get(y), c64(INV_LN2_32), F64X2_MUL, c64(0.5), F64X2_ADD, F64X2_FLOOR, set(t.k));
  emit(get(y), get(t.k), c64(LN2_32_HI), F64X2_MUL, F64X2_SUB, get(t.k), c64(LN2_32_LO), F64X2_MUL, F64X2_SUB, set(t.r));
  emit(get(t.k), c64(ROUND_BIAS), F64X2_ADD, set(t.ki));
  emit(get(t.r), get(t.r), F64X2_MUL, set(t.r2));
  // p = ((1 + r) + r2·(1/2 + r·(1/6))) + (r2·r2)·((1/24 + r·(1/120)) + r2·(1/720))
  emit(c64(1), get(t.r), F64X2_ADD);
  emit(get(t.r2), c64(1 / 2), get(t.r), c64(1 / 6), F64X2_MUL, F64X2_ADD, F64X2_MUL, F64X2_ADD);
  emit(get(t.r2), get(t.r2), F64X2_MUL);
  emit(c64(1 / 24), get(t.r), c64(1 / 120), F64X2_MUL, F64X2_ADD, get(t.r2), c64(1 / 720), F64X2_MUL, F64X2_ADD);
  emit(F64X2_MUL, F64X2_ADD);
  // POW2_FRAC[k & 31], gathered one lane at a time (no gather instruction in SIMD128), then · 2^(k >> 5)
  emit(get(t.ki), LOW5, V128_AND, i32Const(3), I64X2_SHL, set(t.m));
  emit(get(t.m), I32X4_EXTRACT(0), F64_LOAD(POW2_FRAC_ADDR), F64X2_SPLAT);
  emit(get(t.m), I32X4_EXTRACT(2), F64_LOAD(POW2_FRAC_ADDR), F64X2_REPLACE(1));
  emit(get(t.ki), i32Const(47), I64X2_SHL, EXPONENT, V128_AND, I64X2_ADD);
  emit(F64X2_MUL);
}

const SIGN64 = v128Const(new Uint8Array(new Float64Array([-0, -0]).buffer));

/** tanhF32 of local `x` (f64x2) onto the stack: all three branches computed, then selected by lane. */
function emitTanh(emit: Emit, t: Temps, x: number): void {
  emit(get(x), c64(-2), F64X2_MUL, set(t.y));
  emitExp(emit, t, t.y);
  emit(set(t.e));
  emit(c64(1), get(t.e), F64X2_SUB, c64(1), get(t.e), F64X2_ADD, F64X2_DIV, set(t.res));
  emit(get(x), F64X2_ABS, set(t.a));
  // |x| < 0.05: the Taylor series, only when some lane needs it (rare past the first steps)
  emit(get(t.a), c64(0.05), F64X2_LT, set(t.m));
  emit(get(t.m), V128_ANY_TRUE, 0x04, 0x40);
  emit(get(x), get(x), F64X2_MUL, set(t.x2));
  emit(get(x), c64(1), get(t.x2), c64(-1 / 3), get(t.x2), c64(2 / 15), get(t.x2), c64(-17 / 315), get(t.x2));
  // tail = 62/2835 + x2·(-1382/155925 + x2·(21844/6081075 + x2·(-929569/638512875)))
  emit(c64(62 / 2835), get(t.x2), c64(-1382 / 155925), get(t.x2), c64(21844 / 6081075), get(t.x2), c64(-929569 / 638512875));
  emit(F64X2_MUL, F64X2_ADD, F64X2_MUL, F64X2_ADD, F64X2_MUL, F64X2_ADD);
  // x · (1 + x2·(-1/3 + x2·(2/15 + x2·(-17/315 + x2·tail))))
  emit(F64X2_MUL, F64X2_ADD, F64X2_MUL, F64X2_ADD, F64X2_MUL, F64X2_ADD, F64X2_MUL, F64X2_ADD, F64X2_MUL);
  emit(get(t.res), get(t.m), V128_BITSELECT, set(t.res));
  emit(END);
  // |x| >= 9.1: ±1 with x's sign (x is not zero there)
  emit(get(x), SIGN64, V128_AND, c64(1), V128_OR, get(t.res), get(t.a), c64(9.1), F64X2_GE, V128_BITSELECT);
}

/** sigmoidF32 of local `x` (f64x2) onto the stack. pmin(y, hi) is `hi < y ? hi : y` and pmax(y, lo) `y < lo ? lo : y`: the scalar selections, NaN passing through. */
function emitSigmoid(emit: Emit, t: Temps, x: number): void {
  emit(get(x), F64X2_NEG);
  emit(c64(SIGMOID_HI), F64X2_PMIN, c64(SIGMOID_LO), F64X2_PMAX, set(t.y));
  emit(c64(1), c64(1));
  emitExp(emit, t, t.y);
  emit(F64X2_ADD, F64X2_DIV);
}

const LOW_TO_HIGH = [8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15];
const JOIN_LOWS = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];

/**
 * f(local v128 `v`, four float32) onto the stack as four float32: each pair promoted to f64x2
 * (exact), f evaluated, demoted (Math.fround), the halves joined.
 */
function emitF32x4(emit: Emit, t: Temps, v: number, lo: number, hi: number, f: (emit: Emit, t: Temps, x: number) => void): void {
  emit(get(v), F64X2_PROMOTE_LOW_F32X4, set(lo));
  emit(get(v), get(v), I8X16_SHUFFLE(LOW_TO_HIGH), F64X2_PROMOTE_LOW_F32X4, set(hi));
  f(emit, t, lo);
  emit(F32X4_DEMOTE_F64X2_ZERO, set(lo));
  f(emit, t, hi);
  emit(F32X4_DEMOTE_F64X2_ZERO, set(hi));
  emit(get(lo), get(hi), I8X16_SHUFFLE(JOIN_LOWS));
}

const N = 0, IH = 1, IH_LD = 2, G = 3, G_LD = 4, H = 5, H_LD = 6, C = 7, OUT = 8, OUT_LD = 9, HB = 10, HPB = 11;
export const GATE_PARAMS = 12;

/** The body (size-prefixed locals and code) of one gate kernel. */
export function gateBody(kind: GateKernel): number[] {
  const l = new Locals(GATE_PARAMS, 8);
  const B = l.i32(), J = l.i32(), PG = l.i32(), PI = l.i32(), Q = l.i32(), R = l.i32();
  const t = temps(l);
  const lo = l.v128(), hi = l.v128(), v = l.v128(), a = l.v128(), b = l.v128(), cc = l.v128();
  const code: number[] = [];
  const emit = emitter(code);
  /** f32x4.add(g gate q, ih gate q) (torch's linear_hh(h).add_(input gates), rounded) onto the stack. */
  const gatePre = (q: number): void => {
    emit(get(PG), set(Q), get(PI), set(R));
    for (let i = 0; i < q; i++) emit(get(Q), get(HB), I32_ADD, set(Q), get(R), get(HB), I32_ADD, set(R));
    emit(get(Q), V128_LOAD(0), get(R), V128_LOAD(0), F32X4_ADD);
  };
  /** dst = f(gate q's pre-activation), four float32 lanes. */
  const activated = (q: number, f: (emit: Emit, t: Temps, x: number) => void, dst: number): void => {
    gatePre(q);
    emit(set(v));
    emitF32x4(emit, t, v, lo, hi, f);
    emit(set(dst));
  };
  const at = (base: number): void => {
    emit(get(base), get(J), I32_ADD);
  };
  emit(get(N), i32Const(0), 0x4c /* i32.le_s */, 0x04, 0x40, 0x0f, END); // n <= 0: return
  emit(i32Const(0), set(B));
  emit(0x03, 0x40); // loop $rows
  emit(i32Const(0), set(J));
  emit(0x03, 0x40); // loop $cols
  emit(get(G), get(J), I32_ADD, set(PG), get(IH), get(J), I32_ADD, set(PI));
  if (kind === "rnnTanh") {
    activated(0, emitTanh, v);
    at(OUT);
    emit(get(v), V128_STORE(0));
  } else if (kind === "rnnRelu") {
    // f32x4.max is torch's relu: NaN stays NaN and max(+0, −0) = +0, as Math.max(0, x)
    at(OUT);
    emit(V128_ZERO);
    gatePre(0);
    emit(F32X4_MAX, V128_STORE(0));
  } else if (kind === "lstm") {
    activated(0, emitSigmoid, a); // i
    activated(1, emitSigmoid, b); // f
    activated(2, emitTanh, cc); // g
    // c' = round(round(f · c) + round(i · g))
    at(C);
    emit(get(b));
    at(C);
    emit(V128_LOAD(0), F32X4_MUL, get(a), get(cc), F32X4_MUL, F32X4_ADD, set(cc), get(cc), V128_STORE(0));
    activated(3, emitSigmoid, a); // o
    // h' = round(o · round(tanh(c')))
    at(OUT);
    emit(get(a));
    emitF32x4(emit, t, cc, lo, hi, emitTanh);
    emit(F32X4_MUL, V128_STORE(0));
  } else {
    activated(0, emitSigmoid, a); // r
    activated(1, emitSigmoid, b); // z
    // n = round(tanh(round(ih_n + round(hg_n · r))))
    emit(get(PG), get(HB), I32_ADD, get(HB), I32_ADD, set(Q), get(PI), get(HB), I32_ADD, get(HB), I32_ADD, set(R));
    emit(get(R), V128_LOAD(0), get(Q), V128_LOAD(0), get(a), F32X4_MUL, F32X4_ADD, set(v));
    emitF32x4(emit, t, v, lo, hi, emitTanh);
    emit(set(cc));
    // h' = round(round(round(h − n) · z) + n); out may be h: this lane group is read before it is written
    at(OUT);
    at(H);
    emit(V128_LOAD(0), get(cc), F32X4_SUB, get(b), F32X4_MUL, get(cc), F32X4_ADD, V128_STORE(0));
  }
  emit(get(J), i32Const(16), I32_ADD, set(J));
  emit(get(J), get(HPB), I32_LT_U, 0x0d, ...uleb(0)); // br_if $cols
  emit(END);
  emit(get(IH), get(IH_LD), I32_ADD, set(IH), get(G), get(G_LD), I32_ADD, set(G));
  emit(get(H), get(H_LD), I32_ADD, set(H), get(C), get(HPB), I32_ADD, set(C), get(OUT), get(OUT_LD), I32_ADD, set(OUT));
  emit(get(B), i32Const(1), I32_ADD, set(B));
  emit(get(B), get(N), I32_LT_U, 0x0d, ...uleb(0)); // br_if $rows
  emit(END);
  emit(END); // function
  const body = [...l.declarations(), ...code];
  return [...uleb(body.length), ...body];
}

export type MapKernel = "tanhF32" | "sigmoidF32";
export const MAP_KERNELS: readonly MapKernel[] = ["tanhF32", "sigmoidF32"];
export const MAP_PARAMS = 3;

/**
 * (src, dst, end): dst[i] = fround(f(src[i])) for float32 arrays, 4 at a time from src up to end
 * (bytes, a multiple of 16 apart). The gate kernels' functions alone, for tests and measurements.
 */
export function mapBody(kind: MapKernel): number[] {
  const SRC = 0, DST = 1, END_ = 2;
  const l = new Locals(MAP_PARAMS, 1);
  l.i32();
  const t = temps(l);
  const lo = l.v128(), hi = l.v128(), v = l.v128();
  const code: number[] = [];
  const emit = emitter(code);
  emit(get(SRC), get(END_), I32_GE_U, 0x04, 0x40, 0x0f, END);
  emit(0x03, 0x40);
  emit(get(SRC), V128_LOAD(0), set(v), get(DST));
  emitF32x4(emit, t, v, lo, hi, kind === "tanhF32" ? emitTanh : emitSigmoid);
  emit(V128_STORE(0));
  emit(get(SRC), i32Const(16), I32_ADD, set(SRC), get(DST), i32Const(16), I32_ADD, set(DST));
  emit(get(SRC), get(END_), I32_LT_U, 0x0d, ...uleb(0));
  emit(END);
  emit(END);
  const body = [...l.declarations(), ...code];
  return [...uleb(body.length), ...body];
}
