/**
 * Just enough of the WebAssembly binary format to emit this package's kernels byte by byte (no
 * toolchain, no dependency): LEB128 integers, sections, vectors, names and the opcodes used by
 * wasm-gemm.ts (f64x2) and wasm-sgemm.ts (f32x4). Opcodes are WebAssembly core 2.0 and the
 * fixed-width SIMD proposal, which Node 20's V8 validates without flags.
 */

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

export function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

export function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

export function name(s: string): number[] {
  return vec([...s].map((ch) => [ch.charCodeAt(0)]));
}

/** A code-emitting helper: appends numbers and arrays of numbers to `code`. */
export function emitter(code: number[]): (...parts: (number | number[])[]) => void {
  return (...parts) => {
    for (const p of parts) {
      if (typeof p === "number") code.push(p);
      else code.push(...p);
    }
  };
}

export const I32 = 0x7f;
export const V128 = 0x7b;
export const END = 0x0b;
export const get = (i: number): number[] => [0x20, ...uleb(i)];
export const set = (i: number): number[] => [0x21, ...uleb(i)];
export const i32Const = (n: number): number[] => [0x41, ...sleb(n)];
export const I32_ADD = 0x6a;
export const I32_SUB = 0x6b;
export const I32_MUL = 0x6c;
export const I32_LT_U = 0x49;
export const I32_GE_U = 0x4f;
export const simd = (op: number, ...imm: number[]): number[] => [0xfd, ...uleb(op), ...imm];
export const memarg = (align: number, offset: number): number[] => [...uleb(align), ...uleb(offset)];
export const V128_LOAD = (offset: number): number[] => simd(0x00, ...memarg(4, offset));
export const V128_STORE = (offset: number): number[] => simd(0x0b, ...memarg(4, offset));
export const V128_LOAD32_SPLAT = (offset: number): number[] => simd(0x09, ...memarg(2, offset));
export const V128_LOAD64_SPLAT = simd(0x0a, ...memarg(3, 0));
export const V128_ZERO = simd(0x0c, ...new Array<number>(16).fill(0));
export const F64X2_SPLAT = simd(0x14);
export const F64X2_EXTRACT = (lane: number): number[] => simd(0x21, lane);
export const F64X2_ADD = simd(0xf0);
export const F64X2_MUL = simd(0xf2);
export const F32X4_ADD = simd(0xe4);
export const F32X4_MUL = simd(0xe6);
// The gate kernels (wasm-gates.ts): f32x4 gate arithmetic, f64x2 transcendental functions.
export const F64_LOAD = (offset: number): number[] => [0x2b, ...memarg(3, offset)];
export const I8X16_SHUFFLE = (lanes: readonly number[]): number[] => simd(0x0d, ...lanes);
export const I32X4_EXTRACT = (lane: number): number[] => simd(0x1b, lane);
export const F64X2_REPLACE = (lane: number): number[] => simd(0x22, lane);
export const F64X2_LT = simd(0x49);
export const F64X2_GE = simd(0x4c);
export const V128_AND = simd(0x4e);
export const V128_OR = simd(0x50);
export const V128_BITSELECT = simd(0x52);
export const V128_ANY_TRUE = simd(0x53);
export const F32X4_DEMOTE_F64X2_ZERO = simd(0x5e);
export const F64X2_PROMOTE_LOW_F32X4 = simd(0x5f);
export const F64X2_FLOOR = simd(0x75);
export const I64X2_SHL = simd(0xcb);
export const I64X2_ADD = simd(0xce);
export const F32X4_SUB = simd(0xe5);
export const F32X4_MAX = simd(0xe9);
export const F64X2_ABS = simd(0xec);
export const F64X2_NEG = simd(0xed);
export const F64X2_SUB = simd(0xf1);
export const F64X2_DIV = simd(0xf3);
export const F64X2_PMIN = simd(0xf6);
export const F64X2_PMAX = simd(0xf7);

/** v128.const from 16 bytes. */
export function v128Const(bytes: ArrayLike<number>): number[] {
  return simd(0x0c, ...Array.from(bytes));
}

/** v128.const of one double in both f64x2 lanes. */
export function f64x2Const(x: number): number[] {
  return v128Const(new Uint8Array(new Float64Array([x, x]).buffer));
}
